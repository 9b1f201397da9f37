/**
 * What the mini-program does on the user's side (wx.login, the phone button,
 * wx.requestSubscribeMessage), shared by the /__dev/ endpoints and the in-process helpers.
 * Inputs are checked at run time because they arrive as JSON.
 */
import { argumentInvalid, failure, Outcome, success, WechatErrcode, wxError } from './errors';
import { deriveUnionid } from './identity';
import type { FakeWechatState } from './state';
import type {
  GrantedSubscriptions,
  GrantSubscriptionsInput,
  MintedLoginCode,
  MintedPhoneCode,
  MintLoginCodeInput,
  MintPhoneCodeInput,
} from './types';

type Loose<T> = { [K in keyof T]?: unknown };

const OPENID_FORMAT = /^[A-Za-z0-9_-]{6,64}$/;
const MAX_TEMPLATES_PER_REQUEST = 3;

function isOpenid(value: unknown): value is string {
  return typeof value === 'string' && OPENID_FORMAT.test(value);
}

export function mintLoginCode(state: FakeWechatState, input: Loose<MintLoginCodeInput>): Outcome<MintedLoginCode> {
  const app = state.apps.resolve(input.appId);
  if (!app.ok) return app;
  const { user, openid } = input;
  if (user !== undefined && (typeof user !== 'string' || user.length === 0 || user.length > 128)) {
    return failure(argumentInvalid('user'));
  }
  if (openid !== undefined && !isOpenid(openid)) return failure(argumentInvalid('openid'));
  if (user !== undefined && openid !== undefined) {
    return failure(wxError(WechatErrcode.ARGUMENT_INVALID, 'argument invalid! give user or openid, not both'));
  }
  const identity = state.users.identify(app.value.appId, { user, openid });
  state.users.remember(app.value.appId, identity);
  const code = state.loginCodes.mint(app.value.appId, identity);
  const minted: MintedLoginCode = { code, openid: identity.openid };
  if (app.value.issueUnionid) minted.unionid = deriveUnionid(identity.userKey);
  return success(minted);
}

export function mintPhoneCode(state: FakeWechatState, input: Loose<MintPhoneCodeInput>): Outcome<MintedPhoneCode> {
  const app = state.apps.resolve(input.appId);
  if (!app.ok) return app;
  const { phoneNumber, countryCode = '86' } = input;
  if (typeof phoneNumber !== 'string' || !/^\d{5,15}$/.test(phoneNumber)) {
    return failure(argumentInvalid('phoneNumber'));
  }
  if (typeof countryCode !== 'string' || !/^\d{1,4}$/.test(countryCode)) {
    return failure(argumentInvalid('countryCode'));
  }
  const code = state.phoneCodes.mint(app.value.appId, { purePhoneNumber: phoneNumber, countryCode });
  return success({ code });
}

/**
 * The user accepts templates in the subscription popup. Each acceptance allows one send. The openid
 * becomes a known user of the app, since only a real user could have seen the popup.
 */
export function grantSubscriptions(
  state: FakeWechatState,
  input: Loose<GrantSubscriptionsInput>,
): Outcome<GrantedSubscriptions> {
  const app = state.apps.resolve(input.appId);
  if (!app.ok) return app;
  const { openid, templateIds, count = 1 } = input;
  if (!isOpenid(openid)) return failure(argumentInvalid('openid'));
  if (
    !Array.isArray(templateIds) ||
    templateIds.length === 0 ||
    templateIds.length > MAX_TEMPLATES_PER_REQUEST ||
    !templateIds.every((id): id is string => typeof id === 'string')
  ) {
    return failure(argumentInvalid('templateIds'));
  }
  const unknown = templateIds.find((id) => !state.templates.get(id));
  if (unknown !== undefined) return failure(wxError(WechatErrcode.INVALID_TEMPLATE_ID));
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    return failure(argumentInvalid('count'));
  }
  const appId = app.value.appId;
  if (!state.users.isKnown(appId, openid)) state.users.remember(appId, state.users.identify(appId, { openid }));
  const granted = state.grants.grant(appId, openid, [...new Set(templateIds)], count);
  return success({ granted });
}
