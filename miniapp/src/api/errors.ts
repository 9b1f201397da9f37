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
 * What a shopper reads for each code. Codes a member can never meet (staff and operator ones) fall
 * back to the generic messages below.
 */
const MEMBER_MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  INVALID_JSON: '提交的信息有误，请检查后重试',
  RATE_LIMITED: '操作太频繁了，请稍后再试',
  UNAUTHENTICATED: '请先登录',
  TOKEN_INVALID: '登录已过期，请重新进入',
  FORBIDDEN: '没有权限进行此操作',
  BRAND_NOT_FOUND: '未找到该品牌，请确认二维码是否正确',
  BRAND_DISABLED: '该品牌会员服务已暂停',
  STORE_NOT_FOUND: '未找到该门店',
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
  NOT_READY: '服务正在启动，请稍后再试',
  INTERNAL: '系统开小差了，请稍后再试',
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  BAD_RESPONSE: '服务返回异常，请稍后再试',
  WECHAT_LOGIN_FAILED: '微信登录失败，请重试',
};

const FALLBACK_CLIENT_ERROR = '操作失败，请稍后再试';
const FALLBACK_SERVER_ERROR = '服务繁忙，请稍后再试';

/**
 * A friendly Simplified Chinese message for an error code. Codes without their own message fall
 * back by HTTP status: the one given, else the one @memberloop/shared maps the code to.
 */
export function friendlyMessage(code: string, status?: number): string {
  const known = (MEMBER_MESSAGES as Record<string, string | undefined>)[code];
  if (known) return known;
  const httpStatus = status || (isErrorCode(code) ? ERRORS[code].status : 0);
  return httpStatus >= 500 ? FALLBACK_SERVER_ERROR : FALLBACK_CLIENT_ERROR;
}

/** The message to show for anything a call rejected with. */
export function messageOf(error: unknown): string {
  if (isApiError(error)) return friendlyMessage(error.code, error.status);
  return FALLBACK_CLIENT_ERROR;
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
