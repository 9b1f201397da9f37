import { COUPON_CODE_ALPHABET } from '@memberloop/shared';
import {
  couponDiscount,
  couponValidity,
  effectiveStatus,
  newCouponCode,
  normalizeCode,
  stateProblem,
  storeAllowed,
  templateProblems,
  type TemplateDraft,
} from '../src/modules/coupons/coupon-rules';

const at = new Date('2026-11-24T08:00:00Z');
const DAY = 86_400_000;
const offer = { valueFen: null, thresholdFen: 0, percentOff: null, capFen: null, giftSku: null, giftName: null };

describe('couponDiscount', () => {
  it('cash_off takes its value, never more than the gross', () => {
    expect(couponDiscount({ ...offer, kind: 'cash_off', valueFen: 2000 }, 10_000)).toBe(2000);
    expect(couponDiscount({ ...offer, kind: 'cash_off', valueFen: 2000 }, 1500)).toBe(1500);
    expect(couponDiscount({ ...offer, kind: 'cash_off', valueFen: 2000 }, 0)).toBe(0);
  });
  it('percent_off floors gross × percent / 100 and honours the cap', () => {
    expect(couponDiscount({ ...offer, kind: 'percent_off', percentOff: 15 }, 12_345)).toBe(1851);
    expect(couponDiscount({ ...offer, kind: 'percent_off', percentOff: 33 }, 1)).toBe(0);
    expect(couponDiscount({ ...offer, kind: 'percent_off', percentOff: 99 }, 1_000_000_000)).toBe(990_000_000);
    expect(couponDiscount({ ...offer, kind: 'percent_off', percentOff: 50, capFen: 3000 }, 100_000)).toBe(3000);
  });
  it('gift takes nothing off', () => {
    expect(couponDiscount({ ...offer, kind: 'gift', giftSku: 'A', giftName: 'B' }, 5000)).toBe(0);
  });
});

describe('couponValidity', () => {
  const fixed = { validityMode: 'fixed' as const, validFrom: new Date(at.getTime() + DAY), validUntil: new Date(at.getTime() + 5 * DAY), validDays: null };
  it('fixed: the template window, none once it has ended', () => {
    expect(couponValidity(fixed, at)).toEqual({ validFrom: fixed.validFrom, validUntil: fixed.validUntil });
    expect(couponValidity(fixed, fixed.validUntil)).toBeNull();
  });
  it('relative: validDays from issue, cut at validUntil', () => {
    expect(couponValidity({ validityMode: 'relative', validFrom: null, validUntil: null, validDays: 7 }, at)).toEqual({ validFrom: at, validUntil: new Date(at.getTime() + 7 * DAY) });
    const cap = new Date(at.getTime() + 2 * DAY);
    expect(couponValidity({ validityMode: 'relative', validFrom: null, validUntil: cap, validDays: 7 }, at)).toEqual({ validFrom: at, validUntil: cap });
    expect(couponValidity({ validityMode: 'relative', validFrom: null, validUntil: cap, validDays: 7 }, cap)).toBeNull();
  });
});

describe('templateProblems', () => {
  const draft = (over: Partial<TemplateDraft>): TemplateDraft => ({ ...offer, kind: 'cash_off', valueFen: 100, validityMode: 'relative', validFrom: null, validUntil: null, validDays: 3, ...over });
  it('accepts well-formed templates', () => {
    expect(templateProblems(draft({}), at)).toEqual([]);
    expect(templateProblems(draft({ kind: 'percent_off', valueFen: null, percentOff: 10, capFen: 500 }), at)).toEqual([]);
    expect(templateProblems(draft({ kind: 'gift', valueFen: null, giftSku: 'A', giftName: 'B', thresholdFen: 100 }), at)).toEqual([]);
    expect(templateProblems(draft({ validityMode: 'fixed', validDays: null, validFrom: at, validUntil: new Date(at.getTime() + DAY) }), at)).toEqual([]);
  });
  it('reports every problem at once', () => {
    const paths = templateProblems(draft({ kind: 'gift', valueFen: 5, percentOff: 3, validDays: null }), at).map((p) => p.path);
    expect(paths.sort()).toEqual(['body/giftName', 'body/giftSku', 'body/percentOff', 'body/validDays', 'body/valueFen']);
  });
  it('refuses invalid instants', () => {
    expect(templateProblems(draft({ validUntil: new Date('nope') }), at)).toEqual([{ path: 'body/validUntil', message: 'not a valid instant' }]);
  });
});

describe('codes and states', () => {
  it('draws 16 symbols of the unambiguous alphabet, different every time', () => {
    const codes = new Set(Array.from({ length: 10_000 }, newCouponCode));
    expect(codes.size).toBe(10_000);
    for (const code of [...codes].slice(0, 100)) {
      expect(code).toHaveLength(16);
      for (const ch of code) expect(COUPON_CODE_ALPHABET).toContain(ch);
    }
  });
  it('normalizes typed codes', () => {
    expect(normalizeCode(' abcd-efgh 2345 ')).toBe('ABCDEFGH2345');
  });
  it('store scope: null is everywhere; an empty list is no store (online)', () => {
    expect(storeAllowed(null, [])).toBe(true);
    expect(storeAllowed(['s1'], [])).toBe(false);
    expect(storeAllowed(['s1'], ['s2', 's1'])).toBe(true);
  });
  it('names the first reason a coupon cannot be used', () => {
    const coupon = { status: 'available' as const, validFrom: at, validUntil: new Date(at.getTime() + DAY) };
    expect(stateProblem(coupon, at)).toBeNull();
    expect(stateProblem(coupon, new Date(at.getTime() - 1))).toBe('COUPON_NOT_YET_VALID');
    expect(stateProblem(coupon, coupon.validUntil)).toBe('COUPON_EXPIRED');
    expect(stateProblem({ ...coupon, status: 'redeemed' }, coupon.validUntil)).toBe('COUPON_ALREADY_REDEEMED');
    expect(stateProblem({ ...coupon, status: 'revoked' }, at)).toBe('COUPON_NOT_USABLE');
    expect(effectiveStatus(coupon, coupon.validUntil)).toBe('expired');
    expect(effectiveStatus(coupon, at)).toBe('available');
  });
});
