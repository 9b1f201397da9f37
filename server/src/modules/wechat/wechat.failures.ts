import { AppError } from '../../http/errors';
import { WECHAT_ERRCODES, WechatApiError } from './wechat.errors';

/** Turns a WeChat failure into the error our clients see; anything unexpected reads as "WeChat unavailable". */
export function wechatFailure(error: unknown): AppError {
  if (!(error instanceof WechatApiError)) return new AppError('WECHAT_UNAVAILABLE');
  switch (error.errcode) {
    case WECHAT_ERRCODES.INVALID_CODE:
      return new AppError('WECHAT_CODE_INVALID');
    case WECHAT_ERRCODES.RATE_LIMITED:
      return new AppError('WECHAT_RATE_LIMITED');
    case WECHAT_ERRCODES.HIGH_RISK_USER:
      return new AppError('WECHAT_USER_BLOCKED');
    case WECHAT_ERRCODES.NO_SUBSCRIPTION_QUOTA:
    case WECHAT_ERRCODES.BAD_ARGUMENT:
    case WECHAT_ERRCODES.INVALID_PAGE:
      return new AppError('WECHAT_REJECTED', `WeChat rejected the request (${error.errcode})`);
    default:
      return new AppError('WECHAT_UNAVAILABLE');
  }
}
