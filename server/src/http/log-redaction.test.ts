import { redactUrl } from './log-redaction';

describe('log redaction', () => {
  it('hides phone numbers, openids, codes and tokens in logged URLs', () => {
    expect(redactUrl('/members?phone=13812345678&limit=5')).toBe('/members?phone=[redacted]&limit=5');
    expect(redactUrl('/x?limit=5&openid=oABC&access_token=t0k')).toBe('/x?limit=5&openid=[redacted]&access_token=[redacted]');
    expect(redactUrl('/members/me')).toBe('/members/me');
  });
});
