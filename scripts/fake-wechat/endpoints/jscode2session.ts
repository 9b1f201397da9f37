/** GET /sns/jscode2session */
import { WechatErrcode, wxError } from '../errors';
import { fail, ok } from '../http-io';
import { deriveUnionid, randomSessionKey } from '../identity';
import type { Endpoint } from './endpoint';

export const jscode2session: Endpoint = (request, state) => {
  const { query } = request;
  const app = state.apps.authenticate(query.get('appid'), query.get('secret'));
  if (!app.ok) return fail(app.error);
  if (query.get('grant_type') !== 'authorization_code') return fail(wxError(WechatErrcode.INVALID_GRANT_TYPE));
  const code = query.get('js_code');
  if (!code) return fail(wxError(WechatErrcode.CODE_MISSING));
  const identity = state.loginCodes.peek(app.value.appId, code);
  if (!identity) return fail(wxError(WechatErrcode.INVALID_CODE));
  if (!state.loginLimiter.tryAcquire(`${app.value.appId}\n${identity.userKey}`)) {
    return fail(wxError(WechatErrcode.MINUTE_QUOTA_REACHED));
  }
  state.loginCodes.consume(code);
  state.users.remember(app.value.appId, identity);
  const session: Record<string, string> = { openid: identity.openid, session_key: randomSessionKey() };
  if (app.value.issueUnionid) session.unionid = deriveUnionid(identity.userKey);
  return ok(session);
};
