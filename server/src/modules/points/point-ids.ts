import { POINT_ID_PREFIXES, ulid, type PointIdKind } from '@memberloop/shared';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastMs = -1;
let lastRandom = '';

/** Adds one to a Crockford base32 string (80 random bits never reach the top in practice). */
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
 * Prefixed ids that sort in the order this process made them, also within one millisecond and
 * when the clock stands still (tests pin it): a member's entries are listed by (created_at, id),
 * and one operation may write several entries at the same instant (an earn and the debt it pays).
 */
export function newPointId(kind: PointIdKind, at: Date): string {
  const ms = Math.max(at.getTime(), lastMs);
  if (ms === lastMs) lastRandom = increment(lastRandom);
  else {
    lastMs = ms;
    lastRandom = ulid(ms).slice(10);
  }
  return `${POINT_ID_PREFIXES[kind]}_${ulid(ms).slice(0, 10)}${lastRandom}`;
}
