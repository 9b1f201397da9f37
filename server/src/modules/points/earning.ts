/**
 * How many points an order earns, and when earned points expire or unlock: pure functions, no I/O.
 * Points are integers and multipliers permille integers; the product is taken exactly (BigInt)
 * and floored once at the end, so no floating point error ever decides a point.
 */
import { businessDate, DEFAULT_TIME_ZONE } from '@memberloop/shared';

export type ExpiryMode = 'never' | 'rolling_days' | 'year_end';

export interface EarnRules {
  earnPoints: number;
  earnPerFen: number;
  expiryMode: ExpiryMode;
  expiryDays: number;
  lockDays: number;
}

export interface MultiplierRule {
  kind: 'period' | 'category' | 'sku';
  /** the category or SKU; null for a period */
  target: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  multiplierPermille: number;
}

export interface OrderItemForPoints {
  sku: string;
  category: string | null;
  amountFen: number;
}

export interface OrderPointsInput {
  rules: Pick<EarnRules, 'earnPoints' | 'earnPerFen'>;
  multipliers: readonly MultiplierRule[];
  at: Date;
  grossFen: number;
  paidFen: number;
  items: readonly OrderItemForPoints[];
  tierMultiplierPermille: number;
}

const PERMILLE = 1000n;
const DAY_MS = 86_400_000;

/** A multiplier applies from its start (inclusive) to its end (exclusive); an open side is unbounded. */
export function isMultiplierActive(multiplier: Pick<MultiplierRule, 'startsAt' | 'endsAt'>, at: Date): boolean {
  const t = at.getTime();
  return (multiplier.startsAt === null || multiplier.startsAt.getTime() <= t) && (multiplier.endsAt === null || t < multiplier.endsAt.getTime());
}

/** The highest permille among the matching multipliers, or ×1 when none match. */
function highest(multipliers: readonly MultiplierRule[], matches: (m: MultiplierRule) => boolean): bigint {
  let best: number | null = null;
  for (const m of multipliers) if (matches(m) && (best === null || m.multiplierPermille > best)) best = m.multiplierPermille;
  return BigInt(best ?? 1000);
}

/** The period multiplier at `at`: the highest of the double-points periods running then. */
export function periodMultiplierPermille(multipliers: readonly MultiplierRule[], at: Date): number {
  return Number(highest(multipliers, (m) => m.kind === 'period' && isMultiplierActive(m, at)));
}

/** An item's multiplier: the highest of the category and SKU multipliers that match it and run at `at`. */
export function itemMultiplierPermille(multipliers: readonly MultiplierRule[], item: Pick<OrderItemForPoints, 'sku' | 'category'>, at: Date): number {
  return Number(
    highest(
      multipliers,
      (m) =>
        isMultiplierActive(m, at) &&
        ((m.kind === 'sku' && m.target === item.sku) || (m.kind === 'category' && item.category !== null && m.target === item.category)),
    ),
  );
}

function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}: ${value}`);
}

/**
 * Points for an order: `earnPoints` per `earnPerFen` of what was paid, spread over the items by their
 * share of the gross amount; each item's share times its category/SKU multiplier, all of it times the
 * period and tier multipliers, floored once. Gross not covered by items earns at ×1.
 */
export function orderPoints(input: OrderPointsInput): number {
  const { rules, multipliers, at, grossFen, paidFen, items, tierMultiplierPermille } = input;
  assertInteger('earnPoints', rules.earnPoints, 0);
  assertInteger('earnPerFen', rules.earnPerFen, 1);
  assertInteger('grossFen', grossFen, 0);
  assertInteger('paidFen', paidFen, 0);
  assertInteger('tierMultiplierPermille', tierMultiplierPermille, 1);
  for (const item of items) assertInteger('item amountFen', item.amountFen, 0);
  if (paidFen === 0 || rules.earnPoints === 0) return 0;

  const itemsTotal = items.reduce((sum, item) => sum + BigInt(item.amountFen), 0n);
  // the share denominator: the gross, or the items' sum should they add up to more
  const denominator = itemsTotal > BigInt(grossFen) ? itemsTotal : BigInt(grossFen);
  if (denominator === 0n) return 0;

  // Σ share × item multiplier, kept as (fen × permille) over `denominator`
  let weighted = (denominator - itemsTotal) * PERMILLE;
  for (const item of items) weighted += BigInt(item.amountFen) * BigInt(itemMultiplierPermille(multipliers, item, at));

  const numerator =
    BigInt(paidFen) * BigInt(rules.earnPoints) * weighted * BigInt(periodMultiplierPermille(multipliers, at)) * BigInt(tierMultiplierPermille);
  const divisor = denominator * BigInt(rules.earnPerFen) * PERMILLE * PERMILLE * PERMILLE;
  return Number(numerator / divisor);
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of a time zone from UTC at an instant, in ms (to the second; zones have no sub-second offsets). */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    // building a formatter costs far more than using one: keep one per zone
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a business day ("YYYY-MM-DD") starts in a time zone. */
export function startOfBusinessDay(date: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let instant = midnightUtc - zoneOffsetMs(new Date(midnightUtc), timeZone);
  // the offset at the guess may differ from the offset at local midnight (a DST change that day)
  const settled = midnightUtc - zoneOffsetMs(new Date(instant), timeZone);
  if (settled !== instant) instant = settled;
  return new Date(instant);
}

/** "YYYY-MM-DD" plus `days` calendar days. */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * When points earned at `at` expire, in the brand's time zone:
 * never → null; rolling_days → at the end of the business day `expiryDays` after earning;
 * year_end → at the end of 31 December, `expiryDays / 365` whole years on (0: this year).
 * Expiring at the end of a day lets the nightly job sweep a whole day's points together.
 */
export function expiryFor(rules: Pick<EarnRules, 'expiryMode' | 'expiryDays'>, at: Date, timeZone: string = DEFAULT_TIME_ZONE): Date | null {
  if (rules.expiryMode === 'never') return null;
  const earnedOn = businessDate(at, timeZone);
  if (rules.expiryMode === 'rolling_days') return startOfBusinessDay(addCalendarDays(earnedOn, rules.expiryDays + 1), timeZone);
  const year = Number(earnedOn.slice(0, 4)) + Math.floor(rules.expiryDays / 365);
  return startOfBusinessDay(`${String(year + 1).padStart(4, '0')}-01-01`, timeZone);
}

/** Purchase points unlock `lockDays` × 24 h after the purchase; null when the brand does not lock them. */
export function lockedUntilFor(rules: Pick<EarnRules, 'lockDays'>, at: Date): Date | null {
  return rules.lockDays > 0 ? new Date(at.getTime() + rules.lockDays * DAY_MS) : null;
}
