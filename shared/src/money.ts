/** Money is always an integer number of fen (分); these helpers are the only place it meets decimals. */

export function assertFen(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
  return value;
}

/** "12.5" / "12.50" / "12" (yuan) → 1250 fen, exactly; rejects more than two decimals. */
export function yuanToFen(yuan: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!match) throw new RangeError(`not an amount in yuan: ${yuan}`);
  const [, sign, whole, decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  return assertFen(sign ? -fen : fen);
}

/** 1250 → "12.50" */
export function fenToYuan(fen: number): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1250 → "¥12.50" */
export function formatFen(fen: number): string {
  const yuan = fenToYuan(fen);
  return yuan.startsWith('-') ? `-¥${yuan.slice(1)}` : `¥${yuan}`;
}

/**
 * The one rounding rule for fen and points: half away from zero, on a ratio of integers,
 * so that no floating point error decides a fen.
 */
export function roundRatio(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`cannot round ${numerator}/${denominator}`);
  }
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  const quotient = Math.floor(n / d);
  const remainder = n - quotient * d;
  return sign * (remainder * 2 >= d ? quotient + 1 : quotient);
}
