import { TextDecoder } from 'node:util';

/**
 * A QR decoder for the tests of src/lib/qr.ts, written from the standard without sharing code
 * with the encoder: it reads a clean module matrix (no image processing), checks both copies of
 * the format information against the 32 valid BCH words, removes the mask, reads the codewords
 * in placement order, de-interleaves the blocks, checks that every block is a Reed–Solomon code
 * word (all syndromes zero), and parses numeric, alphanumeric and byte segments.
 */

export interface DecodedQr {
  version: number;
  level: 'L' | 'M' | 'Q' | 'H';
  mask: number;
  text: string;
  /** Data codewords, in order, before parsing. */
  data: number[];
}

/** Level M block table from ISO/IEC 18004 Table 9 (versions 1–6): [blocks, data codewords per block, EC per block]. */
const LEVEL_M: Record<number, [number, number, number]> = {
  1: [1, 16, 10],
  2: [1, 28, 16],
  3: [1, 44, 26],
  4: [2, 32, 18],
  5: [2, 43, 24],
  6: [4, 27, 16],
};

// GF(256) arithmetic, built independently of the encoder's.
const exp: number[] = [];
const log: number[] = [];
for (let i = 0, x = 1; i < 255; i++) {
  exp[i] = x;
  log[x] = i;
  x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1;
}
const mul = (a: number, b: number) => (a && b ? exp[(log[a]! + log[b]!) % 255]! : 0);

/** The valid 15-bit format words, by (level bits << 3 | mask). */
function formatWord(value: number): number {
  // BCH(15,5) by polynomial long division with g(x) = x^10 + x^8 + x^5 + x^4 + x^2 + x + 1
  let v = value << 10;
  for (let bit = 14; bit >= 10; bit--) if ((v >> bit) & 1) v ^= 0b10100110111 << (bit - 10);
  return ((value << 10) | v) ^ 0b101010000010010;
}

function readFormat(m: boolean[][]): { level: DecodedQr['level']; mask: number } {
  const size = m.length;
  const bit = (r: number, c: number) => (m[r]![c] ? 1 : 0);
  // Copy 1: bits 0–7 down column 8 (skipping the timing row), bits 8–14 along row 8 leftwards.
  const rows1 = [0, 1, 2, 3, 4, 5, 7, 8];
  let copy1 = 0;
  rows1.forEach((r, i) => (copy1 |= bit(r, 8) << i));
  const cols1 = [7, 5, 4, 3, 2, 1, 0];
  cols1.forEach((c, i) => (copy1 |= bit(8, c) << (8 + i)));
  // Copy 2: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at the bottom.
  let copy2 = 0;
  for (let i = 0; i < 8; i++) copy2 |= bit(8, size - 1 - i) << i;
  for (let i = 8; i < 15; i++) copy2 |= bit(size - 15 + i, 8) << i;
  if (copy1 !== copy2) throw new Error(`format copies differ: ${copy1.toString(2)} vs ${copy2.toString(2)}`);
  for (let value = 0; value < 32; value++) {
    if (formatWord(value) === copy1) {
      const level = (['M', 'L', 'H', 'Q'] as const)[value >> 3]!;
      return { level, mask: value & 7 };
    }
  }
  throw new Error(`no valid format word: ${copy1.toString(2)}`);
}

function isFunctionModule(version: number, r: number, c: number): boolean {
  const size = 17 + 4 * version;
  const inFinderArea = (r0: number, c0: number) => r >= r0 && r < r0 + 9 && c >= c0 && c < c0 + 9;
  // finders with separators and the format areas next to them
  if (inFinderArea(0, 0) || inFinderArea(0, size - 8) || inFinderArea(size - 8, 0)) return true;
  if (r === 6 || c === 6) return true; // timing patterns
  if (version >= 2) {
    const centre = size - 7;
    if (Math.abs(r - centre) <= 2 && Math.abs(c - centre) <= 2) return true;
  }
  return false;
}

const MASK_RULES: Array<(i: number, j: number) => boolean> = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

function readCodewords(m: boolean[][], version: number, mask: number): number[] {
  const size = m.length;
  const bits: number[] = [];
  let upward = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < size; k++) {
      const r = upward ? size - 1 - k : k;
      for (const c of [col, col - 1]) {
        if (isFunctionModule(version, r, c)) continue;
        bits.push((m[r]![c] ? 1 : 0) ^ (MASK_RULES[mask]!(r, c) ? 1 : 0));
      }
    }
    upward = !upward;
  }
  const words: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) words.push(parseInt(bits.slice(i, i + 8).join(''), 2));
  return words;
}

function checkReedSolomon(block: number[], ecCount: number): void {
  // A code word c(x) is divisible by g(x) = Π(x − α^i), i < ecCount: c(α^i) = 0 for each i.
  for (let i = 0; i < ecCount; i++) {
    let s = 0;
    for (const coefficient of block) s = mul(s, exp[i]!) ^ coefficient;
    if (s !== 0) throw new Error(`syndrome ${i} is ${s}: the block is not a Reed–Solomon code word`);
  }
}

function parse(data: number[]): string {
  const bits = data.flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> (7 - i)) & 1));
  let at = 0;
  const take = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | (bits[at++] ?? 0);
    return v;
  };
  const alnum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  let text = '';
  while (at + 4 <= bits.length) {
    const mode = take(4);
    if (mode === 0) break;
    if (mode === 1) {
      let count = take(10);
      while (count >= 3) (text += String(take(10)).padStart(3, '0')), (count -= 3);
      if (count === 2) text += String(take(7)).padStart(2, '0');
      if (count === 1) text += String(take(4));
    } else if (mode === 2) {
      let count = take(9);
      while (count >= 2) {
        const v = take(11);
        text += alnum[Math.floor(v / 45)]! + alnum[v % 45]!;
        count -= 2;
      }
      if (count === 1) text += alnum[take(6)]!;
    } else if (mode === 4) {
      const count = take(8);
      const bytes = Array.from({ length: count }, () => take(8));
      text += new TextDecoder().decode(new Uint8Array(bytes));
    } else {
      throw new Error(`unsupported mode ${mode}`);
    }
  }
  return text;
}

export function decodeQr(modules: boolean[][]): DecodedQr {
  const size = modules.length;
  const version = (size - 17) / 4;
  if (!Number.isInteger(version) || !LEVEL_M[version]) throw new Error(`unsupported size ${size}`);
  const { level, mask } = readFormat(modules);
  if (level !== 'M') throw new Error(`level ${level} is not handled`);
  const [blocks, dataPerBlock, ecPerBlock] = LEVEL_M[version]!;
  const words = readCodewords(modules, version, mask);
  const total = blocks * (dataPerBlock + ecPerBlock);
  const codewords = words.slice(0, total);
  const perBlock: number[][] = Array.from({ length: blocks }, () => []);
  let k = 0;
  for (let i = 0; i < dataPerBlock; i++) for (let b = 0; b < blocks; b++) perBlock[b]!.push(codewords[k++]!);
  for (let i = 0; i < ecPerBlock; i++) for (let b = 0; b < blocks; b++) perBlock[b]!.push(codewords[k++]!);
  perBlock.forEach((block) => checkReedSolomon(block, ecPerBlock));
  const data = perBlock.flatMap((block) => block.slice(0, dataPerBlock));
  return { version, level, mask, text: parse(data), data };
}
