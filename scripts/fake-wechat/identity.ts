/** Identifiers and secrets shaped like WeChat's: openids, unionids, tokens, codes, session keys. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function hashId(input: string): string {
  return 'o' + createHash('sha256').update(input).digest('base64url').slice(0, 27);
}

/** 28 chars starting with "o", stable for one person in one app. */
export function deriveOpenid(appId: string, userKey: string): string {
  return hashId(`openid\n${appId}\n${userKey}`);
}

/** 28 chars starting with "o", stable for one person across apps. */
export function deriveUnionid(userKey: string): string {
  return hashId(`unionid\n${userKey}`);
}

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** 128 URL-safe chars, like WeChat's long access tokens. */
export function randomAccessToken(): string {
  return randomBytes(96).toString('base64url');
}

/** 32 alphanumeric chars, like a wx.login js_code. */
export function randomLoginCode(): string {
  return randomAlphanumeric(32);
}

/** 64 hex chars, like the code from a getPhoneNumber button. */
export function randomPhoneCode(): string {
  return randomBytes(32).toString('hex');
}

/** Base64 of 16 random bytes. */
export function randomSessionKey(): string {
  return randomBytes(16).toString('base64');
}

export function randomUserKey(): string {
  return `anonymous:${randomBytes(12).toString('hex')}`;
}

/** Constant-time string comparison (compares digests so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
