/**
 * Stand-in for a mini-program code image: a 21x21-module pattern with three finder squares,
 * its data modules taken from a hash of what the code encodes, so each scene looks different.
 */
import { createHash } from 'node:crypto';
import { encodeGrayscalePng } from './png-encoder';

const MODULES = 21;
const QUIET_ZONE = 2;
const CELLS = MODULES + 2 * QUIET_ZONE;
const FINDER = 7;

export interface WxacodeContent {
  appId: string;
  scene: string;
  page: string;
  envVersion: string;
}

/** Inside a finder square or its one-module white border. */
function finderShade(row: number, col: number): boolean | undefined {
  const corners: Array<[number, number]> = [
    [0, 0],
    [0, MODULES - FINDER],
    [MODULES - FINDER, 0],
  ];
  for (const [top, left] of corners) {
    const r = row - top;
    const c = col - left;
    if (r >= -1 && r <= FINDER && c >= -1 && c <= FINDER) {
      if (r < 0 || c < 0 || r === FINDER || c === FINDER) return false; // separator
      const ring = Math.min(r, c, FINDER - 1 - r, FINDER - 1 - c);
      return ring !== 1; // dark outer ring, light ring, dark 3x3 core
    }
  }
  return undefined;
}

/** The dark/light modules, row by row. */
export function wxacodeModules(content: WxacodeContent): boolean[][] {
  const seed = `${content.appId}\n${content.scene}\n${content.page}\n${content.envVersion}`;
  const bits: number[] = [];
  for (let block = 0; bits.length < MODULES * MODULES; block += 1) {
    const digest = createHash('sha256').update(`${seed}\n${block}`).digest();
    for (const byte of digest) for (let bit = 7; bit >= 0; bit -= 1) bits.push((byte >> bit) & 1);
  }
  let next = 0;
  const modules: boolean[][] = [];
  for (let row = 0; row < MODULES; row += 1) {
    const line: boolean[] = [];
    for (let col = 0; col < MODULES; col += 1) line.push(finderShade(row, col) ?? bits[next++] === 1);
    modules.push(line);
  }
  return modules;
}

/** A square PNG `width` pixels wide. */
export function renderWxacode(content: WxacodeContent, width: number): Buffer {
  const modules = wxacodeModules(content);
  const cellOf = (pixel: number): number => Math.floor((pixel * CELLS) / width) - QUIET_ZONE;
  return encodeGrayscalePng(width, width, (x, y) => {
    const row = cellOf(y);
    const col = cellOf(x);
    const dark = modules[row]?.[col] ?? false;
    return dark ? 0 : 255;
  });
}
