/** The /__dev/ endpoints: not WeChat's; they play the user's side and let tests steer the fake. */
import { grantSubscriptions, mintLoginCode, mintPhoneCode } from '../dev-actions';
import { Outcome, WechatErrcode, wxError } from '../errors';
import { parseFaultSpec } from '../fault-queue';
import { fail, FakeRequest, ok, parseJsonObject, Reply } from '../http-io';
import { resetState } from '../state';
import type { Endpoint } from './endpoint';

const BAD_REQUEST = 400;

/** An empty body counts as `{}`. */
function withBody(request: FakeRequest, handle: (body: Record<string, unknown>) => Reply): Reply {
  const body = request.body.length === 0 ? {} : parseJsonObject(request.body);
  return body ? handle(body) : fail(wxError(WechatErrcode.DATA_FORMAT_ERROR), BAD_REQUEST);
}

function answer<T extends object>(outcome: Outcome<T>): Reply {
  return outcome.ok ? ok({ ...(outcome.value as Record<string, unknown>) }) : fail(outcome.error, BAD_REQUEST);
}

export const devLoginCode: Endpoint = (request, state) =>
  withBody(request, (body) => answer(mintLoginCode(state, { appId: body.appid, user: body.user, openid: body.openid })));

export const devPhoneCode: Endpoint = (request, state) =>
  withBody(request, (body) =>
    answer(mintPhoneCode(state, { appId: body.appid, phoneNumber: body.phoneNumber, countryCode: body.countryCode })),
  );

export const devSubscriptions: Endpoint = (request, state) =>
  withBody(request, (body) =>
    answer(
      grantSubscriptions(state, {
        appId: body.appid,
        openid: body.openid,
        templateIds: body.templateIds,
        count: body.count,
      }),
    ),
  );

export const devAddFault: Endpoint = (request, state) =>
  withBody(request, (body) => {
    const fault = parseFaultSpec(body);
    if (!fault.ok) return fail(fault.error, BAD_REQUEST);
    state.faults.add(fault.value);
    return ok({ fault: fault.value });
  });

export const devListFaults: Endpoint = (_request, state) => ok({ faults: state.faults.list() });

export const devClearFaults: Endpoint = (_request, state) => {
  state.faults.clear();
  return ok();
};

export const devStats: Endpoint = (_request, state) => ok({ ...state.stats.snapshot() });

export const devMessages: Endpoint = (_request, state) => ok({ messages: state.messages.list() });

export const devReset: Endpoint = (_request, state) => {
  resetState(state);
  return ok();
};
