import { decodeQr } from '../../test/qr-decode';
import { encodeData, encodeQr, formatBits, interleave, modeFor, penalty, reedSolomon, versionFor } from './qr';

const bin = (value: number, width: number) => value.toString(2).padStart(width, '0');

describe('data codewords', () => {
  it('match the worked example of ISO/IEC 18004 Annex I: "01234567" as 1-M', () => {
    const data = encodeData('01234567', 'numeric', 1);
    expect(data.map((b) => bin(b, 8))).toEqual([
      '00010000', '00100000', '00001100', '01010110', '01100001', '10000000',
      '11101100', '00010001', '11101100', '00010001', '11101100', '00010001',
      '11101100', '00010001', '11101100', '00010001',
    ]);
    expect(reedSolomon(data, 10)).toEqual([165, 36, 212, 193, 237, 54, 199, 135, 44, 85]);
  });

  it('encode alphanumeric pairs in 11 bits (the "AC-42" example of the standard)', () => {
    // 0010 | 000000101 | 00111001110 11100111001 000010 (A=10,C=12 → 462; -=41,4=4 → 1849; 2)
    const bits = encodeData('AC-42', 'alphanumeric', 1).map((b) => bin(b, 8)).join('');
    expect(bits.startsWith('0010' + '000000101' + '00111001110' + '11100111001' + '000010' + '0000')).toBe(true);
  });

  it('interleave the blocks of version 4-M (two blocks of 32 + 18)', () => {
    const data = Array.from({ length: 64 }, (_, i) => i);
    const all = interleave(data, 4);
    expect(all).toHaveLength(100);
    expect(all.slice(0, 6)).toEqual([0, 32, 1, 33, 2, 34]);
    expect(all.slice(64, 66)).toEqual([reedSolomon(data.slice(0, 32), 18)[0], reedSolomon(data.slice(32), 18)[0]]);
  });
});

describe('format information', () => {
  it('is the level M row of the standard’s table for every mask', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((mask) => bin(formatBits(mask), 15))).toEqual([
      '101010000010010',
      '101000100100101',
      '101111001111100',
      '101101101001011',
      '100010111111001',
      '100000011001110',
      '100111110010111',
      '100101010100000',
    ]);
  });
});

describe('modes and versions', () => {
  it('picks the most compact mode', () => {
    expect(modeFor('1000000112345')).toBe('numeric');
    expect(modeFor('K7Q2ABCDEFGHJKMN')).toBe('alphanumeric');
    expect(modeFor('会员')).toBe('byte');
    expect(modeFor('abc')).toBe('byte');
  });

  it('uses version 1 for card codes up to 20 digits, and grows with the text', () => {
    expect(versionFor('12345678901234567890')).toBe(1);
    expect(versionFor('K7Q2ABCDEFGHJKMN')).toBe(1);
    expect(versionFor('A'.repeat(26))).toBe(2);
    expect(versionFor('x'.repeat(62))).toBe(4);
    expect(versionFor('x'.repeat(106))).toBe(6);
    expect(versionFor('x'.repeat(107))).toBeNull();
    expect(() => encodeQr('x'.repeat(107))).toThrow(RangeError);
  });
});

describe('the symbol', () => {
  it('has the finder, timing and dark modules where the standard puts them (1-M)', () => {
    const { modules, size } = encodeQr('01234567', { mask: 0 });
    expect(size).toBe(21);
    const finder = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];
    const read = (top: number, left: number) =>
      Array.from({ length: 7 }, (_, r) => modules[top + r]!.slice(left, left + 7).map((d) => (d ? '1' : '0')).join(''));
    expect(read(0, 0)).toEqual(finder);
    expect(read(0, 14)).toEqual(finder);
    expect(read(14, 0)).toEqual(finder);
    // separators are light
    expect(modules[7]!.slice(0, 8).some(Boolean)).toBe(false);
    // timing patterns alternate, dark on even indexes
    expect(modules[6]!.slice(8, 13).map(Number)).toEqual([1, 0, 1, 0, 1]);
    expect(modules.slice(8, 13).map((row) => Number(row[6]))).toEqual([1, 0, 1, 0, 1]);
    // the dark module, at (4V + 9, 8)
    expect(modules[13]![8]).toBe(true);
    // format bits of M/mask 0 (101010000010010) read down column 8 from the top: bits 0–5
    expect([0, 1, 2, 3, 4, 5].map((r) => Number(modules[r]![8]))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('has the alignment pattern of version 2 and up', () => {
    const { modules, size, version } = encodeQr('A'.repeat(26));
    expect(version).toBe(2);
    const centre = size - 7;
    expect(modules[centre]![centre]).toBe(true);
    expect(modules[centre - 1]![centre]).toBe(false);
    expect(modules[centre - 2]![centre - 2]).toBe(true);
  });

  it.each([
    ['a card code', '1000000112345678'],
    ['a 20-digit code', '98765432109876543210'],
    ['a coupon code', 'K7Q2ABCDEFGHJKMN'],
    ['a pickup code', '40000012'],
    ['mixed case (byte mode)', 'memberloop:Coupon-01'],
    ['Chinese text (byte mode, UTF-8)', '会员卡 No.1'],
    ['version 4 (two blocks)', 'https://memberloop.example.cn/c/K7Q2ABCDEFGHJKMN?x=1'],
    ['version 6 (four blocks)', 'y'.repeat(100)],
  ])('round-trips %s through an independent decoder, with every mask', (_name, text) => {
    for (let mask = 0; mask < 8; mask++) {
      const qr = encodeQr(text, { mask });
      const decoded = decodeQr(qr.modules);
      expect(decoded).toMatchObject({ text, level: 'M', mask, version: qr.version });
    }
  });

  it('picks the mask with the lowest penalty', () => {
    const chosen = encodeQr('1000000112345678');
    const scores = [0, 1, 2, 3, 4, 5, 6, 7].map((mask) => penalty(encodeQr('1000000112345678', { mask }).modules));
    expect(penalty(chosen.modules)).toBe(Math.min(...scores));
  });

  it('decodes to the same data codewords the encoder produced', () => {
    expect(decodeQr(encodeQr('01234567').modules).data).toEqual(encodeData('01234567', 'numeric', 1));
  });
});
