import type {
  ClaimableCoupon,
  Coupon,
  ErrorCode,
  InboxMessage,
  MallCatalogueItem,
  MallExchange,
  MemberLoginBody,
  MemberProfile,
  MemberStaffView,
  MemberTier,
  PointEntry,
  PointsSummary,
  RecordPurchaseBody,
  ShippingAddress,
} from '@memberloop/shared';
import { maskPhone, normalizeCnMobile } from '@memberloop/shared';
import type { HttpRequest, HttpResponse } from '../src/api/http';
import {
  BRAND_ID,
  FIXED_NOW,
  LADDER,
  STAFF,
  STORES,
  couponOf,
  initialCatalogue,
  initialClaimable,
  initialCoupons,
  initialEntries,
  initialPoints,
  pointEntry,
  type FakeStaff,
} from './fixtures';

export { FIXED_NOW } from './fixtures';

export const API_BASE = 'http://127.0.0.1:3000';
export const FAKE_WECHAT = 'http://127.0.0.1:3100';

/** Scenes the fake server knows; any other scene is JOIN_SCENE_NOT_FOUND. */
export const SCENES: Record<string, MemberProfile['joinSource']> = {
  's=ST7K2Q': { type: 'store', storeId: 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V4', staffId: null, campaignId: null },
  'c=K9': { type: 'clerk', storeId: 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V4', staffId: 'stf_01JD3ZQ8W7X9K2M4N6P8R0T2V5', campaignId: null },
};

type Override = { status: number; body: unknown } | 'network';

/** Everything one member holds besides the profile. */
export interface MemberWorld {
  points: PointsSummary;
  entries: PointEntry[];
  expiring: Array<{ date: string; expiresAt: string; points: number }>;
  checkedInToday: boolean;
  coupons: Coupon[];
  exchanges: MallExchange[];
  tier: { level: number; growthValue: number; manual: MemberTier['manual']; graceUntil: string | null };
  /** Card codes handed out, newest last. */
  cardCodes: string[];
  claimedByTemplate: Map<string, number>;
  /** In-app messages, newest first. */
  inbox: InboxMessage[];
  /** Subscribe-message acceptances left per template id. */
  subscriptions: Map<string, number>;
}

const CARD_WINDOW_MS = 30_000;
const CARD_REFRESH_LEAD_MS = 5_000;

function newWorld(memberId: string): MemberWorld {
  return {
    points: initialPoints(),
    entries: initialEntries(),
    expiring: [{ date: '2026-12-01', expiresAt: '2026-12-01T15:59:59.999Z', points: 300 }],
    checkedInToday: false,
    coupons: initialCoupons(memberId),
    exchanges: [],
    tier: { level: 0, growthValue: 35_000, manual: null, graceUntil: null },
    cardCodes: [],
    claimedByTemplate: new Map(),
    inbox: [],
    subscriptions: new Map(),
  };
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: 'none' | 'member' | 'staff';
  handle(ctx: RouteContext): HttpResponse;
}

interface RouteContext {
  request: HttpRequest;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  user: string;
  member: MemberProfile;
  world: MemberWorld;
  staff: FakeStaff;
}

/** A deep copy, so what a test holds never changes under a later call (jsdom has no structuredClone). */
function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function ok(data: unknown, statusCode = 200): HttpResponse {
  return { statusCode, data: clone(data) };
}

function fail(status: number, code: ErrorCode | string, message = code): HttpResponse {
  return { statusCode: status, data: { code, message } };
}

/**
 * An in-memory memberloop API and fake WeChat server for the client and page tests: login codes
 * stand for users, logins create members, every member starts with points, coupons and a tier,
 * clerks log in with the staff in fixtures.ts, Idempotency-Keys replay the first answer, tokens
 * can be expired, and any route can be made to fail once.
 */
export function createFakeBackend() {
  const members = new Map<string, MemberProfile>();
  const worlds = new Map<string, MemberWorld>();
  const tokens = new Map<string, string>();
  const staffTokens = new Map<string, string>();
  const codes = new Map<string, string>();
  const phoneCodes = new Map<string, string>();
  const failures = new Map<string, Override[]>();
  const idempotent = new Map<string, { hash: string; response: HttpResponse }>();
  const calls: HttpRequest[] = [];
  const claimable = initialClaimable();
  const catalogue = initialCatalogue();
  let seq = 0;

  function issueCode(user: string): string {
    seq += 1;
    const code = `code-${seq}`;
    codes.set(code, user);
    return code;
  }

  function worldOf(memberId: string): MemberWorld {
    let world = worlds.get(memberId);
    if (!world) {
      world = newWorld(memberId);
      worlds.set(memberId, world);
    }
    return world;
  }

  function memberFor(user: string, scene: string | undefined): { member: MemberProfile; isNew: boolean } {
    const existing = members.get(user);
    if (existing) return { member: existing, isNew: false };
    seq += 1;
    const member: MemberProfile = {
      id: `mbr_01JD3ZQ8W7X9K2M4N6P8R0T${String(seq).padStart(3, '0')}`,
      memberNo: String(10000000 + seq),
      brandId: BRAND_ID,
      nickname: null,
      birthday: null,
      phone: null,
      phoneBoundAt: null,
      marketingConsent: { granted: false, changedAt: null },
      joinedAt: FIXED_NOW,
      joinSource: (scene && SCENES[scene]) || { type: null, storeId: null, staffId: null, campaignId: null },
      status: 'active',
    };
    members.set(user, member);
    return { member, isNew: true };
  }

  function userOfMember(memberId: string): string | undefined {
    for (const [user, member] of members) if (member.id === memberId) return user;
    return undefined;
  }

  function staffView(member: MemberProfile): MemberStaffView {
    const { phone, ...rest } = member;
    return { ...rest, maskedPhone: phone ? maskPhone(phone) : null };
  }

  function tierView(member: MemberProfile): MemberTier {
    const { tier } = worldOf(member.id);
    const effective = tier.manual?.level ?? tier.level;
    const next = LADDER.find((t) => t.level === tier.level + 1) ?? null;
    return {
      memberId: member.id,
      level: tier.level,
      name: LADDER[tier.level]!.name,
      effectiveLevel: effective,
      effectiveName: LADDER[effective]!.name,
      manual: tier.manual,
      growthValue: tier.growthValue,
      basis: 'spend',
      windowDays: 365,
      nextLevel: next ? { level: next.level, name: next.name, threshold: next.threshold, remaining: Math.max(0, next.threshold - tier.growthValue) } : null,
      graceUntil: tier.graceUntil,
      levelSince: FIXED_NOW,
      benefits: LADDER[effective]!.benefits,
      ladder: LADDER,
    };
  }

  function spend(world: MemberWorld, points: number, reason: string, sourceType: string): void {
    world.points.balance -= points;
    world.points.available -= points;
    world.entries.unshift(pointEntry({ type: 'redeem', amount: -points, balanceAfter: world.points.balance, reason, sourceType }));
  }

  function earn(world: MemberWorld, points: number, reason: string, sourceType: string, locked = false, type: PointEntry['type'] = 'earn'): void {
    world.points.balance += points;
    if (locked) world.points.locked += points;
    else world.points.available += points;
    world.entries.unshift(pointEntry({ type, amount: points, balanceAfter: world.points.balance, reason, sourceType }));
  }

  function catalogueFor(member: MemberProfile, entry: MallCatalogueItem): MallCatalogueItem {
    const world = worldOf(member.id);
    const held = world.exchanges.filter((e) => e.itemId === entry.id && e.status !== 'cancelled').reduce((n, e) => n + e.quantity, 0);
    const effective = world.tier.manual?.level ?? world.tier.level;
    const tierAllowed = effective >= entry.minTierLevel;
    const remainingForMe = entry.perMemberLimit === null ? null : Math.max(0, entry.perMemberLimit - held);
    const reason = !tierAllowed ? 'MALL_TIER_TOO_LOW' : entry.stock === 0 ? 'MALL_OUT_OF_STOCK' : remainingForMe === 0 ? 'MALL_LIMIT_REACHED' : null;
    return { ...entry, exchangedByMe: held, remainingForMe, tierAllowed, canExchange: reason === null, reason };
  }

  function findCouponByCode(code: string): { coupon: Coupon; world: MemberWorld } | null {
    const wanted = code.replace(/[\s-]/g, '').toUpperCase();
    for (const world of worlds.values()) {
      const coupon = world.coupons.find((c) => c.code === wanted);
      if (coupon) return { coupon, world };
    }
    return null;
  }

  function couponDiscount(coupon: Coupon, grossFen: number | undefined): number | ErrorCode {
    const t = coupon.template;
    if (grossFen !== undefined && grossFen < t.thresholdFen) return 'COUPON_THRESHOLD_NOT_MET';
    if (t.kind === 'cash_off') return t.valueFen ?? 0;
    if (t.kind === 'percent_off') {
      if (grossFen === undefined) return 'VALIDATION_FAILED';
      const off = Math.round((grossFen * (t.percentOff ?? 0)) / 100);
      return t.capFen === null ? off : Math.min(off, t.capFen);
    }
    return 0;
  }

  function staffStore(staff: FakeStaff, storeId: unknown): string | ErrorCode {
    if (typeof storeId === 'string') return staff.storeIds.includes(storeId) ? storeId : 'STORE_NOT_ASSIGNED';
    if (staff.storeIds.length === 1) return staff.storeIds[0]!;
    return 'VALIDATION_FAILED';
  }

  const clock = { now: () => new Date(Date.now()) };

  const routes: Route[] = [
    // ---- development helpers ----
    {
      method: 'GET', pattern: /^\/dev\/wechat$/, auth: 'none',
      handle: () => ok({ fakeWechatUrl: FAKE_WECHAT }),
    },
    {
      method: 'POST', pattern: /^\/__dev\/login-code$/, auth: 'none',
      handle: ({ body }) => {
        const user = typeof body.user === 'string' ? body.user : 'anonymous';
        return ok({ code: issueCode(user), openid: `o_${user}` });
      },
    },
    {
      method: 'POST', pattern: /^\/__dev\/phone-code$/, auth: 'none',
      handle: ({ body }) => {
        const phone = String(body.phoneNumber ?? '');
        if (!/^\d{5,20}$/.test(phone)) return { statusCode: 400, data: { errcode: 47003, errmsg: 'argument invalid! data.phoneNumber' } };
        seq += 1;
        const code = `phone-${seq}`;
        phoneCodes.set(code, phone);
        return ok({ code });
      },
    },
    // ---- sign-in ----
    {
      method: 'POST', pattern: /^\/auth\/member\/login$/, auth: 'none',
      handle: ({ request }) => {
        const body = request.data as MemberLoginBody;
        const user = codes.get(body.code);
        if (!user) return fail(400, 'WECHAT_CODE_INVALID');
        codes.delete(body.code);
        if (body.scene && !SCENES[body.scene]) return fail(404, 'JOIN_SCENE_NOT_FOUND');
        if (!body.scene && body.brandCode !== 'demo' && !body.brandId) return fail(404, 'BRAND_NOT_FOUND');
        if (body.join === false && !members.has(user)) return fail(404, 'MEMBER_NOT_FOUND');
        const { member, isNew } = memberFor(user, body.scene);
        seq += 1;
        const token = `tok-${seq}`;
        tokens.set(token, user);
        return ok({ token, expiresAt: '2099-01-01T00:00:00.000Z', isNew, member });
      },
    },
    {
      method: 'POST', pattern: /^\/auth\/staff\/login$/, auth: 'none',
      handle: ({ body }) => {
        const staff = STAFF.find((s) => s.username === body.username);
        if (body.brandCode !== 'demo' || !staff || staff.password !== body.password) return fail(401, 'INVALID_CREDENTIALS');
        seq += 1;
        const token = `stok-${seq}`;
        staffTokens.set(token, staff.id);
        return ok({
          token,
          expiresAt: '2099-01-01T00:00:00.000Z',
          staff: { id: staff.id, brandId: BRAND_ID, username: staff.username, displayName: staff.displayName, role: staff.role, storeIds: staff.storeIds, status: 'active', createdAt: FIXED_NOW, lastLoginAt: FIXED_NOW },
          brand: { id: BRAND_ID, code: 'demo', name: '示例品牌', timeZone: 'Asia/Shanghai', status: 'active', createdAt: FIXED_NOW },
        });
      },
    },
    // ---- member: profile ----
    { method: 'GET', pattern: /^\/members\/me$/, auth: 'member', handle: ({ member }) => ok(member) },
    {
      method: 'PATCH', pattern: /^\/members\/me$/, auth: 'member',
      handle: ({ user, member, body }) => {
        if (body.birthday !== undefined && body.birthday !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.birthday))) return fail(400, 'VALIDATION_FAILED');
        const updated: MemberProfile = { ...member, ...(body as Partial<MemberProfile>) };
        members.set(user, updated);
        return ok(updated);
      },
    },
    {
      method: 'PUT', pattern: /^\/members\/me\/marketing-consent$/, auth: 'member',
      handle: ({ user, member, body }) => {
        const granted = Boolean(body.granted);
        const updated: MemberProfile = {
          ...member,
          marketingConsent: { granted, changedAt: member.marketingConsent.granted === granted ? member.marketingConsent.changedAt : FIXED_NOW },
        };
        members.set(user, updated);
        return ok(updated);
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/phone$/, auth: 'member',
      handle: ({ user, member, body }) => {
        const phone = phoneCodes.get(String(body.code));
        if (!phone) return fail(400, 'WECHAT_CODE_INVALID');
        phoneCodes.delete(String(body.code));
        const normalized = normalizeCnMobile(phone);
        if (!normalized) return fail(400, 'PHONE_INVALID');
        for (const other of members.values()) if (other.id !== member.id && other.phone === normalized) return fail(409, 'PHONE_ALREADY_BOUND');
        const updated: MemberProfile = { ...member, phone: normalized, phoneBoundAt: FIXED_NOW };
        members.set(user, updated);
        return ok(updated);
      },
    },
    {
      method: 'GET', pattern: /^\/members\/me\/card$/, auth: 'member',
      handle: ({ member, world }) => {
        const now = clock.now().getTime();
        const window = Math.floor(now / CARD_WINDOW_MS);
        const code = `${member.memberNo}${String(window % 1_000_000).padStart(6, '0')}`;
        if (world.cardCodes.at(-1) !== code) world.cardCodes.push(code);
        const expiresAt = (window + 1) * CARD_WINDOW_MS;
        return ok({ memberNo: member.memberNo, code, expiresAt: new Date(expiresAt).toISOString(), refreshAt: new Date(expiresAt - CARD_REFRESH_LEAD_MS).toISOString() });
      },
    },
    // ---- member: points ----
    { method: 'GET', pattern: /^\/members\/me\/points$/, auth: 'member', handle: ({ world }) => ok(world.points) },
    {
      method: 'GET', pattern: /^\/members\/me\/points\/entries$/, auth: 'member',
      handle: ({ world, query }) => {
        const limit = Number(query.get('limit') ?? 50);
        const offset = Number(query.get('offset') ?? 0);
        return ok({ items: world.entries.slice(offset, offset + limit), total: world.entries.length });
      },
    },
    {
      method: 'GET', pattern: /^\/members\/me\/points\/expiring$/, auth: 'member',
      handle: ({ world, query }) => {
        const days = Number(query.get('days') ?? 30);
        return ok({ days, total: world.expiring.reduce((n, lot) => n + lot.points, 0), items: world.expiring });
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/checkins$/, auth: 'member',
      handle: ({ world }) => {
        if (world.checkedInToday) return fail(409, 'ALREADY_CHECKED_IN');
        world.checkedInToday = true;
        earn(world, 5, 'Daily check-in', 'checkin');
        return ok({ points: 5, balance: world.points.balance, businessDate: '2026-11-24' });
      },
    },
    // ---- member: tier ----
    { method: 'GET', pattern: /^\/members\/me\/tier$/, auth: 'member', handle: ({ member }) => ok(tierView(member)) },
    // ---- member: inbox and subscribe-message acceptances ----
    {
      method: 'GET', pattern: /^\/members\/me\/inbox$/, auth: 'member',
      handle: ({ world, query }) => {
        const limit = Number(query.get('limit') ?? 20);
        const offset = Number(query.get('offset') ?? 0);
        const unread = world.inbox.filter((m) => m.readAt === null).length;
        return ok({ items: world.inbox.slice(offset, offset + limit), total: world.inbox.length, unread });
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/inbox\/read-all$/, auth: 'member',
      handle: ({ world }) => {
        const marked = world.inbox.filter((m) => m.readAt === null).length;
        world.inbox = world.inbox.map((m) => ({ ...m, readAt: m.readAt ?? FIXED_NOW }));
        return ok({ marked, unread: 0 });
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/inbox\/([^/]+)\/read$/, auth: 'member',
      handle: ({ world, params }) => {
        const message = world.inbox.find((m) => m.id === params[0]);
        if (!message) return fail(404, 'INBOX_MESSAGE_NOT_FOUND');
        message.readAt ??= FIXED_NOW;
        return ok(message);
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/subscriptions$/, auth: 'member',
      handle: ({ world, body }) => {
        const results = (body.results ?? {}) as Record<string, string>;
        for (const [templateId, choice] of Object.entries(results)) {
          if (choice === 'accept') world.subscriptions.set(templateId, (world.subscriptions.get(templateId) ?? 0) + 1);
        }
        return ok({ items: [...world.subscriptions].map(([templateId, remaining]) => ({ templateId, remaining, updatedAt: FIXED_NOW })) });
      },
    },
    {
      method: 'GET', pattern: /^\/members\/me\/subscriptions$/, auth: 'member',
      handle: ({ world }) => ok({ items: [...world.subscriptions].map(([templateId, remaining]) => ({ templateId, remaining, updatedAt: FIXED_NOW })) }),
    },
    // ---- member: coupons ----
    {
      method: 'GET', pattern: /^\/members\/me\/coupons$/, auth: 'member',
      handle: ({ world, query }) => {
        const status = query.get('status') ?? 'available';
        const wanted = status === 'used' ? ['redeemed'] : status === 'expired' ? ['expired'] : ['available'];
        const items = world.coupons.filter((c) => wanted.includes(c.status));
        return ok({ items, total: items.length });
      },
    },
    {
      method: 'GET', pattern: /^\/members\/me\/coupons\/([^/]+)$/, auth: 'member',
      handle: ({ world, params }) => {
        const coupon = world.coupons.find((c) => c.id === params[0]);
        return coupon ? ok(coupon) : fail(404, 'COUPON_NOT_FOUND');
      },
    },
    {
      method: 'GET', pattern: /^\/coupons\/claimable$/, auth: 'member',
      handle: ({ world }) =>
        ok(
          claimable.map(({ stock: _stock, ...entry }) => {
            const claimedByMe = world.claimedByTemplate.get(entry.template.id) ?? 0;
            const limitReached = claimedByMe >= entry.perMemberLimit;
            const canClaim = entry.canClaim && !limitReached;
            return { ...entry, claimedByMe, canClaim, reason: canClaim ? null : limitReached ? 'COUPON_LIMIT_REACHED' : entry.reason };
          }),
        ),
    },
    {
      method: 'POST', pattern: /^\/coupon-templates\/([^/]+)\/(claim|exchange)$/, auth: 'member',
      handle: ({ member, world, params }) => {
        const entry = claimable.find((c) => c.template.id === params[0]);
        if (!entry) return fail(404, 'COUPON_TEMPLATE_NOT_FOUND');
        const exchange = params[1] === 'exchange';
        const price = entry.template.pointsPrice;
        if (exchange ? price === null : price !== null) return fail(409, 'COUPON_NOT_CLAIMABLE');
        if (entry.stock !== null && entry.stock <= 0) return fail(409, 'COUPON_OUT_OF_STOCK');
        const claimed = world.claimedByTemplate.get(entry.template.id) ?? 0;
        if (claimed >= entry.perMemberLimit) return fail(409, 'COUPON_LIMIT_REACHED');
        if (exchange && world.points.available < price!) return fail(409, 'POINTS_INSUFFICIENT');
        if (entry.stock !== null) {
          entry.stock -= 1;
          entry.remainingQuantity = entry.stock;
        }
        world.claimedByTemplate.set(entry.template.id, claimed + 1);
        const coupon = couponOf(entry.template, member.id, { issuedVia: exchange ? 'points_exchange' : 'claim', issuedAt: FIXED_NOW });
        world.coupons.unshift(coupon);
        if (!exchange) return ok(coupon, 201);
        spend(world, price!, `兑换优惠券：${entry.template.name}`, 'coupon');
        return ok({ coupon, pointsSpent: price, pointsBalance: world.points.balance }, 201);
      },
    },
    // ---- member: mall ----
    { method: 'GET', pattern: /^\/mall\/catalogue$/, auth: 'member', handle: ({ member }) => ok(catalogue.map((entry) => catalogueFor(member, entry))) },
    {
      method: 'GET', pattern: /^\/mall\/catalogue\/([^/]+)$/, auth: 'member',
      handle: ({ member, params }) => {
        const entry = catalogue.find((c) => c.id === params[0]);
        return entry ? ok(catalogueFor(member, entry)) : fail(404, 'MALL_ITEM_NOT_FOUND');
      },
    },
    {
      method: 'POST', pattern: /^\/mall\/exchanges$/, auth: 'member',
      handle: ({ member, world, body }) => {
        const entry = catalogue.find((c) => c.id === body.itemId);
        if (!entry) return fail(404, 'MALL_ITEM_NOT_FOUND');
        const view = catalogueFor(member, entry);
        const quantity = Number(body.quantity ?? 1);
        if (!view.canExchange) return fail(view.reason === 'MALL_TIER_TOO_LOW' ? 403 : 409, view.reason!);
        if (view.remainingForMe !== null && quantity > view.remainingForMe) return fail(409, 'MALL_LIMIT_REACHED');
        if (quantity > entry.stock) return fail(409, 'MALL_OUT_OF_STOCK');
        if (entry.fulfilment === 'shipping' && !body.shippingAddress) return fail(400, 'MALL_ADDRESS_REQUIRED');
        const points = entry.pointsPrice * quantity;
        if (world.points.available < points) return fail(409, 'POINTS_INSUFFICIENT');
        entry.stock -= quantity;
        spend(world, points, `积分商城兑换：${entry.name} ×${quantity}`, 'mall_exchange');
        seq += 1;
        const exchange: MallExchange = {
          id: `exc_01JD3ZQ8W7X9K2M4N6P8R0T${String(seq).padStart(3, '0')}`,
          memberId: member.id,
          itemId: entry.id,
          item: { name: entry.name, imageUrl: entry.imageUrl },
          quantity,
          pointsSpent: points,
          cashFen: entry.cashPriceFen * quantity,
          fulfilment: entry.fulfilment,
          status: entry.fulfilment === 'pickup' ? 'awaiting_pickup' : entry.fulfilment === 'shipping' ? 'awaiting_shipment' : 'issued',
          pickupCode: entry.fulfilment === 'pickup' ? String(40_000_000 + seq).slice(0, 8) : null,
          pickupStoreId: entry.fulfilment === 'pickup' ? ((body.pickupStoreId as string | undefined) ?? null) : null,
          pickedUpAt: null,
          pickedUpByStaffId: null,
          shippingAddress: (body.shippingAddress as ShippingAddress | undefined) ?? null,
          trackingNo: null,
          coupons: entry.fulfilment === 'coupon' ? [{ id: `cpn_x${seq}`, code: 'MALLQ2ABCDEFGH23', status: 'available', validUntil: '2026-12-31T15:59:59.000Z' }] : [],
          cancellable: true,
          cancelledAt: null,
          cancelReason: null,
          createdAt: FIXED_NOW,
          updatedAt: FIXED_NOW,
        };
        world.exchanges.unshift(exchange);
        return ok({ exchange, pointsSpent: points, pointsBalance: world.points.balance }, 201);
      },
    },
    {
      method: 'GET', pattern: /^\/members\/me\/exchanges$/, auth: 'member',
      handle: ({ world }) => ok({ items: world.exchanges, total: world.exchanges.length }),
    },
    {
      method: 'GET', pattern: /^\/members\/me\/exchanges\/([^/]+)$/, auth: 'member',
      handle: ({ world, params }) => {
        const exchange = world.exchanges.find((e) => e.id === params[0]);
        return exchange ? ok(exchange) : fail(404, 'EXCHANGE_NOT_FOUND');
      },
    },
    {
      method: 'POST', pattern: /^\/members\/me\/exchanges\/([^/]+)\/cancel$/, auth: 'member',
      handle: ({ world, params }) => {
        const exchange = world.exchanges.find((e) => e.id === params[0]);
        if (!exchange) return fail(404, 'EXCHANGE_NOT_FOUND');
        if (!exchange.cancellable || exchange.status === 'cancelled') return fail(409, 'EXCHANGE_NOT_CANCELLABLE');
        Object.assign(exchange, { status: 'cancelled', cancellable: false, cancelledAt: FIXED_NOW, pickupCode: exchange.pickupCode });
        const entry = catalogue.find((c) => c.id === exchange.itemId);
        if (entry) entry.stock += exchange.quantity;
        earn(world, exchange.pointsSpent, '积分商城兑换取消', 'redemption', false, 'reverse');
        return ok({ exchange, pointsRestored: exchange.pointsSpent, pointsBalance: world.points.balance });
      },
    },
    // ---- staff ----
    {
      method: 'GET', pattern: /^\/stores$/, auth: 'staff',
      handle: ({ staff }) => ok(STORES.filter((s) => staff.role !== 'clerk' || staff.storeIds.includes(s.id))),
    },
    {
      method: 'POST', pattern: /^\/members\/scan$/, auth: 'staff',
      handle: ({ body }) => {
        const code = String(body.code ?? '').trim();
        for (const member of members.values()) {
          const world = worldOf(member.id);
          const at = world.cardCodes.indexOf(code);
          if (at >= 0) return at >= world.cardCodes.length - 2 ? ok(staffView(member)) : fail(400, 'CARD_CODE_EXPIRED');
        }
        return fail(400, 'CARD_CODE_INVALID');
      },
    },
    {
      method: 'GET', pattern: /^\/members\/(mbr_[^/]+)(\/tier|\/points|\/coupons)?$/, auth: 'staff',
      handle: ({ params }) => {
        const user = userOfMember(params[0]!);
        const member = user ? members.get(user) : undefined;
        if (!member) return fail(404, 'MEMBER_NOT_FOUND');
        const world = worldOf(member.id);
        if (params[1] === '/tier') return ok(tierView(member));
        if (params[1] === '/points') return ok(world.points);
        if (params[1] === '/coupons') {
          const items = world.coupons.filter((c) => c.status === 'available');
          return ok({ items, total: items.length });
        }
        return ok(staffView(member));
      },
    },
    {
      method: 'PUT', pattern: /^\/members\/(mbr_[^/]+)\/phone$/, auth: 'staff',
      handle: ({ params, body, staff }) => {
        const user = userOfMember(params[0]!);
        const member = user ? members.get(user) : undefined;
        if (!user || !member) return fail(404, 'MEMBER_NOT_FOUND');
        const store = staffStore(staff, body.storeId);
        if (store === 'STORE_NOT_ASSIGNED') return fail(403, store);
        const phone = normalizeCnMobile(String(body.phone ?? ''));
        if (!phone) return fail(400, 'PHONE_INVALID');
        if (member.phone && member.phone !== phone) return fail(409, 'MEMBER_PHONE_ALREADY_SET');
        for (const other of members.values()) if (other.id !== member.id && other.phone === phone) return fail(409, 'PHONE_ALREADY_BOUND');
        const updated: MemberProfile = { ...member, phone, phoneBoundAt: FIXED_NOW };
        members.set(user, updated);
        return ok(staffView(updated));
      },
    },
    {
      method: 'POST', pattern: /^\/orders$/, auth: 'staff',
      handle: ({ body: raw, staff }) => {
        const body = raw as unknown as RecordPurchaseBody;
        if (!Number.isSafeInteger(body.amountFen) || body.amountFen < 0) return fail(400, 'VALIDATION_FAILED');
        const store = staffStore(staff, body.storeId);
        if (store === 'STORE_NOT_ASSIGNED' || store === 'VALIDATION_FAILED') return fail(store === 'VALIDATION_FAILED' ? 400 : 403, store);
        if (body.items) {
          const total = body.items.reduce((sum, line) => sum + line.quantity * line.unitPriceFen, 0);
          if (total !== body.amountFen) return fail(400, 'ORDER_AMOUNT_MISMATCH');
        }
        let member: MemberProfile | undefined;
        if (body.memberId) member = members.get(userOfMember(body.memberId) ?? '');
        else if (body.cardCode) member = [...members.values()].find((m) => worldOf(m.id).cardCodes.includes(body.cardCode!));
        if (!member) return fail(404, 'MEMBER_NOT_FOUND');
        const world = worldOf(member.id);
        let discountFen = 0;
        const used: Coupon[] = [];
        for (const code of body.couponCodes ?? []) {
          const found = findCouponByCode(code);
          if (!found) return fail(404, 'COUPON_NOT_FOUND');
          if (found.coupon.memberId !== member.id) return fail(409, 'COUPON_WRONG_MEMBER');
          if (found.coupon.status !== 'available') return fail(409, 'COUPON_ALREADY_REDEEMED');
          const off = couponDiscount(found.coupon, body.amountFen);
          if (typeof off === 'string') return fail(409, off);
          discountFen += off;
          used.push(found.coupon);
        }
        seq += 1;
        const orderId = `ord_01JD3ZQ8W7X9K2M4N6P8R0T${String(seq).padStart(3, '0')}`;
        for (const coupon of used) Object.assign(coupon, { status: 'redeemed', redeemedAt: FIXED_NOW, redeemedOrderId: orderId, redeemedStoreId: store });
        const paidFen = Math.max(0, body.amountFen - discountFen);
        const pointsEarned = Math.floor(paidFen / 100);
        earn(world, pointsEarned, `消费 ${(paidFen / 100).toFixed(2)} 元`, 'order', true);
        const before = world.tier.level;
        world.tier.growthValue += paidFen;
        while (LADDER[world.tier.level + 1] && world.tier.growthValue >= LADDER[world.tier.level + 1]!.threshold) world.tier.level += 1;
        return ok(
          {
            order: {
              id: orderId, memberId: member.id, storeId: store, channel: 'store', externalId: orderId, grossFen: body.amountFen, discountFen, paidFen, refundedFen: 0,
              status: 'completed', pointsEarned, couponCodes: used.map((c) => c.code),
              items: (body.items ?? []).map((line) => ({ sku: line.sku, name: line.name ?? null, category: null, quantity: line.quantity, unitPriceFen: line.unitPriceFen, amountFen: line.quantity * line.unitPriceFen, refundedQuantity: 0 })),
              refunds: [], occurredAt: FIXED_NOW, createdAt: FIXED_NOW,
            },
            pointsBalance: world.points.balance,
            pointsLockedUntil: '2026-12-01T02:00:00.000Z',
            tier: { level: world.tier.level, upgraded: world.tier.level > before },
          },
          201,
        );
      },
    },
    {
      method: 'GET', pattern: /^\/coupons\/by-code\/([^/]+)$/, auth: 'staff',
      handle: ({ params }) => {
        const found = findCouponByCode(decodeURIComponent(params[0]!));
        if (!found) return fail(404, 'COUPON_NOT_FOUND');
        const { coupon } = found;
        const reason = coupon.status === 'redeemed' ? 'COUPON_ALREADY_REDEEMED' : coupon.status === 'expired' ? 'COUPON_EXPIRED' : null;
        return ok({ coupon, storeId: null, usable: reason === null, reason });
      },
    },
    {
      method: 'POST', pattern: /^\/coupons\/redeem$/, auth: 'staff',
      handle: ({ body, staff }) => {
        const store = staffStore(staff, body.storeId);
        if (store === 'STORE_NOT_ASSIGNED') return fail(403, store);
        const found = findCouponByCode(String(body.code ?? ''));
        if (!found) return fail(404, 'COUPON_NOT_FOUND');
        const { coupon } = found;
        if (coupon.status === 'redeemed') return fail(409, 'COUPON_ALREADY_REDEEMED');
        if (coupon.status !== 'available') return fail(409, 'COUPON_EXPIRED');
        const off = couponDiscount(coupon, body.grossFen as number | undefined);
        if (typeof off === 'string') return fail(off === 'VALIDATION_FAILED' ? 400 : 409, off);
        Object.assign(coupon, { status: 'redeemed', redeemedAt: FIXED_NOW, redeemedStoreId: typeof store === 'string' && store.startsWith('sto_') ? store : null, discountFen: off });
        return ok(coupon);
      },
    },
    {
      method: 'GET', pattern: /^\/mall\/pickups\/([^/]+)$/, auth: 'staff',
      handle: ({ params }) => {
        const code = decodeURIComponent(params[0]!).replace(/[\s-]/g, '');
        for (const world of worlds.values()) {
          const exchange = world.exchanges.find((e) => e.pickupCode === code);
          if (exchange) {
            const canPickUp = exchange.status === 'awaiting_pickup';
            return ok({ exchange, storeId: null, canPickUp, reason: canPickUp ? null : 'EXCHANGE_STATUS_INVALID' });
          }
        }
        return fail(404, 'PICKUP_CODE_INVALID');
      },
    },
    {
      method: 'POST', pattern: /^\/mall\/pickups$/, auth: 'staff',
      handle: ({ body, staff }) => {
        const code = String(body.pickupCode ?? '').replace(/[\s-]/g, '');
        for (const world of worlds.values()) {
          const exchange = world.exchanges.find((e) => e.pickupCode === code);
          if (!exchange) continue;
          if (exchange.status !== 'awaiting_pickup') return fail(409, 'EXCHANGE_STATUS_INVALID');
          Object.assign(exchange, { status: 'picked_up', pickedUpAt: FIXED_NOW, pickedUpByStaffId: staff.id, cancellable: false });
          return ok(exchange);
        }
        return fail(404, 'PICKUP_CODE_INVALID');
      },
    },
  ];

  function handle(request: HttpRequest): HttpResponse {
    const { method } = request;
    const stripped = request.url.replace(API_BASE, '').replace(FAKE_WECHAT, '');
    const [path = '', search = ''] = stripped.split('?');
    const key = `${method} ${path}`;
    const queued = failures.get(key);
    const override = queued?.shift();
    if (override === 'network') throw new Error('request:fail net::ERR_CONNECTION_REFUSED');
    if (override) return { statusCode: override.status, data: override.body };

    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const body = (request.data && typeof request.data === 'object' ? request.data : {}) as Record<string, unknown>;
      const ctx = { request, params: match.slice(1), query: new URLSearchParams(search), body } as RouteContext;
      let caller = '';
      if (route.auth !== 'none') {
        const auth = request.header.Authorization ?? '';
        if (!auth) return fail(401, 'UNAUTHENTICATED');
        const token = auth.replace(/^Bearer /, '');
        if (route.auth === 'member') {
          const user = tokens.get(token);
          if (!user) return fail(401, 'TOKEN_INVALID');
          const member = members.get(user);
          if (!member) return fail(404, 'MEMBER_NOT_FOUND');
          Object.assign(ctx, { user, member, world: worldOf(member.id) });
          caller = `member:${member.id}`;
        } else {
          const staffId = staffTokens.get(token);
          const staff = STAFF.find((s) => s.id === staffId);
          if (!staff) return fail(401, 'TOKEN_INVALID');
          ctx.staff = staff;
          caller = `staff:${staff.id}`;
        }
      }
      const idempotencyKey = request.header['Idempotency-Key'];
      if (!idempotencyKey) return route.handle(ctx);
      const slot = `${caller}|${idempotencyKey}`;
      const hash = `${key}|${JSON.stringify(request.data ?? null)}`;
      const stored = idempotent.get(slot);
      if (stored) return stored.hash === hash ? clone(stored.response) : fail(422, 'IDEMPOTENCY_KEY_REUSED');
      const response = route.handle(ctx);
      if (response.statusCode >= 200 && response.statusCode < 300) idempotent.set(slot, { hash, response: clone(response) });
      return response;
    }
    return fail(404, 'ROUTE_NOT_FOUND');
  }

  return {
    members,
    calls,
    catalogue,
    claimable: claimable as ClaimableCoupon[],
    /** The transport the API client takes (async, records every call). */
    async transport(request: HttpRequest): Promise<HttpResponse> {
      calls.push(request);
      return handle(request);
    },
    /** The same server behind a `Taro.request` mock. */
    async taroRequest(options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }) {
      const request: HttpRequest = {
        url: options.url,
        method: (options.method ?? 'GET') as HttpRequest['method'],
        data: options.data,
        header: options.header ?? {},
      };
      calls.push(request);
      return handle(request);
    },
    issueCode,
    /** Invalidates every member and staff token, as a server restart with a new signing key would. */
    expireTokens: () => {
      tokens.clear();
      staffTokens.clear();
    },
    /** Makes the next call of `METHOD /path` answer this way instead. */
    failNext(route: string, override: Override) {
      failures.set(route, [...(failures.get(route) ?? []), override]);
    },
    /** Adds a member for a user, as if they had joined before. */
    seedMember(user: string, patch: Partial<MemberProfile> = {}): MemberProfile {
      const { member } = memberFor(user, undefined);
      const seeded = { ...member, ...patch };
      members.set(user, seeded);
      return seeded;
    },
    /** Points, coupons, exchanges and tier of a member, to read or change in a test. */
    world(user: string): MemberWorld {
      const member = members.get(user);
      if (!member) throw new Error(`no member for ${user}`);
      return worldOf(member.id);
    },
    /** Issues the member's current card code, as their card page would show it. */
    cardCodeOf(user: string): string {
      const member = members.get(user)!;
      const code = `${member.memberNo}${String(Math.floor(Date.now() / CARD_WINDOW_MS) % 1_000_000).padStart(6, '0')}`;
      worldOf(member.id).cardCodes.push(code);
      return code;
    },
    paths: () => calls.map((call) => `${call.method} ${call.url.replace(API_BASE, '').replace(FAKE_WECHAT, '')}`),
  };
}

export type FakeBackend = ReturnType<typeof createFakeBackend>;
