#!/usr/bin/env node
// Draws the tab-bar icons (81×81 RGBA PNG, WeChat's recommended size) into src/assets/tab/:
// simple shapes, anti-aliased by 4×4 supersampling, written by a tiny PNG encoder on node:zlib.
// Run it again after changing a shape: `node scripts/make-tab-icons.mjs`.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 81;
const SAMPLES = 4;
const COLORS = { normal: [138, 138, 148], active: [184, 134, 43] };
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets', 'tab');

// ---- PNG ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- shapes on a 0..81 canvas ----
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return dx * dx + dy * dy <= r * r;
};
const polygon = (points) => (x, y) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));
const inset = (x0, y0, x1, y1, r, w) => minus(roundRect(x0, y0, x1, y1, r), roundRect(x0 + w, y0 + w, x1 - w, y1 - w, Math.max(r - w, 0)));
const ring = (cx, cy, r, w) => minus(circle(cx, cy, r), circle(cx, cy, r - w));
const star = (cx, cy, outer, inner) =>
  polygon(Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  }));

const STROKE = 6;
const ICONS = {
  // 会员卡: a card with a magnetic stripe
  card: union(inset(8, 18, 73, 63, 9, STROKE), roundRect(8, 29, 73, 37, 0), roundRect(18, 46, 38, 52, 3)),
  // 积分: a coin with a star
  points: union(ring(40.5, 40.5, 32, STROKE), star(40.5, 42, 17, 7.5)),
  // 商城: a shopping bag with its handle
  mall: union(inset(12, 28, 69, 72, 7, STROKE), minus(ring(40.5, 28, 15, STROKE), (x, y) => y > 28)),
  // 我的: head and shoulders
  profile: union(ring(40.5, 26, 14, STROKE), minus(minus(circle(40.5, 78, 30), circle(40.5, 78, 30 - STROKE)), (x, y) => y > 72)),
};

function render(shape, [r, g, b]) {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (shape(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)) hits++;
        }
      }
      const at = (py * SIZE + px) * 4;
      rgba[at] = r;
      rgba[at + 1] = g;
      rgba[at + 2] = b;
      rgba[at + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
  return encodePng(SIZE, SIZE, rgba);
}

mkdirSync(outDir, { recursive: true });
for (const [name, shape] of Object.entries(ICONS)) {
  writeFileSync(path.join(outDir, `${name}.png`), render(shape, COLORS.normal));
  writeFileSync(path.join(outDir, `${name}-active.png`), render(shape, COLORS.active));
}
console.log(`wrote ${Object.keys(ICONS).length * 2} icons to ${path.relative(process.cwd(), outDir)}`);
