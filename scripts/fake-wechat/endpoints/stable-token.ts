/** POST /cgi-bin/stable_token */
import { WechatErrcode, wxError } from '../errors';
import { fail, ok, parseJsonObject } from '../http-io';
import type { Endpoint } from './endpoint';

export const stableToken: Endpoint = (request, state) => {
  const body = parseJsonObject(request.body);
  if (!body) return fail(wxError(WechatErrcode.DATA_FORMAT_ERROR));
  if (body.grant_type !== 'client_credential') return fail(wxError(WechatErrcode.INVALID_GRANT_TYPE));
  const app = state.apps.authenticate(body.appid, body.secret);
  if (!app.ok) return fail(app.error);
  const force = body.force_refresh ?? false;
  if (typeof force !== 'boolean') return fail(wxError(WechatErrcode.DATA_FORMAT_ERROR));
  const issued = state.tokens.stable(app.value.appId, force);
  if (!issued.ok) return fail(issued.error);
  return ok({ access_token: issued.value.accessToken, expires_in: issued.value.expiresIn });
};
