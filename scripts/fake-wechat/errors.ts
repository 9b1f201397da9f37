/** WeChat's error vocabulary: codes, their usual messages, and the outcome type stores return. */

/** The two fields every WeChat JSON response carries. */
export interface WxErrorBody {
  errcode: number;
  errmsg: string;
}

/** The WeChat error codes this fake produces (the numbers are WeChat's own). */
export const WechatErrcode = {
  SYSTEM_ERROR: -1,
  OK: 0,
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_OPENID: 40003,
  INVALID_APPID: 40013,
  INVALID_CODE: 40029,
  INVALID_TEMPLATE_ID: 40037,
  INVALID_APPSECRET: 40125,
  INVALID_SCENE: 40169,
  HIGH_RISK_USER: 40226,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  CODE_MISSING: 41008,
  INVALID_PAGE: 41030,
  ACCESS_TOKEN_EXPIRED: 42001,
  USER_REFUSED: 43101,
  DAILY_QUOTA_REACHED: 45009,
  MINUTE_QUOTA_REACHED: 45011,
  DATA_FORMAT_ERROR: 47001,
  ARGUMENT_INVALID: 47003,
} as const;

const DEFAULT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40169: 'invalid length for scene, or the data is not json string',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
};

export function defaultErrmsg(errcode: number): string {
  return DEFAULT_ERRMSG[errcode] ?? `errcode ${errcode}`;
}

export function wxError(errcode: number, errmsg: string = defaultErrmsg(errcode)): WxErrorBody {
  return { errcode, errmsg };
}

/** 47003 with the offending argument named, as WeChat does ("argument invalid! data.thing1.value"). */
export function argumentInvalid(field: string): WxErrorBody {
  return wxError(WechatErrcode.ARGUMENT_INVALID, `argument invalid! ${field}`);
}

/** Expected failures are returned, not thrown. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WxErrorBody };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T = never>(error: WxErrorBody): Outcome<T> {
  return { ok: false, error };
}

/** Thrown by the in-process helpers when WeChat (or a dev endpoint) would have answered with an error. */
export class FakeWechatError extends Error {
  readonly errcode: number;

  constructor(body: WxErrorBody) {
    super(`${body.errmsg} (errcode ${body.errcode})`);
    this.name = 'FakeWechatError';
    this.errcode = body.errcode;
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new FakeWechatError(outcome.error);
  return outcome.value;
}
