/**
 * Message templates: {{variable}} substitution per channel and WeChat's subscribe-message field limits.
 * Pure functions, no I/O: the sender calls them at send time, the campaigns module calls `validateContent`
 * when an operator saves a campaign.
 */
import { MESSAGE_VARIABLES, MessageContent, type WechatMessageContent } from '@memberloop/shared';
import { Value } from '@sinclair/typebox/value';

/** Values fixed when the message was decided (name, tier, points, coupon …); null renders as nothing. */
export type MessageVariables = Record<string, string | number | null | undefined>;

export interface ContentProblem {
  /** JSON pointer into the content, e.g. `/wechat/data/thing1` */
  path: string;
  message: string;
}

const KNOWN_VARIABLES: ReadonlySet<string> = new Set(MESSAGE_VARIABLES);

/**
 * Variables whose value is a number, an amount or a date: cutting one short changes what the message says, so a
 * `thing` field is only shortened with an ellipsis when the cut falls after every such value.
 */
const RIGID_VARIABLES: ReadonlySet<string> = new Set(['points', 'expiringPoints', 'expiringDate', 'couponValue', 'couponExpiresAt']);

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a template text uses, in order of appearance. */
export function variablesIn(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (match) => match[1]!);
}

/** Problems with the placeholders of one text: unknown variables, stray braces. */
function placeholderProblems(template: string, path: string): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const name of variablesIn(template)) {
    if (!KNOWN_VARIABLES.has(name)) {
      problems.push({ path, message: `unknown variable {{${name}}}; known: ${MESSAGE_VARIABLES.join(', ')}` });
    }
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push({ path, message: 'has a malformed {{placeholder}}' });
  return problems;
}

// ---- WeChat field types ----

/** The field types WeChat encodes in a subscribe-message data key: "thing1" → thing, "character_string2" → character_string. */
export const WECHAT_FIELD_KINDS = [
  'thing',
  'short_thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type WechatFieldKind = (typeof WECHAT_FIELD_KINDS)[number];

export function wechatFieldKind(key: string): WechatFieldKind | undefined {
  const kind = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  return WECHAT_FIELD_KINDS.find((known) => known === kind);
}

export const THING_MAX_CHARS = 20;
const ELLIPSIS = '…';
const HAN = /\p{Script=Han}/u;
const chars = (value: string) => Array.from(value);

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const DATE_PATTERNS = [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日$/];

function isDate(text: string): boolean {
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  return false;
}

function isClockTime(text: string): boolean {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  return !!match && Number(match[1]) <= 23 && Number(match[2]) <= 59 && Number(match[3] ?? 0) <= 59;
}

/** A date with an optional time: "2026-11-24", "2026年11月24日 18:30". */
function isDateTime(text: string): boolean {
  const [date, time, ...rest] = text.trim().split(/\s+/);
  return date !== undefined && rest.length === 0 && isDate(date) && (time === undefined || isClockTime(time));
}

/** A time with an optional leading date: "18:30", "2026-11-24 18:30". */
function isTimeOrDateTime(text: string): boolean {
  const trimmed = text.trim();
  return isClockTime(trimmed) || (isDateTime(trimmed) && /\s/.test(trimmed));
}

/** One value or a range "a~b". */
const singleOrRange = (value: string, single: (text: string) => boolean) => {
  const parts = value.split('~');
  return parts.length <= 2 && parts.every((part) => single(part.trim()));
};

const AMOUNT = /^(?:[¥￥$€£]|[A-Z]{3})?\d{1,10}(?:\.\d{1,2})?元?$/;

/** WeChat's limit per field type, as a check of the final value and a description for problems. */
const FIELD_RULES: Record<WechatFieldKind, { valid: (value: string) => boolean; limit: string }> = {
  thing: { valid: (v) => chars(v).length <= THING_MAX_CHARS, limit: `at most ${THING_MAX_CHARS} characters` },
  short_thing: { valid: (v) => chars(v).length <= 5, limit: 'at most 5 characters' },
  number: { valid: (v) => /^\d+(?:\.\d+)?$/.test(v) && v.replace('.', '').length <= 32, limit: 'digits only (optional decimals), at most 32' },
  letter: { valid: (v) => /^[A-Za-z]{1,32}$/.test(v), limit: 'letters only, at most 32' },
  symbol: { valid: (v) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(v), limit: 'at most 5 symbols' },
  character_string: { valid: (v) => /^[\x21-\x7e]{1,32}$/.test(v), limit: 'at most 32 letters, digits or symbols' },
  time: { valid: (v) => singleOrRange(v, isTimeOrDateTime), limit: 'a time "HH:MM", optionally after a date' },
  date: { valid: (v) => singleOrRange(v, isDateTime), limit: 'a date "YYYY年M月D日" or "YYYY-MM-DD", optionally with a time' },
  amount: { valid: (v) => AMOUNT.test(v), limit: 'a currency symbol and at most 10 digits with up to 2 decimals' },
  phone_number: { valid: (v) => /^[\d+\-() ]{1,17}$/.test(v) && /\d/.test(v), limit: 'at most 17 digits and + - ( )' },
  car_number: {
    valid: (v) => chars(v).length <= 8 && /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u.test(v),
    limit: 'a licence plate, at most 8 characters',
  },
  name: {
    valid: (v) => {
      const list = chars(v);
      if (list.some((c) => HAN.test(c))) return list.length <= 10 && list.every((c) => HAN.test(c) || c === '·');
      return list.length <= 20 && /^[A-Za-z .·'-]+$/.test(v);
    },
    limit: 'at most 10 Chinese characters or 20 letters',
  },
  phrase: { valid: (v) => /^\p{Script=Han}{1,5}$/u.test(v), limit: 'at most 5 Chinese characters' },
};

/** Whether a final value fits its WeChat field type; empty values never do. */
export function isValidWechatValue(kind: WechatFieldKind, value: string): boolean {
  return value.trim().length > 0 && FIELD_RULES[kind].valid(value);
}

// ---- formatting variable values ----

export interface RenderOptions {
  /** the brand time zone dates are shown in */
  timeZone: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();
const shownInstants = new Map<string, string>();

function zonedParts(instant: Date, timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return { year: parts.year!, month: String(Number(parts.month)), day: String(Number(parts.day)), time: `${parts.hour}:${parts.minute}` };
}

/** How one variable value reads: numbers as digits, ISO instants as a date in the brand zone ("2026年11月30日"). */
function formatValue(value: string | number | null | undefined, withTime: boolean, options: RenderOptions): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (!ISO_INSTANT.test(value)) return value;
  const key = `${options.timeZone}\n${withTime}\n${value}`;
  let shown = shownInstants.get(key);
  if (shown === undefined) {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) shown = value;
    else {
      const p = zonedParts(instant, options.timeZone);
      const date = `${p.year}年${p.month}月${p.day}日`;
      shown = withTime ? `${date} ${p.time}` : date;
    }
    // a campaign's messages share a handful of dates: a small cache saves a time-zone conversion per message
    if (shownInstants.size >= 1000) shownInstants.clear();
    shownInstants.set(key, shown);
  }
  return shown;
}

interface Segment {
  text: string;
  rigid: boolean;
}

function renderSegments(template: string, variables: MessageVariables, options: RenderOptions, withTime = false): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index! > last) segments.push({ text: template.slice(last, match.index), rigid: false });
    const name = match[1]!;
    segments.push({ text: formatValue(variables[name], withTime, options), rigid: RIGID_VARIABLES.has(name) });
    last = match.index! + match[0].length;
  }
  if (last < template.length) segments.push({ text: template.slice(last), rigid: false });
  return segments;
}

/** A template text with its {{variables}} filled in; a variable without a value renders as nothing. */
export function renderText(template: string, variables: MessageVariables, options: RenderOptions): string {
  return renderSegments(template, variables, options)
    .map((segment) => segment.text)
    .join('');
}

/**
 * A `thing` value cut to 20 characters with an ellipsis, or null when the cut would fall inside or before a
 * number, amount or date (a shortened figure says something else).
 */
function truncateThing(segments: Segment[]): string | null {
  const keep = THING_MAX_CHARS - 1;
  let position = 0;
  let out = '';
  for (const [index, segment] of segments.entries()) {
    const list = chars(segment.text);
    if (position + list.length <= keep) {
      out += segment.text;
      position += list.length;
      continue;
    }
    // this segment is cut, and everything after it dropped: none of that may be a figure
    if (segments.slice(index).some((cut) => cut.rigid && cut.text.trim().length > 0)) return null;
    out += list.slice(0, keep - position).join('');
    break;
  }
  const text = out.trim();
  return text.length === 0 ? null : text + ELLIPSIS;
}

export type WechatRender =
  | { ok: true; templateId: string; page?: string; data: Record<string, { value: string }>; truncated: string[] }
  | { ok: false; key: string; reason: string };

/**
 * The WeChat version of a message, ready to send, or the reason it cannot go out on WeChat (the sender then
 * falls back to the next channel). Amounts that are bare numbers get a ¥; ISO instants become dates in the
 * brand zone; a `thing` over 20 characters is shortened with an ellipsis when no figure is cut.
 */
export function renderWechat(content: WechatMessageContent, variables: MessageVariables, options: RenderOptions): WechatRender {
  const data: Record<string, { value: string }> = {};
  const truncated: string[] = [];
  for (const [key, template] of Object.entries(content.data)) {
    const kind = wechatFieldKind(key);
    if (!kind) return { ok: false, key, reason: `${key}: unknown WeChat field type` };
    const segments = renderSegments(template, variables, options, kind === 'time');
    let value = segments
      .map((segment) => segment.text)
      .join('')
      .trim();
    if (value.length === 0) return { ok: false, key, reason: `${key}: empty after rendering` };
    if (kind === 'amount' && /^\d+(\.\d{1,2})?$/.test(value)) value = `¥${value}`;
    if (kind === 'thing' && chars(value).length > THING_MAX_CHARS) {
      const shortened = truncateThing(segments);
      if (shortened === null) return { ok: false, key, reason: `${key}: longer than ${THING_MAX_CHARS} characters and a figure would be cut` };
      value = shortened;
      truncated.push(key);
    }
    if (!isValidWechatValue(kind, value)) return { ok: false, key, reason: `${key}: "${value}" is not ${FIELD_RULES[kind].limit}` };
    data[key] = { value };
  }
  return { ok: true, templateId: content.templateId, ...(content.page ? { page: content.page } : {}), data, truncated };
}

// ---- validation at save time ----

/**
 * Everything wrong with a message's content, each with its path: the shape (TypeBox schema), unknown
 * {{variables}}, WeChat keys of no known type, and literal WeChat values that can never fit their type.
 * Empty = valid. Values built from variables are checked again at send time, when the values are known.
 */
export function validateContent(content: unknown): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const error of Value.Errors(MessageContent, content)) {
    problems.push({ path: error.path || '/', message: error.message });
    if (problems.length >= 20) return problems;
  }
  if (problems.length > 0) return problems;
  const valid = content as MessageContent;
  const texts: [string, string][] = [
    ['/inbox/title', valid.inbox.title],
    ['/inbox/body', valid.inbox.body],
  ];
  if (valid.inbox.link) texts.push(['/inbox/link', valid.inbox.link]);
  if (valid.sms) texts.push(['/sms/text', valid.sms.text]);
  if (valid.wechat) {
    for (const [key, template] of Object.entries(valid.wechat.data)) {
      const path = `/wechat/data/${key}`;
      texts.push([path, template]);
      const kind = wechatFieldKind(key);
      if (!kind) {
        problems.push({ path, message: `"${key}" names no WeChat field type (${WECHAT_FIELD_KINDS.join(', ')}) followed by a number` });
        continue;
      }
      if (variablesIn(template).length === 0) {
        const check = renderWechat({ templateId: valid.wechat.templateId, data: { [key]: template } }, {}, { timeZone: 'Asia/Shanghai' });
        if (!check.ok) problems.push({ path, message: `can never be sent: ${check.reason}` });
      }
    }
  }
  for (const [path, text] of texts) problems.push(...placeholderProblems(text, path));
  return problems;
}
