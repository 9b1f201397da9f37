import { ulid } from '@memberloop/shared';

// shared/ids.ts has no kinds for tiers; these prefixes keep the same shape (prefix + ULID)
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const newTierId = (at: Date) => `tir_${ulid(at.getTime())}`;

let lastMs = -1;
let lastRandom = '';

/** Increments a Crockford base32 string by one (wrapping at the top, which 80 random bits never reach in practice). */
function increment(value: string): string {
  const chars = value.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const digit = CROCKFORD.indexOf(chars[i]!);
    if (digit < 31) {
      chars[i] = CROCKFORD[digit + 1]!;
      return chars.join('');
    }
    chars[i] = '0';
  }
  return chars.join('');
}

/**
 * History ids that sort in the order they were made, also within one millisecond: one evaluation
 * writes several rows for a member at the same instant (an expired manual level and a downgrade),
 * and the history lists them by (at, id).
 */
export function newTierHistoryId(at: Date): string {
  const ms = at.getTime();
  const fresh = ulid(ms);
  if (ms === lastMs) lastRandom = increment(lastRandom);
  else {
    lastMs = ms;
    lastRandom = fresh.slice(10);
  }
  return `tih_${fresh.slice(0, 10)}${lastRandom}`;
}
