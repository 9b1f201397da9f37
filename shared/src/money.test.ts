import { fenToYuan, formatFen, roundRatio, yuanToFen } from './money';

describe('money in fen', () => {
  it('parses yuan strings exactly', () => {
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('-3.10')).toBe(-310);
    // 0.1 + 0.2 style float errors never reach fen
    expect(yuanToFen('19.99') + yuanToFen('0.01')).toBe(2000);
  });

  it('rejects amounts that are not yuan with at most two decimals', () => {
    for (const bad of ['', 'abc', '1.234', '1,00', '1e3', '.5']) expect(() => yuanToFen(bad)).toThrow(RangeError);
  });

  it('formats fen', () => {
    expect(fenToYuan(1250)).toBe('12.50');
    expect(fenToYuan(5)).toBe('0.05');
    expect(formatFen(123456)).toBe('¥1234.56');
    expect(formatFen(-99)).toBe('-¥0.99');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });

  it('rounds ratios half away from zero without floating point', () => {
    expect(roundRatio(5, 2)).toBe(3);
    expect(roundRatio(-5, 2)).toBe(-3);
    expect(roundRatio(4, 3)).toBe(1);
    expect(roundRatio(10, 4)).toBe(3);
    expect(roundRatio(9_999, 100)).toBe(100);
    // 10 points per ¥100 on ¥12.34 (1234 fen): 123.4/100*10 = 1.234 → 1
    expect(roundRatio(1234 * 10, 10000)).toBe(1);
    expect(() => roundRatio(1, 0)).toThrow(RangeError);
  });
});
