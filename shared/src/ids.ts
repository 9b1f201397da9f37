/**
 * Prefixed, time-sortable ids (`mbr_01J…`): a ULID (48-bit ms time + 80 random bits,
 * Crockford base32) behind a short prefix naming the entity.
 */
export const ID_PREFIXES = {
  brand: 'brd',
  store: 'sto',
  staff: 'stf',
  member: 'mbr',
  memberIdentity: 'mid',
  joinScene: 'jsc',
  consentEvent: 'cns',
  auditEntry: 'aud',
  order: 'ord',
  orderItem: 'oit',
  refund: 'rfd',
  pointEntry: 'pte',
  pointLot: 'ptl',
  pointMultiplier: 'pmu',
  pointAdjustment: 'pad',
  checkin: 'chk',
  tier: 'tir',
  tierHistory: 'tih',
  couponTemplate: 'cpt',
  coupon: 'cpn',
  mallItem: 'itm',
  mallExchange: 'exc',
  jobRun: 'job',
  event: 'evt',
  segment: 'seg',
  campaign: 'cmp',
  campaignRun: 'crn',
  campaignDelivery: 'cdl',
  outboxMessage: 'obx',
  inboxMessage: 'inb',
  smsMessage: 'sms',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

function randomBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(count);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

let lastMs = -1;
let lastRandom = '';

/** Adds one to a Crockford base32 string (80 random bits never overflow in practice). */
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
 * A ULID for the instant `at`. Ids this process makes always increase — also within one millisecond and
 * when a caller passes an earlier instant than before (its time part then stays at the later one) — so
 * rows list in the order they were written, even under a pinned test clock.
 */
export function ulid(at: number | Date = Date.now()): string {
  const ms = Math.max(Math.floor(typeof at === 'number' ? at : at.getTime()), lastMs);
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (ms === lastMs) {
    lastRandom = increment(lastRandom);
  } else {
    const random = randomBytes(16);
    lastRandom = '';
    for (let i = 0; i < 16; i++) lastRandom += CROCKFORD[random[i]! % 32];
    lastMs = ms;
  }
  return time + lastRandom;
}

export function newId(kind: IdKind, at?: number | Date): string {
  return `${ID_PREFIXES[kind]}_${ulid(at)}`;
}

export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_${ULID_PATTERN}$`;
}

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(idPattern(kind)).test(value);
}

/** Random code from an unambiguous alphabet, for codes people read or type (join scenes, pickup codes). */
export function randomCode(length: number, alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // rejection sampling keeps every symbol equally likely
  const limit = 256 - (256 % alphabet.length);
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) return out + randomCode(length - out.length, alphabet);
    const b = bytes[i]!;
    if (b < limit) out += alphabet[b % alphabet.length];
  }
  return out;
}
