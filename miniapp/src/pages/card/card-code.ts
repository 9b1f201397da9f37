import type { MemberCard } from '@memberloop/shared';

/** Never ask sooner than this, even when the phone's clock runs ahead of the server's. */
export const MIN_REFRESH_MS = 5_000;
/** Never wait longer than one code window, even when the phone's clock runs behind. */
export const MAX_REFRESH_MS = 30_000;

/**
 * How long to wait before fetching the next card code: until the server's `refreshAt`, kept
 * within 5–30 seconds so a phone clock that is off cannot make the page spin or go stale.
 */
export function refreshDelayMs(card: Pick<MemberCard, 'refreshAt'>, now: number): number {
  const until = Date.parse(card.refreshAt) - now;
  if (!Number.isFinite(until)) return MIN_REFRESH_MS;
  return Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, until));
}

/** True when the code on screen is past its refresh time (the page was hidden meanwhile). */
export function isDue(card: Pick<MemberCard, 'refreshAt'>, now: number): boolean {
  const at = Date.parse(card.refreshAt);
  return !Number.isFinite(at) || at <= now;
}

/** "10000001123456" → "1000 0001 1234 56": easy to read out or type at a till. */
export function groupDigits(code: string, size = 4): string {
  return code.replace(new RegExp(`(.{${size}})(?=.)`, 'g'), '$1 ');
}
