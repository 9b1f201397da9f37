/** POST /cgi-bin/message/subscribe/send */
import { argumentInvalid, WechatErrcode, wxError } from '../errors';
import { fail, ok, parseJsonObject } from '../http-io';
import { isValidFieldValue } from '../subscribe-fields';
import type { SentMessage } from '../types';
import { appFromAccessToken, Endpoint } from './endpoint';

const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'] as const;
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

type MiniprogramState = (typeof MINIPROGRAM_STATES)[number];

function isMiniprogramState(value: unknown): value is MiniprogramState {
  return MINIPROGRAM_STATES.some((known) => known === value);
}

export const subscribeSend: Endpoint = (request, state) => {
  const app = appFromAccessToken(request, state);
  if (!app.ok) return fail(app.error);
  const appId = app.value.appId;
  const body = parseJsonObject(request.body);
  if (!body) return fail(wxError(WechatErrcode.DATA_FORMAT_ERROR));

  const { touser, template_id: templateId, page, data, miniprogram_state: mpState = 'formal', lang = 'zh_CN' } = body;
  if (typeof touser !== 'string' || !state.users.isKnown(appId, touser)) {
    return fail(wxError(WechatErrcode.INVALID_OPENID));
  }
  const template = typeof templateId === 'string' ? state.templates.get(templateId) : undefined;
  if (!template) return fail(wxError(WechatErrcode.INVALID_TEMPLATE_ID));
  if (page !== undefined && (typeof page !== 'string' || !state.pages.isPublishedLink(page))) {
    return fail(wxError(WechatErrcode.INVALID_PAGE));
  }
  if (!isMiniprogramState(mpState)) return fail(argumentInvalid('miniprogram_state'));
  if (typeof lang !== 'string' || !LANGS.includes(lang)) return fail(argumentInvalid('lang'));
  if (!state.grants.has(appId, touser, template.id)) return fail(wxError(WechatErrcode.USER_REFUSED));

  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(argumentInvalid('data'));
  const values: Record<string, string> = {};
  for (const { key, kind } of template.fields) {
    const entry: unknown = (data as Record<string, unknown>)[key];
    const value = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined;
    if (typeof value !== 'string' || !isValidFieldValue(kind, value)) {
      return fail(argumentInvalid(`data.${key}.value`));
    }
    values[key] = value;
  }

  state.grants.consume(appId, touser, template.id);
  const message: Omit<SentMessage, 'msgid'> = {
    appId,
    touser,
    templateId: template.id,
    data: values,
    miniprogramState: mpState,
    lang,
    sentAt: new Date(state.clock()).toISOString(),
  };
  if (typeof page === 'string') message.page = page;
  const sent = state.messages.append(message);
  return ok({ msgid: sent.msgid });
};
