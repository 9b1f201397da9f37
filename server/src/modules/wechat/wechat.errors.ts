/** A failure reported by the WeChat API (`errcode` ≠ 0) or on the way to it (network, timeout, bad reply). */
export class WechatApiError extends Error {
  constructor(
    readonly endpoint: string,
    /** WeChat's errcode; null when WeChat never answered properly */
    readonly errcode: number | null,
    readonly errmsg: string,
  ) {
    super(`WeChat ${endpoint} failed: ${errcode ?? 'no answer'} ${errmsg}`);
    this.name = 'WechatApiError';
  }

  /** WeChat is busy or unreachable: trying again later may work */
  get isTransient(): boolean {
    return this.errcode === null || this.errcode === -1;
  }
}

/** errcodes meaning the access token is no longer good */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

export const WECHAT_ERRCODES = {
  BUSY: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_CODE: 40029,
  RATE_LIMITED: 45011,
  HIGH_RISK_USER: 40226,
  NO_SUBSCRIPTION_QUOTA: 43101,
  BAD_ARGUMENT: 47003,
  INVALID_PAGE: 41030,
} as const;
