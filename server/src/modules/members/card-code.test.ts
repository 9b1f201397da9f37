import { cardCodeFor, checkCardOtp, parseCardCode } from './card-code';

const SECRET = 'a'.repeat(64);
const at = new Date('2026-11-24T08:00:05Z');

describe('member card code', () => {
  it('is numeric: member number then six digits, expiring at the end of the 30-second window', () => {
    const { code, expiresAt } = cardCodeFor(10000042, SECRET, at);
    expect(code).toMatch(/^10000042\d{6}$/);
    expect(expiresAt.toISOString()).toBe('2026-11-24T08:00:30.000Z');
    expect(parseCardCode(code)).toEqual({ memberNo: 10000042, otp: code.slice(-6) });
  });

  it('scans during its window and the next, then is refused as expired', () => {
    const { code } = cardCodeFor(10000042, SECRET, at);
    const otp = code.slice(-6);
    expect(checkCardOtp(SECRET, otp, at)).toBe('valid');
    expect(checkCardOtp(SECRET, otp, new Date('2026-11-24T08:00:50Z'))).toBe('valid');
    expect(checkCardOtp(SECRET, otp, new Date('2026-11-24T08:01:01Z'))).toBe('expired');
    expect(checkCardOtp(SECRET, otp, new Date('2026-11-24T09:30:00Z'))).toBe('invalid');
  });

  it('differs per member secret and per window', () => {
    const a = cardCodeFor(1, SECRET, at).code;
    expect(cardCodeFor(1, 'b'.repeat(64), at).code).not.toBe(a);
    expect(cardCodeFor(1, SECRET, new Date(at.getTime() + 30_000)).code).not.toBe(a);
    expect(checkCardOtp('b'.repeat(64), a.slice(-6), at)).toBe('invalid');
  });

  it('rejects what cannot be a card code', () => {
    for (const bad of ['', 'abc', '123456', '12345678901234567890123', '1000004212345x']) expect(parseCardCode(bad)).toBeNull();
  });
});
