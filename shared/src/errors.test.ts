import { ERROR_CODES, ERRORS, httpStatusOf, isErrorCode } from './errors';

describe('error codes', () => {
  it('gives every code a client or server HTTP status and a message', () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
      expect(httpStatusOf(code)).toBeLessThan(600);
      expect(ERRORS[code].message.length).toBeGreaterThan(0);
    }
  });

  it('only 5xx for failures on our side', () => {
    const serverSide = ERROR_CODES.filter((code) => httpStatusOf(code) >= 500).sort();
    expect(serverSide).toEqual(['INTERNAL', 'NOT_READY', 'WECHAT_UNAVAILABLE']);
  });

  it('recognizes its own codes only', () => {
    expect(isErrorCode('PHONE_ALREADY_BOUND')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
