import type { ClaimableCoupon } from '@memberloop/shared';
import { TEMPLATES } from '../../test/fixtures';
import { claimAction, couponFace, discountLabel, shortYuan, storesText, templateValidityText, thresholdText, validityText } from './coupons';

describe('money and discounts', () => {
  it('writes yuan without trailing zeros', () => {
    expect(shortYuan(20_000)).toBe('200');
    expect(shortYuan(19_950)).toBe('199.5');
    expect(shortYuan(1)).toBe('0.01');
    expect(shortYuan(0)).toBe('0');
  });

  it('turns percent off into 折', () => {
    expect(discountLabel(20)).toBe('8折');
    expect(discountLabel(15)).toBe('8.5折');
    expect(discountLabel(5)).toBe('9.5折');
    expect(discountLabel(50)).toBe('5折');
  });

  it('states the threshold', () => {
    expect(thresholdText(0)).toBe('无门槛');
    expect(thresholdText(20_000)).toBe('满200元可用');
  });
});

describe('couponFace', () => {
  it('shows cash off, percent off and gifts', () => {
    expect(couponFace(TEMPLATES.cash20)).toEqual({ value: '¥20', condition: '满200元可用' });
    expect(couponFace(TEMPLATES.off20)).toEqual({ value: '8折', condition: '无门槛，最多减50元' });
    expect(couponFace(TEMPLATES.gift)).toEqual({ value: '赠品', condition: '凭券领取香氛小样' });
  });
});

describe('validity', () => {
  it('ends on the day before an exclusive midnight end, in China time', () => {
    expect(validityText({ validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2026-12-31T16:00:00.000Z' })).toBe('2026-11-01 至 2026-12-31');
    expect(validityText({ validFrom: '2026-10-31T16:00:00.000Z', validUntil: '2026-12-31T15:59:59.000Z' })).toBe('2026-11-01 至 2026-12-31');
  });

  it('describes a template before it is taken', () => {
    expect(templateValidityText(TEMPLATES.cash20)).toBe('领取后 30 天内有效');
    expect(templateValidityText({ ...TEMPLATES.cash20, validityMode: 'fixed', validDays: null, validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2026-12-01T00:00:00.000Z' })).toBe(
      '2026-11-01 至 2026-12-01',
    );
    expect(storesText(TEMPLATES.cash20)).toBe('全部门店可用');
    expect(storesText({ ...TEMPLATES.cash20, storeIds: ['sto_1'] })).toBe('指定门店可用');
  });
});

describe('claimAction', () => {
  const entry = (patch: Partial<ClaimableCoupon>): ClaimableCoupon => ({
    template: TEMPLATES.free10,
    perMemberLimit: 1,
    remainingQuantity: 10,
    claimedByMe: 0,
    canClaim: true,
    reason: null,
    ...patch,
  });

  it('claims free coupons and exchanges priced ones', () => {
    expect(claimAction(entry({}))).toEqual({ kind: 'claim', label: '立即领取' });
    expect(claimAction(entry({ template: TEMPLATES.points30 }))).toEqual({ kind: 'exchange', label: '300积分兑换', points: 300 });
  });

  it('says why a coupon cannot be taken', () => {
    expect(claimAction(entry({ canClaim: false, reason: 'COUPON_OUT_OF_STOCK' })).label).toBe('已领完');
    expect(claimAction(entry({ canClaim: false, reason: 'COUPON_LIMIT_REACHED' })).label).toBe('已领取');
    expect(claimAction(entry({ canClaim: false, reason: null })).label).toBe('暂不可领');
  });
});
