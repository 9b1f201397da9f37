/**
 * Code 128 for the digits of a member card code: code set C (two digits per symbol), with a
 * final odd digit in code set B. Pure: no I/O.
 *
 * The result is a list of module widths, bar first and alternating bar/space, from the start
 * symbol to the stop pattern (leave a quiet zone of at least 10 modules on each side).
 */

/** Bar/space widths of symbol values 0–106 (103–105: START A/B/C, 106: STOP, which has 7 elements). */
export const CODE128_PATTERNS: readonly string[] = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const START_C = 105;
export const CODE_B = 100;
export const STOP = 106;

export interface Code128 {
  /** Symbol values from START to the checksum (the stop pattern not included). */
  values: number[];
  checksum: number;
  /** Module widths, bar first, alternating, including the stop pattern. */
  widths: number[];
  /** Sum of `widths`. */
  modules: number;
}

/** The checksum: the start value plus each symbol value times its position, modulo 103. */
export function code128Checksum(values: number[]): number {
  return values.reduce((sum, value, position) => sum + value * Math.max(position, 1), 0) % 103;
}

/** Encodes a string of digits. Throws a RangeError for anything else, or for an empty string. */
export function encodeCode128Digits(digits: string): Code128 {
  if (!/^\d+$/.test(digits)) throw new RangeError('Code 128 set C takes digits only');
  const values = [START_C];
  let i = 0;
  for (; i + 1 < digits.length; i += 2) values.push(Number(digits.slice(i, i + 2)));
  if (i < digits.length) {
    // An odd digit out: switch to code set B, where '0'…'9' are values 16…25.
    values.push(CODE_B, digits.charCodeAt(i) - 32);
  }
  const checksum = code128Checksum(values);
  const widths = [...values, checksum, STOP].flatMap((value) => [...CODE128_PATTERNS[value]!].map(Number));
  return { values, checksum, widths, modules: widths.reduce((a, b) => a + b, 0) };
}
