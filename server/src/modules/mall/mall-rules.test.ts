import { isCancellable, memberOutlook, newPickupCode, normalizePickupCode, pickupStore, unavailability } from './mall-rules';

const at = new Date('2026-11-24T08:00:00Z');
const item = (over: Partial<Parameters<typeof memberOutlook>[0]> = {}) => ({
  status: 'active' as const,
  availableFrom: null,
  availableUntil: null,
  stock: 5,
  perMemberLimit: 2,
  minTierLevel: 1,
  ...over,
});

describe('mall rules', () => {
  it('the window starts inclusive and ends exclusive', () => {
    expect(unavailability(item({ availableFrom: at }), at)).toBeNull();
    expect(unavailability(item({ availableFrom: new Date(at.getTime() + 1) }), at)).toMatch(/from/);
    expect(unavailability(item({ availableUntil: at }), at)).toMatch(/ended/);
    expect(unavailability(item({ status: 'inactive' }), at)).toMatch(/not offered/);
  });

  it('pickup codes are 8 digits; typed codes ignore spaces and dashes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const code = newPickupCode();
      expect(code).toMatch(/^\d{8}$/);
      seen.add(code);
    }
    expect(seen.size).toBeGreaterThan(990);
    expect(normalizePickupCode('0123 4567')).toBe('01234567');
    expect(normalizePickupCode('0123-4567')).toBe('01234567');
    expect(normalizePickupCode('unknownpickupCode')).toBeNull();
    expect(normalizePickupCode('123456789')).toBeNull();
  });

  it('the member outlook names the first obstacle', () => {
    expect(memberOutlook(item(), 0, 1, at)).toEqual({ remainingForMe: 2, tierAllowed: true, canExchange: true, reason: null });
    expect(memberOutlook(item({ status: 'inactive' }), 0, 0, at).reason).toBe('MALL_ITEM_UNAVAILABLE');
    expect(memberOutlook(item(), 0, 0, at).reason).toBe('MALL_TIER_TOO_LOW');
    expect(memberOutlook(item(), 2, 1, at)).toMatchObject({ remainingForMe: 0, reason: 'MALL_LIMIT_REACHED' });
    expect(memberOutlook(item({ stock: 0 }), 0, 1, at).reason).toBe('MALL_OUT_OF_STOCK');
    expect(memberOutlook(item({ perMemberLimit: null }), 7, 1, at).remainingForMe).toBeNull();
  });

  it('cancellable before hand-over, or coupon goods with unused coupons only', () => {
    expect(isCancellable('awaiting_pickup', [])).toBe(true);
    expect(isCancellable('awaiting_shipment', [])).toBe(true);
    expect(isCancellable('issued', ['available', 'expired'])).toBe(true);
    expect(isCancellable('issued', ['available', 'redeemed'])).toBe(false);
    for (const status of ['picked_up', 'shipped', 'delivered', 'cancelled'] as const) expect(isCancellable(status, [])).toBe(false);
  });

  it('pickups happen at the named store, by a clerk assigned to it', () => {
    const clerk = { role: 'clerk' as const, storeIds: ['s1'] };
    const both = { role: 'clerk' as const, storeIds: ['s1', 's2'] };
    const operator = { role: 'operator' as const, storeIds: [] };
    expect(pickupStore(clerk, null, undefined)).toEqual({ storeId: 's1' });
    expect(pickupStore(both, null, undefined)).toEqual({ storeId: null });
    expect(pickupStore(clerk, 's2', undefined)).toHaveProperty('problem');
    expect(pickupStore(clerk, null, 's2')).toHaveProperty('problem');
    expect(pickupStore(both, 's2', 's1')).toHaveProperty('problem');
    expect(pickupStore(both, 's2', undefined)).toEqual({ storeId: 's2' });
    expect(pickupStore(operator, 's2', undefined)).toEqual({ storeId: 's2' });
    expect(pickupStore(operator, null, 's1')).toEqual({ storeId: 's1' });
  });
});
