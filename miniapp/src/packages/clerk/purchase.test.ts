import { buildPurchase, normalizeCardCode, normalizeCouponCode, parsePhone, parsePickupCode, parseYuan, type ItemDraft } from './purchase';

const target = { memberId: 'mbr_1', storeId: 'sto_1' };
const item = (patch: Partial<ItemDraft>): ItemDraft => ({ sku: 'SKU-1', name: '', quantity: '1', unitPrice: '10', ...patch });

describe('parseYuan', () => {
  it('turns yuan into fen exactly, with no floating point', () => {
    expect(parseYuan('128')).toBe(12_800);
    expect(parseYuan('128.5')).toBe(12_850);
    expect(parseYuan(' ¥0.07 ')).toBe(7);
    expect(parseYuan('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999999999998 in floating point
    expect(parseYuan('1.005')).toBeNull();
    expect(parseYuan('-3')).toBeNull();
    expect(parseYuan('')).toBeNull();
    expect(parseYuan('12,5')).toBeNull();
  });
});

describe('buildPurchase', () => {
  it('builds the body from the amount', () => {
    expect(buildPurchase({ amount: '128.50', items: [], couponCodes: [] }, target)).toEqual({
      ok: true,
      value: { memberId: 'mbr_1', storeId: 'sto_1', amountFen: 12_850 },
    });
  });

  it('adds items that add up, skipping blank rows, and takes their total when no amount is typed', () => {
    const drafts = [item({ sku: 'A', quantity: '2', unitPrice: '19.99', name: '护手霜' }), item({ sku: '', quantity: '', unitPrice: '' }), item({ sku: 'B', quantity: '', unitPrice: '0.02' })];
    const built = buildPurchase({ amount: '', items: drafts, couponCodes: [] }, target);
    expect(built).toEqual({
      ok: true,
      value: {
        memberId: 'mbr_1',
        storeId: 'sto_1',
        amountFen: 4000,
        items: [
          { sku: 'A', name: '护手霜', quantity: 2, unitPriceFen: 1999 },
          { sku: 'B', quantity: 1, unitPriceFen: 2 },
        ],
      },
    });
  });

  it('refuses items that do not add up to the amount', () => {
    expect(buildPurchase({ amount: '100', items: [item({ unitPrice: '90' })], couponCodes: [] }, target)).toEqual({
      ok: false,
      error: '商品合计 ¥90.00 与消费金额 ¥100.00 不一致',
    });
  });

  it('explains bad input', () => {
    expect(buildPurchase({ amount: '', items: [], couponCodes: [] }, target)).toEqual({ ok: false, error: '请输入消费金额' });
    expect(buildPurchase({ amount: 'abc', items: [], couponCodes: [] }, target)).toMatchObject({ ok: false, error: expect.stringContaining('消费金额') });
    expect(buildPurchase({ amount: '0', items: [], couponCodes: [] }, target)).toEqual({ ok: false, error: '消费金额须大于 0' });
    expect(buildPurchase({ amount: '10000001', items: [], couponCodes: [] }, target)).toEqual({ ok: false, error: '消费金额过大，请核对' });
    expect(buildPurchase({ amount: '', items: [item({ sku: '' })], couponCodes: [] }, target)).toEqual({ ok: false, error: '第 1 件商品：请填写商品编码' });
    expect(buildPurchase({ amount: '', items: [item({ quantity: '1.5' })], couponCodes: [] }, target)).toMatchObject({ ok: false, error: expect.stringContaining('数量') });
    expect(buildPurchase({ amount: '', items: [item({ unitPrice: 'x' })], couponCodes: [] }, target)).toMatchObject({ ok: false, error: expect.stringContaining('单价') });
  });

  it('normalises and de-duplicates coupon codes, at most five', () => {
    const built = buildPurchase({ amount: '300', items: [], couponCodes: ['k7q2-abcd efgh jkmn', 'K7Q2ABCDEFGHJKMN', ' '] }, target);
    expect(built).toMatchObject({ ok: true, value: { couponCodes: ['K7Q2ABCDEFGHJKMN'] } });
    const six = ['A', 'B', 'C', 'D', 'E', 'F'];
    expect(buildPurchase({ amount: '300', items: [], couponCodes: six }, target)).toEqual({ ok: false, error: '一笔消费最多使用 5 张优惠券' });
  });

  it('leaves the store out when none is chosen (a clerk of one store)', () => {
    expect(buildPurchase({ amount: '1', items: [], couponCodes: [] }, { memberId: 'mbr_1' })).toEqual({ ok: true, value: { memberId: 'mbr_1', amountFen: 100 } });
  });
});

describe('codes and phones', () => {
  it('normalises what is scanned or typed', () => {
    expect(normalizeCardCode('1000 0001 1234 56')).toBe('10000001123456');
    expect(normalizeCouponCode('k7q2-abcd')).toBe('K7Q2ABCD');
    expect(parsePhone('+86 138-1234-1234')).toEqual({ ok: true, value: '13812341234' });
    expect(parsePhone('12345')).toEqual({ ok: false, error: '请输入正确的 11 位手机号' });
    expect(parsePickupCode('4000 0012')).toEqual({ ok: true, value: '40000012' });
    expect(parsePickupCode('4000')).toEqual({ ok: false, error: '提货码为 8 位数字' });
  });
});
