/**
 * Whether a 5-field cron expression (minute hour day-of-month month day-of-week) matches a minute, read in a
 * time zone. Pure. Expressions are first validated with node-cron's `validate` (the job runner's library);
 * this matcher reads the same syntax: `*`, lists, ranges, steps, month and weekday names, 7 = Sunday.
 * Like node-cron, a minute matches only when every field matches (day-of-month AND day-of-week).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  min: number;
  max: number;
  names?: string[];
  /** index of the first name (1 for months, 0 for weekdays) */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function value(text: string, spec: FieldSpec): number {
  const lower = text.toLowerCase();
  if (spec.names) {
    const index = spec.names.findIndex((name) => lower.startsWith(name));
    if (index >= 0 && /^[a-z]+$/.test(lower)) return index + (spec.nameBase ?? 0);
  }
  if (!/^\d+$/.test(text)) throw new Error(`not a number: ${text}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new Error(`${n} is out of range ${spec.min}-${spec.max}`);
  return n;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${part}`);
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.max;
    } else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      low = value(a!, spec);
      high = value(b!, spec);
      if (low > high) throw new Error(`bad range ${range}`);
    } else {
      low = value(range!, spec);
      high = stepText === undefined ? low : spec.max;
    }
    for (let n = low; n <= high; n += step) out.add(n);
  }
  return out;
}

export interface CronSchedule {
  fields: Set<number>[];
}

/** Parses a 5-field expression; throws on anything else (6-field second-resolution expressions are refused). */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error('a campaign cron has 5 fields: minute hour day-of-month month day-of-week');
  const fields = parts.map((part, i) => parseField(part, FIELDS[i]!));
  const weekdays = fields[4]!;
  if (weekdays.has(7)) weekdays.add(0);
  return { fields };
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** minute, hour, day, month, weekday of an instant in a time zone */
export function zonedFields(instant: Date, timeZone: string): [number, number, number, number, number] {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short', hourCycle: 'h23' });
    partFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  const weekday = DAYS.indexOf(parts.weekday!.toLowerCase().slice(0, 3));
  return [Number(parts.minute), Number(parts.hour), Number(parts.day), Number(parts.month), weekday];
}

export function cronMatches(schedule: CronSchedule, instant: Date, timeZone: string): boolean {
  const values = zonedFields(instant, timeZone);
  return schedule.fields.every((field, i) => field.has(values[i]!));
}
