/** WeChat's value limits for subscribe-message data fields, keyed by field type. */

export const FIELD_KINDS = [
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

export type FieldKind = (typeof FIELD_KINDS)[number];

/** The type encoded in a template data key: "thing1" → thing, "character_string12" → character_string. */
export function fieldKindOf(key: string): FieldKind | undefined {
  const match = /^([a-z_]+?)\d+$/.exec(key);
  const kind = match?.[1];
  return FIELD_KINDS.find((known) => known === kind);
}

const HAN = /\p{Script=Han}/u;

function chars(value: string): string[] {
  return Array.from(value);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const DATE_PATTERNS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
];

function isDate(text: string): boolean {
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  return false;
}

function isClockTime(text: string): boolean {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return false;
  return Number(match[1]) <= 23 && Number(match[2]) <= 59 && Number(match[3] ?? 0) <= 59;
}

/** A date with an optional time ("2024-05-01", "2024年5月1日 18:30"). */
function isDateTime(text: string): boolean {
  const [date, time, ...rest] = text.trim().split(/\s+/);
  if (date === undefined || rest.length > 0) return false;
  return isDate(date) && (time === undefined || isClockTime(time));
}

/** A time with an optional leading date ("18:30", "2024-05-01 18:30"). */
function isTimeOrDateTime(text: string): boolean {
  const trimmed = text.trim();
  return isClockTime(trimmed) || (isDateTime(trimmed) && /\s/.test(trimmed));
}

/** One value or a range "a~b". */
function singleOrRange(value: string, single: (text: string) => boolean): boolean {
  const parts = value.split('~');
  return parts.length <= 2 && parts.every((part) => single(part.trim()));
}

const AMOUNT = /^(?:[¥￥$€£]|[A-Z]{3})?\d{1,10}(?:\.\d{1,2})?元?$/;

const VALIDATORS: Record<FieldKind, (value: string) => boolean> = {
  thing: (v) => chars(v).length <= 20,
  short_thing: (v) => chars(v).length <= 5,
  number: (v) => /^\d+(?:\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => singleOrRange(v, isTimeOrDateTime),
  date: (v) => singleOrRange(v, isDateTime),
  amount: (v) => AMOUNT.test(v),
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v) && /\d/.test(v),
  car_number: (v) => chars(v).length <= 8 && /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u.test(v),
  name: (v) => {
    const list = chars(v);
    if (list.some((c) => HAN.test(c))) return list.length <= 10 && list.every((c) => HAN.test(c) || c === '·');
    return list.length <= 20 && !/\d/.test(v);
  },
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
};

/** Whether a value fits its field type. Empty values never do. */
export function isValidFieldValue(kind: FieldKind, value: string): boolean {
  return value.trim().length > 0 && VALIDATORS[kind](value);
}
