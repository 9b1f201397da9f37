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
  pointMultiplier: 'ptm',
  checkin: 'chk',
  tier: 'tir',
  tierChange: 'tch',
  couponTemplate: 'cpt',
  coupon: 'cpn',
  mallItem: 'itm',
  mallExchange: 'exc',
  jobRun: 'job',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';

function randomBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(count);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

export function ulid(nowMs: number = Date.now()): string {
  let time = '';
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(16);
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[random[i]! % 32];
  return time + rest;
}

export function newId(kind: IdKind, nowMs?: number): string {
  return `${ID_PREFIXES[kind]}_${ulid(nowMs)}`;
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
