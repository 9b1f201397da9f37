import { maskPhone, normalizeCnMobile } from './phone';

describe('phones', () => {
  it('normalizes mainland mobile numbers', () => {
    expect(normalizeCnMobile('13812341234')).toBe('13812341234');
    expect(normalizeCnMobile('+86 138-1234-1234')).toBe('13812341234');
    expect(normalizeCnMobile('008613812341234')).toBe('13812341234');
    expect(normalizeCnMobile('8613812341234')).toBe('13812341234');
  });

  it('rejects what is not a mainland mobile', () => {
    for (const bad of ['12812341234', '1381234123', '138123412345', '021-12345678', 'abcdefghijk', '']) {
      expect(normalizeCnMobile(bad)).toBeNull();
    }
  });

  it('masks the middle four digits', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('12')).toBe('12');
  });
});
