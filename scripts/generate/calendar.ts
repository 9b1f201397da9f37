/**
 * Seasonality of shopping in China, as a multiplier per calendar day (China time): a monthly shape,
 * weekends, the 618 and Double 11 shopping festivals, and Spring Festival (shopping before it, quiet
 * during the holiday week).
 */

export const DAY_MS = 86_400_000;
/** China Standard Time is UTC+8 all year */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Chinese New Year's Day (first day of the first lunar month). */
const SPRING_FESTIVAL: Record<number, string> = {
  2019: '2019-02-05',
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
};

/** January … December */
const MONTHLY = [1.0, 0.9, 0.95, 0.95, 1.0, 1.05, 0.9, 0.9, 1.0, 1.05, 1.15, 1.2];

/** Day number (days since 1970-01-01) of a China-time calendar date. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

/** The China-time calendar day a UTC instant falls on, as a day number. */
export function chinaDayOf(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}

/** UTC instant of the start of a China-time day. */
export function chinaDayStartMs(day: number): number {
  return day * DAY_MS - CHINA_OFFSET_MS;
}

/** The seasonal multiplier of one China-time day (mean about 1 over a year). */
export function seasonalMultiplier(day: number): number {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const dom = date.getUTCDate();
  let m = MONTHLY[month]!;
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) m *= 1.2;
  // 618: the run-up from 1 June, the day itself
  if (month === 5 && dom <= 18) m *= dom === 18 ? 3 : dom >= 16 ? 1.6 : 1.2;
  // Double 11: pre-sales from 20 October, the day itself, a tail on 12 November
  if ((month === 9 && dom >= 20) || (month === 10 && dom <= 10)) m *= 1.3;
  if (month === 10 && dom === 11) m *= 5;
  if (month === 10 && dom === 12) m *= 1.8;
  // Double 12 and the year-end gifting season
  if (month === 11 && dom === 12) m *= 2;
  for (const candidate of [SPRING_FESTIVAL[year], SPRING_FESTIVAL[year + 1]]) {
    if (!candidate) continue;
    const offset = day - dayNumber(candidate);
    if (offset >= -21 && offset < -3) m *= 1.5; // New Year shopping
    else if (offset >= -3 && offset < 0) m *= 0.8;
    else if (offset >= 0 && offset < 7) m *= 0.35; // the holiday week
  }
  return m;
}

/** Multipliers for `days` consecutive days from `firstDay`, and their maximum (for thinning). */
export function seasonality(firstDay: number, days: number): { multipliers: Float64Array; max: number; mean: number } {
  const multipliers = new Float64Array(days);
  let max = 0;
  let total = 0;
  for (let i = 0; i < days; i++) {
    const value = seasonalMultiplier(firstDay + i);
    multipliers[i] = value;
    total += value;
    if (value > max) max = value;
  }
  return { multipliers, max, mean: total / Math.max(1, days) };
}
