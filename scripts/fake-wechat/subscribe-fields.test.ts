import { FieldKind, fieldKindOf, isValidFieldValue } from './subscribe-fields';

describe('fieldKindOf', () => {
  it.each([
    ['thing1', 'thing'],
    ['amount12', 'amount'],
    ['character_string3', 'character_string'],
    ['phone_number4', 'phone_number'],
    ['short_thing5', 'short_thing'],
  ])('%s is a %s', (key, kind) => {
    expect(fieldKindOf(key)).toBe(kind);
  });

  it.each(['thing', 'color1', '1thing', 'Thing1'])('%s has no known type', (key) => {
    expect(fieldKindOf(key)).toBeUndefined();
  });
});

describe('isValidFieldValue', () => {
  const cases: Array<[FieldKind, string[], string[]]> = [
    ['thing', ['满100减20券', 'a'.repeat(20), '会员日 · 双倍积分'], ['', '   ', 'a'.repeat(21)]],
    ['short_thing', ['已完成', 'abcde'], ['abcdef']],
    ['number', ['0', '1200', '3.14', '9'.repeat(32)], ['-1', '1,200', '1e3', '9'.repeat(33), '12a']],
    ['letter', ['VIP', 'a'.repeat(32)], ['V1P', 'a'.repeat(33), 'a b']],
    ['symbol', ['+', '※→'], ['a', '++++++']],
    ['character_string', ['ORD-2025-0001', 'x'.repeat(32)], ['x'.repeat(33), '订单1', 'a b']],
    ['amount', ['20', '¥20.00', '￥0.5', '$9999999999.99', '20元', '¥20.5元', 'CNY100'], ['20.001', '¥12345678901', '-5', '二十元', '¥ 20']],
    ['phone_number', ['13800138000', '+86 138-0013-8000', '(020) 8888 8888'], ['1'.repeat(18), 'call me', '+-()']],
    ['car_number', ['粤B12345', '京A0000警', 'AB12345'], ['粤B1234567', '粤-B123']],
    ['name', ['张三', '欧阳·娜娜', 'John Smith', 'a'.repeat(20)], ['张三Smith', '张'.repeat(11), 'a'.repeat(21), 'R2D2']],
    ['phrase', ['已到账', '五个汉字呀'], ['六个汉字不行', 'ok', '已 到账']],
    [
      'date',
      ['2025-03-01', '2025/3/1', '2025年3月1日', '2025-03-01 18:30', '2025-03-01~2025-03-31', '2024-02-29'],
      ['2025-02-29', '2025-13-01', 'tomorrow', '18:30', '2025-03-01 25:00', '2025-03-01~', '2025-03-01T18:30'],
    ],
    [
      'time',
      ['18:30', '09:05:59', '2025-03-01 18:30', '2025年3月1日 18:30~2025年3月1日 20:00', '10:00 ~ 12:00'],
      ['24:00', '18:60', '2025-03-01', 'noon', '18.30'],
    ],
  ];

  describe.each(cases)('%s', (kind, valid, invalid) => {
    it.each(valid)('accepts %p', (value) => expect(isValidFieldValue(kind, value)).toBe(true));
    it.each(invalid)('rejects %p', (value) => expect(isValidFieldValue(kind, value)).toBe(false));
  });
});
