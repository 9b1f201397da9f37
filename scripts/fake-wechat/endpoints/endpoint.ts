/** The shape of one endpoint, and the access-token check the token-protected ones share. */
import type { AppRecord } from '../app-registry';
import { failure, Outcome, success, WechatErrcode, wxError } from '../errors';
import type { FakeRequest, Reply } from '../http-io';
import type { FakeWechatState } from '../state';

export type Endpoint = (request: FakeRequest, state: FakeWechatState) => Reply;

/** The app behind `?access_token=`: 41001 missing, 40001 invalid or replaced, 42001 expired. */
export function appFromAccessToken(request: FakeRequest, state: FakeWechatState): Outcome<AppRecord> {
  const appId = state.tokens.verify(request.query.get('access_token'));
  if (!appId.ok) return appId;
  const app = state.apps.get(appId.value);
  return app ? success(app) : failure(wxError(WechatErrcode.SYSTEM_ERROR));
}
