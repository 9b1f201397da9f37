/**
 * A small QR code encoder (ISO/IEC 18004) for what the app shows at a counter: card codes
 * (digits), coupon codes (upper-case letters and digits) and pickup codes. Error correction
 * level M, versions 1–6, one segment in numeric, alphanumeric or byte mode. Pure: no I/O.
 *
 * The matrix is `modules[row][column]`, true = dark, without the quiet zone (add 4 modules of
 * light around it when drawing).
 */

export type QrMode = 'numeric' | 'alphanumeric' | 'byte';

export interface QrCode {
  version: number;
  size: number;
  mask: number;
  mode: QrMode;
  modules: boolean[][];
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Level M, per version: data codewords per block, number of blocks, EC codewords per block. */
const BLOCKS_M: Record<number, { dataPerBlock: number; blocks: number; ecPerBlock: number }> = {
  1: { dataPerBlock: 16, blocks: 1, ecPerBlock: 10 },
  2: { dataPerBlock: 28, blocks: 1, ecPerBlock: 16 },
  3: { dataPerBlock: 44, blocks: 1, ecPerBlock: 26 },
  4: { dataPerBlock: 32, blocks: 2, ecPerBlock: 18 },
  5: { dataPerBlock: 43, blocks: 2, ecPerBlock: 24 },
  6: { dataPerBlock: 27, blocks: 4, ecPerBlock: 16 },
};

export const QR_MAX_VERSION = 6;

/** Format bits of level M (L=01, M=00, Q=11, H=10). */
const EC_LEVEL_M_BITS = 0b00;

const MODE_INDICATOR: Record<QrMode, number> = { numeric: 0b0001, alphanumeric: 0b0010, byte: 0b0100 };
/** Character count bits for versions 1–9. */
const COUNT_BITS: Record<QrMode, number> = { numeric: 10, alphanumeric: 9, byte: 8 };

export function dataCodewords(version: number): number {
  const b = BLOCKS_M[version];
  if (!b) throw new RangeError(`QR version ${version} is not supported`);
  return b.dataPerBlock * b.blocks;
}

/** The most compact mode that can hold the text. */
export function modeFor(text: string): QrMode {
  if (/^\d*$/.test(text)) return 'numeric';
  if ([...text].every((ch) => ALPHANUMERIC.includes(ch))) return 'alphanumeric';
  return 'byte';
}

function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

class BitBuffer {
  readonly bits: number[] = [];
  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

/** Mode indicator, count and data bits of one segment. */
function segmentBits(text: string, mode: QrMode): BitBuffer {
  const buffer = new BitBuffer();
  buffer.put(MODE_INDICATOR[mode], 4);
  if (mode === 'numeric') {
    buffer.put(text.length, COUNT_BITS.numeric);
    for (let i = 0; i < text.length; i += 3) {
      const group = text.slice(i, i + 3);
      buffer.put(Number(group), group.length * 3 + 1); // 3 digits: 10 bits, 2: 7, 1: 4
    }
  } else if (mode === 'alphanumeric') {
    buffer.put(text.length, COUNT_BITS.alphanumeric);
    for (let i = 0; i < text.length; i += 2) {
      const a = ALPHANUMERIC.indexOf(text[i]!);
      if (i + 1 < text.length) buffer.put(a * 45 + ALPHANUMERIC.indexOf(text[i + 1]!), 11);
      else buffer.put(a, 6);
    }
  } else {
    const bytes = utf8(text);
    buffer.put(bytes.length, COUNT_BITS.byte);
    for (const b of bytes) buffer.put(b, 8);
  }
  return buffer;
}

/** The data codewords: segment, terminator, padding to a byte, then 0xEC 0x11 pad codewords. */
export function encodeData(text: string, mode: QrMode, version: number): number[] {
  const capacityBits = dataCodewords(version) * 8;
  const { bits } = segmentBits(text, mode);
  if (bits.length > capacityBits) throw new RangeError('text too long for this version');
  bits.push(...new Array<number>(Math.min(4, capacityBits - bits.length)).fill(0));
  while (bits.length % 8 !== 0) bits.push(0);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  for (let pad = 0xec; codewords.length < capacityBits / 8; pad ^= 0xec ^ 0x11) codewords.push(pad);
  return codewords;
}

// ---- Reed–Solomon over GF(256), primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 ----

const EXP = new Array<number>(512);
const LOG = new Array<number>(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

/** α^i */
export function gfExp(i: number): number {
  return EXP[((i % 255) + 255) % 255]!;
}

/** Coefficients of (x − α^0)(x − α^1)…(x − α^(degree−1)), highest power first, leading 1 omitted. */
function generator(degree: number): number[] {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] = next[j]! ^ poly[j]!;
      next[j + 1] = next[j + 1]! ^ gfMul(poly[j]!, gfExp(i));
    }
    poly = next;
  }
  return poly.slice(1);
}

/** The error correction codewords of one block: the remainder of data·x^n divided by the generator. */
export function reedSolomon(data: number[], ecCount: number): number[] {
  const gen = generator(ecCount);
  const remainder = new Array<number>(ecCount).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift()!;
    remainder.push(0);
    for (let i = 0; i < ecCount; i++) remainder[i] = remainder[i]! ^ gfMul(gen[i]!, factor);
  }
  return remainder;
}

/** Data and EC codewords of every block, interleaved as they are placed in the symbol. */
export function interleave(data: number[], version: number): number[] {
  const { dataPerBlock, blocks, ecPerBlock } = BLOCKS_M[version]!;
  const dataBlocks = Array.from({ length: blocks }, (_, b) => data.slice(b * dataPerBlock, (b + 1) * dataPerBlock));
  const ecBlocks = dataBlocks.map((block) => reedSolomon(block, ecPerBlock));
  const out: number[] = [];
  for (let i = 0; i < dataPerBlock; i++) for (const block of dataBlocks) out.push(block[i]!);
  for (let i = 0; i < ecPerBlock; i++) for (const block of ecBlocks) out.push(block[i]!);
  return out;
}

// ---- the matrix ----

/** The 15 format bits (level M, mask) with their BCH(15,5) code, XORed with 101010000010010. */
export function formatBits(mask: number): number {
  const data = (EC_LEVEL_M_BITS << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

const MASKS: Array<(row: number, col: number) => boolean> = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

export function maskApplies(mask: number, row: number, col: number): boolean {
  return MASKS[mask]!(row, col);
}

class Matrix {
  readonly size: number;
  readonly dark: boolean[][];
  readonly reserved: boolean[][];

  constructor(readonly version: number) {
    this.size = 17 + 4 * version;
    this.dark = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.reserved = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.drawFunctionPatterns();
  }

  set(row: number, col: number, dark: boolean): void {
    this.dark[row]![col] = dark;
    this.reserved[row]![col] = true;
  }

  private drawFinder(top: number, left: number): void {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const r = top + dr;
        const c = left + dc;
        if (r < 0 || c < 0 || r >= this.size || c >= this.size) continue;
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        this.set(r, c, ring !== 2 && ring !== 4); // 3×3 core, light ring, dark ring, light separator
      }
    }
  }

  private drawFunctionPatterns(): void {
    const { size, version } = this;
    this.drawFinder(0, 0);
    this.drawFinder(0, size - 7);
    this.drawFinder(size - 7, 0);
    for (let i = 8; i < size - 8; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    if (version >= 2) {
      // Versions 2–6 have one alignment pattern, centred at (4v+10, 4v+10).
      const centre = 4 * version + 10;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) this.set(centre + dr, centre + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
    this.drawFormat(0); // reserves the format areas; drawn again with the chosen mask
  }

  drawFormat(mask: number): void {
    const bits = formatBits(mask);
    const bit = (i: number) => ((bits >>> i) & 1) === 1;
    const { size } = this;
    // around the top-left finder
    for (let i = 0; i <= 5; i++) this.set(i, 8, bit(i));
    this.set(7, 8, bit(6));
    this.set(8, 8, bit(7));
    this.set(8, 7, bit(8));
    for (let i = 9; i < 15; i++) this.set(8, 14 - i, bit(i));
    // split between the other two finders
    for (let i = 0; i < 8; i++) this.set(8, size - 1 - i, bit(i));
    for (let i = 8; i < 15; i++) this.set(size - 15 + i, 8, bit(i));
    this.set(size - 8, 8, true); // the dark module
  }

  placeData(codewords: number[]): void {
    const { size } = this;
    let i = 0;
    const total = codewords.length * 8;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5; // skip the vertical timing pattern
      const upward = ((right + 1) & 2) === 0;
      for (let step = 0; step < size; step++) {
        const row = upward ? size - 1 - step : step;
        for (let j = 0; j < 2; j++) {
          const col = right - j;
          if (this.reserved[row]![col]) continue;
          // Remainder bits past the last codeword stay light (before masking).
          this.dark[row]![col] = i < total && ((codewords[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  masked(mask: number): boolean[][] {
    return this.dark.map((line, row) => line.map((dark, col) => (this.reserved[row]![col] ? dark : dark !== maskApplies(mask, row, col))));
  }
}

/** The penalty of ISO/IEC 18004 §7.8.3: the mask with the lowest one is used. */
export function penalty(modules: boolean[][]): number {
  const size = modules.length;
  let score = 0;
  const lines: boolean[][] = [];
  for (let i = 0; i < size; i++) {
    lines.push(modules[i]!);
    lines.push(modules.map((row) => row[i]!));
  }
  const finderLike = [true, false, true, true, true, false, true];
  for (const line of lines) {
    // N1: runs of five or more of one colour
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) run++;
      else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    // N3: 1:1:3:1:1 with four light modules on one side (outside the symbol counts as light)
    for (let i = 0; i + 7 <= size; i++) {
      if (!finderLike.every((v, k) => line[i + k] === v)) continue;
      const lightBefore = [1, 2, 3, 4].every((k) => i - k < 0 || !line[i - k]);
      const lightAfter = [0, 1, 2, 3].every((k) => i + 7 + k >= size || !line[i + 7 + k]);
      if (lightBefore || lightAfter) score += 40;
    }
  }
  // N2: 2×2 blocks of one colour
  for (let r = 0; r + 1 < size; r++) {
    for (let c = 0; c + 1 < size; c++) {
      const v = modules[r]![c];
      if (modules[r]![c + 1] === v && modules[r + 1]![c] === v && modules[r + 1]![c + 1] === v) score += 3;
    }
  }
  // N4: balance of dark and light
  const dark = modules.reduce((n, row) => n + row.filter(Boolean).length, 0);
  score += 10 * Math.floor(Math.abs((dark * 100) / (size * size) - 50) / 5);
  return score;
}

/** The smallest version (1–6) that holds the text at level M, or null when none does. */
export function versionFor(text: string, mode: QrMode = modeFor(text)): number | null {
  const bits = segmentBits(text, mode).bits.length;
  for (let version = 1; version <= QR_MAX_VERSION; version++) if (bits <= dataCodewords(version) * 8) return version;
  return null;
}

export interface QrOptions {
  /** Use this mask (0–7) instead of the one with the lowest penalty. */
  mask?: number;
  /** At least this version. */
  minVersion?: number;
}

/** Encodes `text` at error correction level M. Throws a RangeError when it does not fit version 6. */
export function encodeQr(text: string, options: QrOptions = {}): QrCode {
  const mode = modeFor(text);
  const smallest = versionFor(text, mode);
  if (smallest === null) throw new RangeError(`"${text.slice(0, 20)}…" is too long for a version ${QR_MAX_VERSION} QR code`);
  const version = Math.max(smallest, options.minVersion ?? 1);
  const matrix = new Matrix(version);
  matrix.placeData(interleave(encodeData(text, mode, version), version));

  const candidates = options.mask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [options.mask];
  let best: { mask: number; modules: boolean[][]; score: number } | null = null;
  for (const mask of candidates) {
    matrix.drawFormat(mask);
    const modules = matrix.masked(mask);
    const score = penalty(modules);
    if (!best || score < best.score) best = { mask, modules, score };
  }
  return { version, size: matrix.size, mask: best!.mask, mode, modules: best!.modules };
}
