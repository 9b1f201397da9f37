/** Public types of the fake WeChat server. Wire formats use WeChat's snake_case; these use camelCase. */

export interface FakeWechatApp {
  appId: string;
  secret: string;
  /** Whether jscode2session returns a unionid (the app is bound to an open-platform account). */
  issueUnionid?: boolean;
}

/**
 * A subscribe-message template. As on WeChat, each data key names its field type followed by a
 * number (`thing1`, `amount2`, `character_string3`), and the type decides the value limits.
 */
export interface SubscribeTemplate {
  id: string;
  title?: string;
  keys: string[];
}

export interface RequestLogEntry {
  method: string;
  /** The path without the query string (which can carry secrets and access tokens). */
  path: string;
  status: number;
  /** The errcode of a JSON response; 0 for an image. */
  errcode: number;
  ms: number;
}

export interface FakeWechatOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to one dev app (DEFAULT_DEV_APP). The first app is the default for dev endpoints. */
  apps?: FakeWechatApp[];
  /** Lifetime of access tokens; defaults to 7200. */
  tokenTtlSeconds?: number;
  /** Lifetime of login (js_code) and phone codes; defaults to 300. */
  codeTtlSeconds?: number;
  /** The mini-program's published pages, checked by getwxacodeunlimit and subscribe/send. */
  pages?: string[];
  /** Subscribe-message templates; defaults to DEFAULT_TEMPLATES. */
  templates?: SubscribeTemplate[];
  /** Current time in ms; defaults to Date.now. Lets tests move time. */
  clock?: () => number;
  /** Called once per answered request. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface MintLoginCodeInput {
  appId?: string;
  /** A stable name for the person (same person → same openid per app, same unionid across apps). */
  user?: string;
  /** Log in as this exact openid instead (e.g. one already stored in a database). */
  openid?: string;
}

export interface MintedLoginCode {
  code: string;
  openid: string;
  unionid?: string;
}

export interface MintPhoneCodeInput {
  appId?: string;
  /** Digits without the country code, e.g. "13800138000". */
  phoneNumber: string;
  /** Digits, defaults to "86". */
  countryCode?: string;
}

export interface MintedPhoneCode {
  code: string;
}

export interface GrantSubscriptionsInput {
  appId?: string;
  openid: string;
  /** 1 to 3 template ids, as in one wx.requestSubscribeMessage call. */
  templateIds: string[];
  /** Acceptances granted per template; defaults to 1. */
  count?: number;
}

export interface GrantedSubscriptions {
  /** Remaining acceptances per template id after the grant. */
  granted: Record<string, number>;
}

export interface FaultSpec {
  /** A WeChat path such as "/sns/jscode2session". */
  path: string;
  /** The errcode to answer with; -1 when only httpStatus is set; none for a delay-only fault. */
  errcode?: number;
  errmsg?: string;
  /** How many upcoming calls the fault hits; defaults to 1. */
  times?: number;
  /** Defaults to 200 (WeChat reports errors with HTTP 200). */
  httpStatus?: number;
  /** Delay before answering, in ms; defaults to 0. */
  delayMs?: number;
}

export interface PendingFault {
  path: string;
  errcode?: number;
  errmsg?: string;
  remaining: number;
  httpStatus: number;
  delayMs: number;
}

export interface FakeWechatStats {
  /** Calls per WeChat path (dev endpoints are not counted). */
  calls: Record<string, number>;
  /** Per path, how many answers carried each errcode ("0" for success). */
  errcodes: Record<string, Record<string, number>>;
}

export interface SentMessage {
  msgid: number;
  appId: string;
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, string>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: string;
  /** ISO timestamp from the fake's clock. */
  sentAt: string;
}

export interface FakeWechat {
  /** Base URL to give the WeChat client, e.g. "http://127.0.0.1:3100". */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Same as POST /__dev/login-code. */
  mintLoginCode(input?: MintLoginCodeInput): MintedLoginCode;
  /** Same as POST /__dev/phone-code. */
  mintPhoneCode(input: MintPhoneCodeInput): MintedPhoneCode;
  /** Same as POST /__dev/subscriptions. */
  grantSubscriptions(input: GrantSubscriptionsInput): GrantedSubscriptions;
  /** Same as POST /__dev/faults. */
  injectFault(fault: FaultSpec): void;
  /** Same as DELETE /__dev/faults. */
  clearFaults(): void;
  /** The openid a named user gets in an app (the default app when none is given). */
  openidFor(user: string, appId?: string): string;
  /** Same as GET /__dev/stats. */
  stats(): FakeWechatStats;
  /** Same as GET /__dev/messages. */
  sentMessages(): SentMessage[];
  /** Same as POST /__dev/reset. */
  reset(): void;
}
