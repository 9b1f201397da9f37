import { ERRORS, isErrorCode, type ErrorCode } from '@memberloop/shared';

/** Failures that happen in the app itself, before or instead of a server answer. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'WECHAT_LOGIN_FAILED';

/** A server code from @memberloop/shared, a client code, or (from a newer server) anything else. */
export type ApiErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** Every failed call of the API client rejects with one of these; callers switch on `code`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** The HTTP status, or 0 when no response arrived. */
  readonly status: number;

  constructor(code: ApiErrorCode, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    // Builds that transpile classes to ES5 lose the prototype of Error subclasses; restore it.
    Object.setPrototypeOf(this, ApiError.prototype);
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/**
 * What a shopper or a clerk reads for each code. Codes only the operator console meets (store and
 * staff administration, tier and points rules) fall back to the generic messages below.
 */
const MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  INVALID_JSON: '提交的信息有误，请检查后重试',
  RATE_LIMITED: '操作太频繁了，请稍后再试',
  UNAUTHENTICATED: '请先登录',
  TOKEN_INVALID: '登录已过期，请重新进入',
  INVALID_CREDENTIALS: '品牌编码、账号或密码不正确',
  ACCOUNT_DISABLED: '该账号已停用，请联系管理员',
  FORBIDDEN: '没有权限进行此操作',
  STORE_NOT_ASSIGNED: '您不在该门店任职，无法在此操作',
  BRAND_NOT_FOUND: '未找到该品牌，请确认二维码是否正确',
  BRAND_DISABLED: '该品牌会员服务已暂停',
  STORE_NOT_FOUND: '未找到该门店',
  STAFF_NOT_FOUND: '未找到该店员账号',
  MEMBER_NOT_FOUND: '还不是会员',
  MEMBER_DISABLED: '您的会员资格已关闭，如有疑问请联系门店',
  JOIN_SCENE_NOT_FOUND: '这个入会二维码已失效，请向店员索取新的二维码',
  PHONE_INVALID: '请输入正确的手机号',
  PHONE_ALREADY_BOUND: '该手机号已绑定其他会员',
  MEMBER_PHONE_ALREADY_SET: '您已绑定其他手机号',
  WECHAT_CODE_INVALID: '微信登录已失效，请重试',
  WECHAT_RATE_LIMITED: '微信登录太频繁，请一分钟后再试',
  WECHAT_USER_BLOCKED: '微信账号存在风险，暂时无法登录',
  WECHAT_REJECTED: '微信拒绝了本次请求，请稍后再试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  CARD_CODE_INVALID: '会员码无效，请让会员出示会员卡后重新扫码',
  CARD_CODE_EXPIRED: '会员码已过期，请让会员刷新会员卡后重新扫码',
  ORDER_NOT_FOUND: '未找到该订单',
  ORDER_ALREADY_RECORDED: '该订单已记录过，且内容不同',
  ORDER_AMOUNT_MISMATCH: '商品明细合计与消费金额不一致',
  REFUND_EXCEEDS_ORDER: '退款金额超过订单可退金额',
  REFUND_ALREADY_RECORDED: '该退款已记录过，且内容不同',
  POINTS_INSUFFICIENT: '可用积分不足',
  ALREADY_CHECKED_IN: '今日已签到',
  TIER_NOT_FOUND: '未找到该会员等级',
  COUPON_TEMPLATE_NOT_FOUND: '该优惠券不存在或已下架',
  COUPON_NOT_FOUND: '未找到该优惠券',
  COUPON_NOT_CLAIMABLE: '该优惠券暂不可领取',
  COUPON_OUT_OF_STOCK: '优惠券已被领完',
  COUPON_LIMIT_REACHED: '您已领取过该优惠券，已达领取上限',
  COUPON_BUDGET_EXHAUSTED: '该优惠券活动预算已用完',
  COUPON_NOT_YET_VALID: '该优惠券尚未到使用时间',
  COUPON_EXPIRED: '该优惠券已过期',
  COUPON_ALREADY_REDEEMED: '该优惠券已使用',
  COUPON_NOT_USABLE: '该优惠券当前不可使用',
  COUPON_STORE_NOT_ALLOWED: '该优惠券不适用于本门店',
  COUPON_THRESHOLD_NOT_MET: '消费金额未达到该优惠券的使用门槛',
  COUPON_NOT_STACKABLE: '这些优惠券不能同时使用',
  COUPON_WRONG_MEMBER: '该优惠券属于其他会员',
  MALL_ITEM_NOT_FOUND: '该商品不存在或已下架',
  MALL_ITEM_UNAVAILABLE: '该商品当前不可兑换',
  MALL_OUT_OF_STOCK: '该商品库存不足',
  MALL_LIMIT_REACHED: '已达该商品的兑换上限',
  MALL_TIER_TOO_LOW: '您的会员等级暂不能兑换该商品',
  MALL_ADDRESS_REQUIRED: '请填写收货地址',
  EXCHANGE_NOT_FOUND: '未找到该兑换记录',
  EXCHANGE_NOT_CANCELLABLE: '该兑换已无法取消',
  PICKUP_CODE_INVALID: '提货码无效，请核对后重试',
  EXCHANGE_STATUS_INVALID: '该兑换当前状态不能进行此操作（可能已提货）',
  IDEMPOTENCY_KEY_REUSED: '请求内容已变化，请重新提交',
  IDEMPOTENCY_KEY_INVALID: '请求无效，请重试',
  NOT_READY: '服务正在启动，请稍后再试',
  INTERNAL: '系统开小差了，请稍后再试',
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  BAD_RESPONSE: '服务返回异常，请稍后再试',
  WECHAT_LOGIN_FAILED: '微信登录失败，请重试',
};

/** Who reads the message: a few codes read differently on the clerk's screen. */
export type Audience = 'member' | 'staff';

const STAFF_MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  UNAUTHENTICATED: '请先登录店员账号',
  TOKEN_INVALID: '登录已过期，请重新登录',
  FORBIDDEN: '当前账号没有权限进行此操作',
  MEMBER_NOT_FOUND: '未找到该会员',
  MEMBER_DISABLED: '该会员资格已关闭',
  MEMBER_PHONE_ALREADY_SET: '该会员已绑定其他手机号，需会员本人更改',
  COUPON_LIMIT_REACHED: '该会员已达领取上限',
  POINTS_INSUFFICIENT: '会员可用积分不足',
};

const FALLBACK_CLIENT_ERROR = '操作失败，请稍后再试';
const FALLBACK_SERVER_ERROR = '服务繁忙，请稍后再试';

/**
 * A friendly Simplified Chinese message for an error code. Codes without their own message fall
 * back by HTTP status: the one given, else the one @memberloop/shared maps the code to.
 */
export function friendlyMessage(code: string, status?: number, audience: Audience = 'member'): string {
  const known =
    (audience === 'staff' ? (STAFF_MESSAGES as Record<string, string | undefined>)[code] : undefined) ??
    (MESSAGES as Record<string, string | undefined>)[code];
  if (known) return known;
  const httpStatus = status || (isErrorCode(code) ? ERRORS[code].status : 0);
  return httpStatus >= 500 ? FALLBACK_SERVER_ERROR : FALLBACK_CLIENT_ERROR;
}

/** The message to show for anything a call rejected with. */
export function messageOf(error: unknown, audience: Audience = 'member'): string {
  if (isApiError(error)) return friendlyMessage(error.code, error.status, audience);
  return FALLBACK_CLIENT_ERROR;
}

/** True when `error` is an ApiError with this code. */
export function hasCode(error: unknown, code: ApiErrorCode): boolean {
  return isApiError(error) && error.code === code;
}

/**
 * True when the outcome of a call is unknown: no answer arrived, or a gateway or the server failed
 * in a way that says nothing about whether the work was done. A value-moving action retried after
 * such an error must reuse its idempotency key.
 */
export function isUncertain(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status === 0) return error.code === 'NETWORK_ERROR';
  return error.status >= 500;
}

/**
 * True for failures worth repeating on their own: no answer at all, or a gateway or a starting
 * server (502/503/504 without a domain code). A domain answer such as WECHAT_UNAVAILABLE is shown.
 */
export function isTransient(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status === 0) return error.code === 'NETWORK_ERROR';
  return (
    (error.status === 502 || error.status === 503 || error.status === 504) &&
    (error.code === 'INTERNAL' || error.code === 'NOT_READY' || error.code === 'BAD_RESPONSE')
  );
}

/** Turns a non-2xx response into an ApiError, trusting only a well-formed `{ code, message }` body. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') {
    const { code, message } = body as { code: string; message?: unknown };
    return new ApiError(code, typeof message === 'string' ? message : code, status);
  }
  if (status >= 500) return new ApiError('INTERNAL', `HTTP ${status}`, status);
  return new ApiError('BAD_RESPONSE', `HTTP ${status}`, status);
}

/** True for the codes that mean "log in again and retry". */
export function isAuthError(error: unknown): boolean {
  return isApiError(error) && (error.code === 'TOKEN_INVALID' || error.code === 'UNAUTHENTICATED');
}
