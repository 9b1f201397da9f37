/** POST /wxa/business/getuserphonenumber */
import { argumentInvalid, WechatErrcode, wxError } from '../errors';
import { fail, ok, parseJsonObject } from '../http-io';
import { appFromAccessToken, Endpoint } from './endpoint';

export const getUserPhoneNumber: Endpoint = (request, state) => {
  const app = appFromAccessToken(request, state);
  if (!app.ok) return fail(app.error);
  const body = parseJsonObject(request.body);
  if (!body) return fail(wxError(WechatErrcode.DATA_FORMAT_ERROR));
  if (body.openid !== undefined && typeof body.openid !== 'string') return fail(argumentInvalid('openid'));
  const code = body.code;
  const phone = typeof code === 'string' ? state.phoneCodes.peek(app.value.appId, code) : undefined;
  if (typeof code !== 'string' || !phone) return fail(wxError(WechatErrcode.INVALID_CODE));
  state.phoneCodes.consume(code);
  const { purePhoneNumber, countryCode } = phone;
  return ok({
    phone_info: {
      // WeChat gives the bare number for mainland China and prefixes foreign ones with their code.
      phoneNumber: countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`,
      purePhoneNumber,
      countryCode,
      watermark: { timestamp: Math.floor(state.clock() / 1000), appid: app.value.appId },
    },
  });
};
