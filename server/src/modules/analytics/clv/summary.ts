/**
 * Transactions → one (x, tₓ, T, monetary) row per customer, the input of the BG/NBD and Gamma-Gamma
 * models. Pure functions, no I/O.
 *
 * Rules:
 * - A purchase happens on a calendar day; every purchase is taken to happen at the same time of day,
 *   so the time between two purchases is the number of days between their dates.
 * - All purchases by one customer on one day are one purchase whose amount is their sum.
 * - Only purchases on or before the calibration end date count; a customer whose first purchase is
 *   after it is left out.
 * - x = purchase days after the first one; tₓ = days from the first to the last purchase day;
 *   T = days from the first purchase day to the calibration end date (end date − first date, so a
 *   purchase on the end date has tₓ = T; a customer who first bought on the end date has T = 0);
 *   in weeks, days / 7.
 * - monetary = mean amount of the repeat purchase days (the first purchase day excluded), 0 when
 *   x = 0. Amounts are summed exactly as integers in hundredths (fen, cents) and divided only at the end.
 */

export type TimeUnit = 'day' | 'week';

export const DAYS_PER_UNIT: Record<TimeUnit, number> = { day: 1, week: 7 };

export interface Purchase {
  customerId: string;
  /** the purchase date as days since 1970-01-01 (see dayNumberFromIsoDate) */
  day: number;
  /** hundredths of the currency unit (fen, cents): an integer ≥ 0 */
  amountFen: number;
}

export interface CustomerSummary {
  id: string;
  /** repeat purchase days */
  x: number;
  /** first to last purchase day, in the time unit */
  tx: number;
  /** first purchase day to the calibration end, in the time unit */
  T: number;
  /** mean amount of the repeat purchase days, in currency units (0 when x = 0) */
  monetary: number;
  /** total of the repeat purchase days, in hundredths */
  repeatAmountFen: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD calendar date, or null when it is not a real date. */
export function dayNumberFromIsoDate(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC maps years 0–99 to 1900–1999 and rolls over bad days (02-30 → 03-02): reject both
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / MS_PER_DAY;
}

interface CustomerDays {
  id: string;
  /** day → amount of that day in hundredths */
  amounts: Map<number, number>;
}

/**
 * Summarises the purchases per the rules in the file comment. Customers come out in the order of
 * their first row in `purchases`.
 */
export function summarizePurchases(purchases: readonly Purchase[], calibrationEndDay: number, unit: TimeUnit): CustomerSummary[] {
  const customers = new Map<string, CustomerDays>();
  for (const purchase of purchases) {
    if (!(Number.isSafeInteger(purchase.amountFen) && purchase.amountFen >= 0)) {
      throw new RangeError(`amountFen must be a non-negative safe integer, got ${purchase.amountFen}`);
    }
    if (!Number.isInteger(purchase.day)) throw new RangeError(`day must be an integer day number, got ${purchase.day}`);
    if (purchase.day > calibrationEndDay) continue;
    let customer = customers.get(purchase.customerId);
    if (!customer) {
      customer = { id: purchase.customerId, amounts: new Map() };
      customers.set(purchase.customerId, customer);
    }
    const total = (customer.amounts.get(purchase.day) ?? 0) + purchase.amountFen;
    if (!Number.isSafeInteger(total)) throw new RangeError(`the amounts of customer ${purchase.customerId} on one day are too large to add exactly`);
    customer.amounts.set(purchase.day, total);
  }

  const daysPerUnit = DAYS_PER_UNIT[unit];
  const summaries: CustomerSummary[] = [];
  for (const { id, amounts } of customers.values()) {
    const days = [...amounts.keys()].sort((p, q) => p - q);
    const first = days[0]!;
    const last = days[days.length - 1]!;
    const x = days.length - 1;
    let repeatAmountFen = 0;
    for (const day of days.slice(1)) repeatAmountFen += amounts.get(day)!;
    if (!Number.isSafeInteger(repeatAmountFen)) throw new RangeError(`the repeat amounts of customer ${id} are too large to add exactly`);
    summaries.push({
      id,
      x,
      tx: (last - first) / daysPerUnit,
      T: (calibrationEndDay - first) / daysPerUnit,
      monetary: x === 0 ? 0 : repeatAmountFen / x / 100,
      repeatAmountFen,
    });
  }
  return summaries;
}
