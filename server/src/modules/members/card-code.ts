import { createHmac, timingSafeEqual } from 'node:crypto';

/** A card code lives for one 30-second window; the one before still scans, for the seconds it takes to scan. */
export const CARD_WINDOW_SECONDS = 30;
const OTP_DIGITS = 6;

function otp(secret: string, window: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(window));
  const mac = createHmac('sha256', secret).update(counter).digest();
  // dynamic truncation as in RFC 4226
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** OTP_DIGITS).padStart(OTP_DIGITS, '0');
}

const windowOf = (at: Date) => Math.floor(at.getTime() / 1000 / CARD_WINDOW_SECONDS);

/** The numeric code on the member card: member number followed by a 6-digit one-time code, so it also works as a barcode. */
export function cardCodeFor(memberNo: number, secret: string, at: Date): { code: string; expiresAt: Date } {
  const window = windowOf(at);
  return { code: `${memberNo}${otp(secret, window)}`, expiresAt: new Date((window + 1) * CARD_WINDOW_SECONDS * 1000) };
}

/** Splits a scanned code into the member number and the one-time part; null when it cannot be a card code. */
export function parseCardCode(code: string): { memberNo: number; otp: string } | null {
  const digits = code.trim();
  if (!/^\d{7,20}$/.test(digits)) return null;
  const memberNo = Number(digits.slice(0, -OTP_DIGITS));
  if (!Number.isSafeInteger(memberNo) || memberNo <= 0) return null;
  return { memberNo, otp: digits.slice(-OTP_DIGITS) };
}

/** 'valid' for the current or previous window; 'expired' when it matches an older window of the last hour; else 'invalid'. */
export function checkCardOtp(secret: string, given: string, at: Date): 'valid' | 'expired' | 'invalid' {
  const window = windowOf(at);
  const matches = (w: number) => timingSafeEqual(Buffer.from(otp(secret, w)), Buffer.from(given.padStart(OTP_DIGITS, '0').slice(-OTP_DIGITS)));
  if (matches(window) || matches(window - 1)) return 'valid';
  for (let back = 2; back <= 3600 / CARD_WINDOW_SECONDS; back++) if (matches(window - back)) return 'expired';
  return 'invalid';
}
