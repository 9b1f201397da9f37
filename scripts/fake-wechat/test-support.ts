/** Helpers for the fake's own tests: a movable clock, fetch wrappers and a strict PNG reader. */
import * as zlib from 'node:zlib';
import { DEFAULT_DEV_APP } from './options';
import type { FakeWechat } from './types';

export const APP_ID = DEFAULT_DEV_APP.appId;
export const APP_SECRET = DEFAULT_DEV_APP.secret;

/** Starts at a fixed instant; tests move it forward. */
export function manualClock(startIso = '2025-03-01T08:00:00.000Z'): { now: () => number; advance: (seconds: number) => void } {
  let current = Date.parse(startIso);
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

export type Json = Record<string, unknown> & { errcode: number; errmsg: string };

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Json;
}

async function toJson(response: Response): Promise<JsonResponse> {
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

export async function postJson(url: string, body: unknown): Promise<JsonResponse> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return toJson(await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text }));
}

export async function getJson(url: string): Promise<JsonResponse> {
  return toJson(await fetch(url));
}

export async function fetchAccessToken(fake: FakeWechat, appId = APP_ID, secret = APP_SECRET): Promise<string> {
  const { body } = await postJson(`${fake.url}/cgi-bin/stable_token`, {
    grant_type: 'client_credential',
    appid: appId,
    secret,
  });
  if (typeof body.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

export function jscode2sessionUrl(fake: FakeWechat, code: string, appId = APP_ID, secret = APP_SECRET): string {
  const query = new URLSearchParams({ appid: appId, secret, js_code: code, grant_type: 'authorization_code' });
  return `${fake.url}/sns/jscode2session?${query.toString()}`;
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunkTypes: string[];
  /** Gray level per pixel, row by row (8-bit grayscale, filter type 0 only). */
  pixels: Buffer;
}

/** A strict little PNG reader for what the fake produces: checks signature, chunk CRCs and rows. */
export function decodeGrayscalePng(bytes: Buffer): DecodedPng {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('bad PNG signature');
  const chunkTypes: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc !== zlib.crc32(bytes.subarray(offset + 4, offset + 8 + length))) throw new Error(`bad CRC in ${type}`);
    chunkTypes.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (!header) throw new Error('no IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length !== height * (width + 1)) throw new Error('unexpected image data length');
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y += 1) {
    if (raw[y * (width + 1)] !== 0) throw new Error('unexpected filter type');
    raw.copy(pixels, y * width, y * (width + 1) + 1, (y + 1) * (width + 1));
  }
  return { width, height, bitDepth: header.readUInt8(8), colorType: header.readUInt8(9), chunkTypes, pixels };
}
