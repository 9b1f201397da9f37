import { ERROR_CODES } from '@memberloop/shared';
import { ApiError, errorFromResponse, friendlyMessage, hasCode, isApiError, isAuthError, isTransient, isUncertain, messageOf } from './errors';

describe('friendlyMessage', () => {
  it('has a Chinese message for the codes a member meets', () => {
    expect(friendlyMessage('WECHAT_CODE_INVALID')).toBe('微信登录已失效，请重试');
    expect(friendlyMessage('JOIN_SCENE_NOT_FOUND')).toBe('这个入会二维码已失效，请向店员索取新的二维码');
    expect(friendlyMessage('BRAND_NOT_FOUND')).toBe('未找到该品牌，请确认二维码是否正确');
    expect(friendlyMessage('WECHAT_UNAVAILABLE')).toBe('微信服务暂时不可用，请稍后再试');
    expect(friendlyMessage('NETWORK_ERROR')).toBe('网络不给力，请检查网络后重试');
  });

  it('gives every shared error code some Chinese message', () => {
    for (const code of ERROR_CODES) {
      expect(friendlyMessage(code)).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('falls back by status for unknown codes', () => {
    expect(friendlyMessage('SOMETHING_NEW', 503)).toBe('服务繁忙，请稍后再试');
    expect(friendlyMessage('SOMETHING_NEW', 409)).toBe('操作失败，请稍后再试');
    expect(friendlyMessage('SOMETHING_NEW')).toBe('操作失败，请稍后再试');
  });

  it('uses the status shared/ maps a code to when the code has no message of its own', () => {
    // STORE_CODE_TAKEN is an operator error (409); IDEMPOTENCY_KEY_REUSED is 422.
    expect(friendlyMessage('STORE_CODE_TAKEN')).toBe('操作失败，请稍后再试');
  });
});

describe('errorFromResponse', () => {
  it('keeps the code and message of a well-formed error body', () => {
    const error = errorFromResponse(404, { code: 'BRAND_NOT_FOUND', message: 'Brand not found' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'BRAND_NOT_FOUND', message: 'Brand not found', status: 404 });
  });

  it('names bodies that are not ours by status', () => {
    expect(errorFromResponse(502, '<html>Bad Gateway</html>')).toMatchObject({ code: 'INTERNAL', status: 502 });
    expect(errorFromResponse(404, null)).toMatchObject({ code: 'BAD_RESPONSE', status: 404 });
    expect(errorFromResponse(400, { code: 7 })).toMatchObject({ code: 'BAD_RESPONSE', status: 400 });
  });
});

describe('helpers', () => {
  it('recognises ApiErrors and auth failures', () => {
    const expired = new ApiError('TOKEN_INVALID', 'expired', 401);
    expect(isApiError(expired)).toBe(true);
    expect(expired).toBeInstanceOf(Error);
    expect(isAuthError(expired)).toBe(true);
    expect(isAuthError(new ApiError('UNAUTHENTICATED', 'sign in', 401))).toBe(true);
    expect(isAuthError(new ApiError('FORBIDDEN', 'no', 403))).toBe(false);
    expect(isAuthError(new Error('TOKEN_INVALID'))).toBe(false);
  });

  it('turns anything thrown into a message', () => {
    expect(messageOf(new ApiError('RATE_LIMITED', 'slow down', 429))).toBe('操作太频繁了，请稍后再试');
    expect(messageOf(new TypeError('x is undefined'))).toBe('操作失败，请稍后再试');
  });
});

describe('new codes and audiences', () => {
  it('covers the value-core codes members and clerks meet', () => {
    expect(friendlyMessage('ALREADY_CHECKED_IN')).toBe('今日已签到');
    expect(friendlyMessage('POINTS_INSUFFICIENT')).toBe('可用积分不足');
    expect(friendlyMessage('MALL_TIER_TOO_LOW')).toBe('您的会员等级暂不能兑换该商品');
    expect(friendlyMessage('CARD_CODE_EXPIRED')).toBe('会员码已过期，请让会员刷新会员卡后重新扫码');
    expect(friendlyMessage('INVALID_CREDENTIALS')).toBe('品牌编码、账号或密码不正确');
  });

  it('speaks to the clerk where the member wording would be wrong', () => {
    expect(friendlyMessage('MEMBER_NOT_FOUND', 404, 'staff')).toBe('未找到该会员');
    expect(friendlyMessage('MEMBER_NOT_FOUND', 404)).toBe('还不是会员');
    expect(messageOf(new ApiError('TOKEN_INVALID', 'x', 401), 'staff')).toBe('登录已过期，请重新登录');
    expect(friendlyMessage('COUPON_EXPIRED', 409, 'staff')).toBe('该优惠券已过期');
  });

  it('tells certain from uncertain and transient failures', () => {
    const network = new ApiError('NETWORK_ERROR', 'x', 0);
    const gateway = new ApiError('INTERNAL', 'x', 502);
    const starting = new ApiError('NOT_READY', 'x', 503);
    const wechat = new ApiError('WECHAT_UNAVAILABLE', 'x', 503);
    const refused = new ApiError('COUPON_EXPIRED', 'x', 409);
    expect([network, gateway, starting, wechat, refused].map(isTransient)).toEqual([true, true, true, false, false]);
    expect([network, gateway, starting, wechat, refused].map(isUncertain)).toEqual([true, true, true, true, false]);
    expect(hasCode(refused, 'COUPON_EXPIRED')).toBe(true);
    expect(hasCode(new Error('COUPON_EXPIRED'), 'COUPON_EXPIRED')).toBe(false);
  });
});
