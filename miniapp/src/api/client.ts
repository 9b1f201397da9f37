import type {
  CancelMallExchangeResult,
  CheckinResponse,
  ClaimableCoupon,
  ClerkBindPhoneBody,
  ConsentBody,
  Coupon,
  CouponLookup,
  CouponPage,
  CreateMallExchangeBody,
  ExchangeCouponResult,
  InboxMessage,
  InboxPage,
  InboxReadAllResult,
  MallCatalogueItem,
  MallExchange,
  MallExchangePage,
  MallExchangeResult,
  MemberCard,
  MemberCouponsQuery,
  MemberLoginBody,
  MemberLoginResponse,
  MemberProfile,
  MemberStaffView,
  MemberTier,
  MessageSubscriptionList,
  MyCouponsQuery,
  MyMallExchangesQuery,
  PickupLookup,
  PointEntriesPage,
  PointsExpiring,
  PointsSummary,
  PurchaseResult,
  RecordPurchaseBody,
  RedeemCouponBody,
  StaffLoginBody,
  StaffLoginResponse,
  Store,
  UpdateProfileBody,
  VerifyPickupBody,
} from '@memberloop/shared';
import type { AppSettings } from './config';
import { ApiError, errorFromResponse, isAuthError, isTransient } from './errors';
import type { HttpMethod, HttpTransport } from './http';
import type { LoginCodeSource } from './login-code';
import type { StaffSession, StaffSessionStore, TokenStore } from './storage';

export interface ApiClientDeps {
  settings: Pick<AppSettings, 'apiBase' | 'brandCode'>;
  transport: HttpTransport;
  tokens: TokenStore;
  loginCode: LoginCodeSource;
  /** The clerk's token; without one the staff calls answer UNAUTHENTICATED. */
  staffSessions?: StaffSessionStore;
  /** Waits between retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
}

type Query = Record<string, string | number | boolean | undefined>;

interface CallOptions {
  query?: Query;
  body?: unknown;
  /** Sent as Idempotency-Key; the same key goes with every retry of this call. */
  idempotencyKey?: string;
}

/** Waits before the 2nd and 3rd attempt of a call that may be repeated. */
export const RETRY_DELAYS_MS = [400, 1200] as const;

/** The clerk's calls: every one needs the staff token of POST /auth/staff/login. */
export interface StaffApi {
  login(body: StaffLoginBody): Promise<StaffLoginResponse>;
  /** The stored login (no request is made), or null. */
  session(): StaffSession | null;
  logout(): void;
  listStores(): Promise<Store[]>;
  scanCard(code: string): Promise<MemberStaffView>;
  getMember(memberId: string): Promise<MemberStaffView>;
  getMemberTier(memberId: string): Promise<MemberTier>;
  getMemberPoints(memberId: string): Promise<PointsSummary>;
  getMemberCoupons(memberId: string, query?: MemberCouponsQuery): Promise<CouponPage>;
  recordPurchase(body: RecordPurchaseBody, idempotencyKey: string): Promise<PurchaseResult>;
  lookupCoupon(code: string, storeId?: string): Promise<CouponLookup>;
  redeemCoupon(body: RedeemCouponBody, idempotencyKey: string): Promise<Coupon>;
  bindMemberPhone(memberId: string, body: ClerkBindPhoneBody): Promise<MemberStaffView>;
  lookupPickup(pickupCode: string, storeId?: string): Promise<PickupLookup>;
  verifyPickup(body: VerifyPickupBody, idempotencyKey: string): Promise<MallExchange>;
}

export interface ApiClient {
  /**
   * Logs in with a fresh WeChat code and stores the token, with the scanned scene or, without one,
   * the configured brand. `join: true` (the default) joins: only the join page calls it that way,
   * after the shopper ticked 会员协议; the server then creates the member if need be and records
   * the scene. `join: false` only signs in an existing member and rejects with MEMBER_NOT_FOUND
   * for anyone else, creating nothing.
   */
  login(scene?: string, options?: { join?: boolean }): Promise<MemberLoginResponse>;
  /** True when a usable token is stored (no request is made). */
  hasSession(): boolean;
  logout(): void;
  getMe(): Promise<MemberProfile>;
  updateProfile(body: UpdateProfileBody): Promise<MemberProfile>;
  setMarketingConsent(granted: boolean): Promise<MemberProfile>;
  /** Binds the phone behind a code of WeChat's phone-number button (or, in H5, of the fake WeChat). */
  bindPhone(code: string): Promise<MemberProfile>;
  getCard(): Promise<MemberCard>;
  getPoints(): Promise<PointsSummary>;
  getPointEntries(page?: { limit?: number; offset?: number }): Promise<PointEntriesPage>;
  getExpiringPoints(days?: number): Promise<PointsExpiring>;
  checkin(idempotencyKey: string): Promise<CheckinResponse>;
  getTier(): Promise<MemberTier>;
  getMyCoupons(query?: MyCouponsQuery): Promise<CouponPage>;
  getMyCoupon(couponId: string): Promise<Coupon>;
  getClaimableCoupons(): Promise<ClaimableCoupon[]>;
  claimCoupon(templateId: string, idempotencyKey: string): Promise<Coupon>;
  exchangeCoupon(templateId: string, idempotencyKey: string): Promise<ExchangeCouponResult>;
  getCatalogue(): Promise<MallCatalogueItem[]>;
  getCatalogueItem(itemId: string): Promise<MallCatalogueItem>;
  createExchange(body: CreateMallExchangeBody, idempotencyKey: string): Promise<MallExchangeResult>;
  getMyExchanges(query?: MyMallExchangesQuery): Promise<MallExchangePage>;
  getMyExchange(exchangeId: string): Promise<MallExchange>;
  cancelExchange(exchangeId: string, idempotencyKey: string): Promise<CancelMallExchangeResult>;
  /** My in-app messages, newest first, with the unread count. */
  getInbox(page?: { limit?: number; offset?: number }): Promise<InboxPage>;
  /** Marks one message read (reading again keeps the first time). */
  markInboxRead(messageId: string): Promise<InboxMessage>;
  markAllInboxRead(): Promise<InboxReadAllResult>;
  /** Tells the server what wx.requestSubscribeMessage answered, so it knows which templates it may send. */
  reportSubscriptions(results: Record<string, 'accept' | 'reject' | 'ban' | 'filter'>): Promise<MessageSubscriptionList>;
  staff: StaffApi;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const id = (value: string) => encodeURIComponent(value);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one API client of the mini-program. Every failure rejects with an ApiError.
 *
 * - Member calls sign in first when there is no token, and sign in again once when the token is
 *   refused. That implicit sign-in never joins (`join: false`), so a WeChat user who is not a
 *   member gets MEMBER_NOT_FOUND instead of becoming one without accepting the membership terms.
 * - Staff calls use the clerk's own token; a refused one is forgotten and the call rejects, so the
 *   page can ask the clerk to log in again.
 * - Reads, and writes that carry an Idempotency-Key, are repeated (twice, after a short wait)
 *   when no answer arrived or a gateway failed; a write is repeated with the same key, so the
 *   server does its work once. Writes without a key are never repeated.
 */
export function createApiClient({ settings, transport, tokens, loginCode, staffSessions, sleep = realSleep }: ApiClientDeps): ApiClient {
  async function sendOnce<T>(method: HttpMethod, path: string, options: CallOptions, token: string | null): Promise<T> {
    const header: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) header['Content-Type'] = 'application/json';
    if (token) header.Authorization = `Bearer ${token}`;
    if (options.idempotencyKey) header['Idempotency-Key'] = options.idempotencyKey;
    let response;
    try {
      response = await transport({ url: `${settings.apiBase}${path}${queryString(options.query)}`, method, data: options.body, header });
    } catch {
      throw new ApiError('NETWORK_ERROR', `${method} ${path} got no response`, 0);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response.data as T;
    throw errorFromResponse(response.statusCode, response.data);
  }

  async function send<T>(method: HttpMethod, path: string, options: CallOptions, token: string | null): Promise<T> {
    const repeatable = method === 'GET' || Boolean(options.idempotencyKey);
    for (let attempt = 0; ; attempt++) {
      try {
        return await sendOnce<T>(method, path, options, token);
      } catch (error) {
        if (!repeatable || attempt >= RETRY_DELAYS_MS.length || !isTransient(error)) throw error;
        await sleep(RETRY_DELAYS_MS[attempt]!);
      }
    }
  }

  async function login(scene?: string, { join = true }: { join?: boolean } = {}): Promise<MemberLoginResponse> {
    const code = await loginCode.getCode();
    const body: MemberLoginBody = scene ? { code, scene, join } : { code, brandCode: settings.brandCode, join };
    const result = await send<MemberLoginResponse>('POST', '/auth/member/login', { body }, null);
    if (!result || typeof result.token !== 'string') throw new ApiError('BAD_RESPONSE', 'login answered without a token', 200);
    tokens.set(result.token, result.expiresAt);
    return result;
  }

  // Calls that need a token share one implicit sign-in instead of each spending a WeChat code.
  // It signs in only: joining takes the shopper's consent to 会员协议, given on the join page.
  let pendingLogin: Promise<string> | null = null;
  function implicitLogin(): Promise<string> {
    pendingLogin ??= login(undefined, { join: false })
      .then((result) => result.token)
      .finally(() => {
        pendingLogin = null;
      });
    return pendingLogin;
  }

  async function member<T>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const stored = tokens.get();
    const token = stored ?? (await implicitLogin());
    try {
      return await send<T>(method, path, options, token);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      tokens.clear();
      return send<T>(method, path, options, await implicitLogin());
    }
  }

  async function staffCall<T>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const session = staffSessions?.get() ?? null;
    if (!session) throw new ApiError('UNAUTHENTICATED', 'no staff login', 401);
    try {
      return await send<T>(method, path, options, session.token);
    } catch (error) {
      if (isAuthError(error) || (error instanceof ApiError && error.code === 'ACCOUNT_DISABLED')) staffSessions?.clear();
      throw error;
    }
  }

  const staff: StaffApi = {
    async login(body) {
      const result = await send<StaffLoginResponse>('POST', '/auth/staff/login', { body }, null);
      if (!result || typeof result.token !== 'string') throw new ApiError('BAD_RESPONSE', 'staff login answered without a token', 200);
      const { staff: account, brand } = result;
      staffSessions?.set({
        token: result.token,
        expiresAt: result.expiresAt,
        staff: { id: account.id, displayName: account.displayName, username: account.username, role: account.role, storeIds: account.storeIds },
        brand: { id: brand.id, code: brand.code, name: brand.name },
      });
      return result;
    },
    session: () => staffSessions?.get() ?? null,
    logout: () => staffSessions?.clear(),
    listStores: () => staffCall<Store[]>('GET', '/stores'),
    scanCard: (code) => staffCall<MemberStaffView>('POST', '/members/scan', { body: { code } }),
    getMember: (memberId) => staffCall<MemberStaffView>('GET', `/members/${id(memberId)}`),
    getMemberTier: (memberId) => staffCall<MemberTier>('GET', `/members/${id(memberId)}/tier`),
    getMemberPoints: (memberId) => staffCall<PointsSummary>('GET', `/members/${id(memberId)}/points`),
    getMemberCoupons: (memberId, query) => staffCall<CouponPage>('GET', `/members/${id(memberId)}/coupons`, { query: { ...query } }),
    recordPurchase: (body, idempotencyKey) => staffCall<PurchaseResult>('POST', '/orders', { body, idempotencyKey }),
    lookupCoupon: (code, storeId) => staffCall<CouponLookup>('GET', `/coupons/by-code/${id(code)}`, { query: { storeId } }),
    redeemCoupon: (body, idempotencyKey) => staffCall<Coupon>('POST', '/coupons/redeem', { body, idempotencyKey }),
    bindMemberPhone: (memberId, body) => staffCall<MemberStaffView>('PUT', `/members/${id(memberId)}/phone`, { body }),
    lookupPickup: (pickupCode, storeId) => staffCall<PickupLookup>('GET', `/mall/pickups/${id(pickupCode)}`, { query: { storeId } }),
    verifyPickup: (body, idempotencyKey) => staffCall<MallExchange>('POST', '/mall/pickups', { body, idempotencyKey }),
  };

  // POSTs without a body of their own still send `{}`: a JSON content type with an empty body
  // is refused by the server, and wx.request always sends one.
  const EMPTY = {};

  return {
    login,
    hasSession: () => tokens.get() !== null,
    logout: () => tokens.clear(),
    getMe: () => member<MemberProfile>('GET', '/members/me'),
    updateProfile: (body) => member<MemberProfile>('PATCH', '/members/me', { body }),
    setMarketingConsent: (granted) => {
      const body: ConsentBody = { granted };
      return member<MemberProfile>('PUT', '/members/me/marketing-consent', { body });
    },
    bindPhone: (code) => member<MemberProfile>('POST', '/members/me/phone', { body: { code } }),
    getCard: () => member<MemberCard>('GET', '/members/me/card'),
    getPoints: () => member<PointsSummary>('GET', '/members/me/points'),
    getPointEntries: (page = {}) => member<PointEntriesPage>('GET', '/members/me/points/entries', { query: page }),
    getExpiringPoints: (days) => member<PointsExpiring>('GET', '/members/me/points/expiring', { query: { days } }),
    checkin: (idempotencyKey) => member<CheckinResponse>('POST', '/members/me/checkins', { body: EMPTY, idempotencyKey }),
    getTier: () => member<MemberTier>('GET', '/members/me/tier'),
    getMyCoupons: (query = {}) => member<CouponPage>('GET', '/members/me/coupons', { query: { ...query } }),
    getMyCoupon: (couponId) => member<Coupon>('GET', `/members/me/coupons/${id(couponId)}`),
    getClaimableCoupons: () => member<ClaimableCoupon[]>('GET', '/coupons/claimable'),
    claimCoupon: (templateId, idempotencyKey) =>
      member<Coupon>('POST', `/coupon-templates/${id(templateId)}/claim`, { body: EMPTY, idempotencyKey }),
    exchangeCoupon: (templateId, idempotencyKey) =>
      member<ExchangeCouponResult>('POST', `/coupon-templates/${id(templateId)}/exchange`, { body: EMPTY, idempotencyKey }),
    getCatalogue: () => member<MallCatalogueItem[]>('GET', '/mall/catalogue'),
    getCatalogueItem: (itemId) => member<MallCatalogueItem>('GET', `/mall/catalogue/${id(itemId)}`),
    createExchange: (body, idempotencyKey) => member<MallExchangeResult>('POST', '/mall/exchanges', { body, idempotencyKey }),
    getMyExchanges: (query = {}) => member<MallExchangePage>('GET', '/members/me/exchanges', { query: { ...query } }),
    getMyExchange: (exchangeId) => member<MallExchange>('GET', `/members/me/exchanges/${id(exchangeId)}`),
    cancelExchange: (exchangeId, idempotencyKey) =>
      member<CancelMallExchangeResult>('POST', `/members/me/exchanges/${id(exchangeId)}/cancel`, { body: EMPTY, idempotencyKey }),
    getInbox: (page = {}) => member<InboxPage>('GET', '/members/me/inbox', { query: { ...page } }),
    markInboxRead: (messageId) => member<InboxMessage>('POST', `/members/me/inbox/${id(messageId)}/read`, { body: EMPTY }),
    markAllInboxRead: () => member<InboxReadAllResult>('POST', '/members/me/inbox/read-all', { body: EMPTY }),
    reportSubscriptions: (results) => member<MessageSubscriptionList>('POST', '/members/me/subscriptions', { body: { results } }),
    staff,
  };
}
