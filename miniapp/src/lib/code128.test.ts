import { CODE128_PATTERNS, code128Checksum, encodeCode128Digits, START_C, STOP } from './code128';

/** Reads widths back into symbol values through the pattern table, as a scanner would. */
function decode(widths: number[]): { values: number[]; text: string } {
  const values: number[] = [];
  let at = 0;
  while (at < widths.length) {
    const remaining = widths.length - at;
    const take = remaining === 7 ? 7 : 6;
    const pattern = widths.slice(at, at + take).join('');
    const value = CODE128_PATTERNS.indexOf(pattern);
    if (value < 0) throw new Error(`no symbol ${pattern} at ${at}`);
    values.push(value);
    at += take;
  }
  if (values[0] !== START_C || values.at(-1) !== STOP) throw new Error('missing start C or stop');
  const body = values.slice(0, -2);
  const check = values.at(-2)!;
  if (code128Checksum(body) !== check) throw new Error('checksum mismatch');
  let text = '';
  let set: 'B' | 'C' = 'C';
  for (const value of body.slice(1)) {
    if (set === 'C' && value === 100) set = 'B';
    else if (set === 'C') text += String(value).padStart(2, '0');
    else text += String.fromCharCode(value + 32);
  }
  return { values, text };
}

describe('the Code 128 pattern table', () => {
  it('has 107 distinct patterns of 11 modules (13 for the stop), with an even number of bar modules', () => {
    expect(CODE128_PATTERNS).toHaveLength(107);
    expect(new Set(CODE128_PATTERNS).size).toBe(107);
    CODE128_PATTERNS.forEach((pattern, value) => {
      const widths = [...pattern].map(Number);
      expect(widths.every((w) => w >= 1 && w <= 4)).toBe(true);
      expect(widths.reduce((a, b) => a + b, 0)).toBe(value === STOP ? 13 : 11);
      const bars = widths.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
      expect(bars % 2).toBe(0);
    });
  });

  it('has the start and stop patterns of the standard', () => {
    expect(CODE128_PATTERNS[103]).toBe('211412');
    expect(CODE128_PATTERNS[104]).toBe('211214');
    expect(CODE128_PATTERNS[105]).toBe('211232');
    expect(CODE128_PATTERNS[106]).toBe('2331112');
  });
});

describe('encodeCode128Digits', () => {
  it('encodes "1234" as START C, 12, 34 and checksum 82 (105 + 12·1 + 34·2 = 185 ≡ 82)', () => {
    const code = encodeCode128Digits('1234');
    expect(code.values).toEqual([105, 12, 34]);
    expect(code.checksum).toBe(82);
    expect(code.widths.join('')).toBe(['211232', '112232', '131123', '121241', '2331112'].join(''));
    expect(code.modules).toBe(11 * 4 + 13);
  });

  it('keeps leading zeros', () => {
    expect(encodeCode128Digits('0001').values).toEqual([105, 0, 1]);
    expect(decode(encodeCode128Digits('0001').widths).text).toBe('0001');
  });

  it('puts an odd last digit in code set B', () => {
    const code = encodeCode128Digits('12345');
    expect(code.values).toEqual([105, 12, 34, 100, 21]);
    expect(code.checksum).toBe((105 + 12 + 34 * 2 + 100 * 3 + 21 * 4) % 103);
  });

  it.each(['10000001123456', '1000000112345', '98765432109876543210', '7'])('round-trips %s through the pattern table', (digits) => {
    const code = encodeCode128Digits(digits);
    expect(decode(code.widths).text).toBe(digits);
    expect(code.widths[0]).toBe(2); // every symbol starts with a bar
  });

  it('is compact enough to print a 14-digit card code at 2 px per module on a 375 px screen', () => {
    expect(encodeCode128Digits('10000001123456').modules + 20).toBeLessThanOrEqual(150);
  });

  it('refuses anything but digits', () => {
    expect(() => encodeCode128Digits('')).toThrow(RangeError);
    expect(() => encodeCode128Digits('12a4')).toThrow(RangeError);
  });
});
