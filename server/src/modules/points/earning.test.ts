import { addCalendarDays, expiryFor, itemMultiplierPermille, lockedUntilFor, orderPoints, periodMultiplierPermille, startOfBusinessDay, type MultiplierRule } from './earning';

const at = new Date('2026-11-24T08:00:00Z');
const rules = { earnPoints: 10, earnPerFen: 10_000 };
const base = { rules, multipliers: [] as MultiplierRule[], at, tierMultiplierPermille: 1000 };
const multiplier = (kind: MultiplierRule['kind'], permille: number, target: string | null = null, startsAt: string | null = null, endsAt: string | null = null): MultiplierRule => ({
  kind,
  target,
  startsAt: startsAt ? new Date(startsAt) : null,
  endsAt: endsAt ? new Date(endsAt) : null,
  multiplierPermille: permille,
});

describe('orderPoints', () => {
  it('earns 10 points per ¥100 paid, floored', () => {
    expect(orderPoints({ ...base, grossFen: 19_999, paidFen: 19_999, items: [] })).toBe(19);
    expect(orderPoints({ ...base, grossFen: 20_000, paidFen: 20_000, items: [] })).toBe(20);
    expect(orderPoints({ ...base, grossFen: 999, paidFen: 999, items: [] })).toBe(0);
  });

  it('earns on what was paid, spread over items by their share of the gross', () => {
    // ¥200 gross, ¥150 paid after a coupon; the cosmetics half earns double
    const items = [
      { sku: 'A', category: 'cosmetics', amountFen: 10_000 },
      { sku: 'B', category: 'apparel', amountFen: 10_000 },
    ];
    const multipliers = [multiplier('category', 2000, 'cosmetics')];
    // base 15 points: 7.5 × 2 + 7.5 × 1 = 22.5 → 22
    expect(orderPoints({ ...base, multipliers, grossFen: 20_000, paidFen: 15_000, items })).toBe(22);
  });

  it('takes the highest matching category or SKU multiplier per item', () => {
    const multipliers = [multiplier('category', 1500, 'tea'), multiplier('sku', 3000, 'T-1'), multiplier('sku', 2000, 'T-1'), multiplier('category', 9000, 'other')];
    expect(itemMultiplierPermille(multipliers, { sku: 'T-1', category: 'tea' }, at)).toBe(3000);
    expect(itemMultiplierPermille(multipliers, { sku: 'T-2', category: 'tea' }, at)).toBe(1500);
    expect(itemMultiplierPermille(multipliers, { sku: 'T-3', category: null }, at)).toBe(1000);
    expect(orderPoints({ ...base, multipliers, grossFen: 10_000, paidFen: 10_000, items: [{ sku: 'T-1', category: 'tea', amountFen: 10_000 }] })).toBe(30);
  });

  it('applies the highest period running at the time, and the tier multiplier, with one floor at the end', () => {
    const multipliers = [
      multiplier('period', 2000, null, '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z'),
      multiplier('period', 1500, null, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      multiplier('period', 5000, null, '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z'),
    ];
    expect(periodMultiplierPermille(multipliers, at)).toBe(2000);
    expect(periodMultiplierPermille(multipliers, new Date('2026-11-25T00:00:00Z'))).toBe(5000);
    expect(periodMultiplierPermille(multipliers, new Date('2026-12-01T00:00:00Z'))).toBe(1000);
    // ¥123.45 → 12.345 base × 2 (period) × 1.5 (tier) = 37.035 → 37; flooring each step would give 36
    expect(orderPoints({ ...base, multipliers, tierMultiplierPermille: 1500, grossFen: 12_345, paidFen: 12_345, items: [] })).toBe(37);
  });

  it('gives gross not covered by items the ×1 rate and survives huge amounts exactly', () => {
    const multipliers = [multiplier('sku', 2000, 'X')];
    expect(orderPoints({ ...base, multipliers, grossFen: 20_000, paidFen: 20_000, items: [{ sku: 'X', category: null, amountFen: 10_000 }] })).toBe(30);
    const huge = 9_000_000_000_000;
    expect(orderPoints({ ...base, multipliers: [multiplier('period', 100_000, null, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')], tierMultiplierPermille: 100_000, grossFen: huge, paidFen: huge, items: [] })).toBe(9_000_000_000 * 100 * 100);
  });

  it('earns nothing for nothing paid and refuses fractions', () => {
    expect(orderPoints({ ...base, grossFen: 10_000, paidFen: 0, items: [] })).toBe(0);
    expect(orderPoints({ ...base, grossFen: 0, paidFen: 0, items: [] })).toBe(0);
    expect(() => orderPoints({ ...base, grossFen: 100.5, paidFen: 100, items: [] })).toThrow(RangeError);
    expect(() => orderPoints({ ...base, tierMultiplierPermille: 0, grossFen: 100, paidFen: 100, items: [] })).toThrow(RangeError);
  });
});

describe('expiry and lock', () => {
  it('rolling days expire at the end of the business day that many days on, in the brand’s zone', () => {
    // 2026-11-24 16:00 in Shanghai + 365 days → usable through 2027-11-24, gone at 2027-11-25 00:00 +08:00
    expect(expiryFor({ expiryMode: 'rolling_days', expiryDays: 365 }, at)).toEqual(new Date('2027-11-24T16:00:00Z'));
    // 23:30 UTC is already the next day in Shanghai
    expect(expiryFor({ expiryMode: 'rolling_days', expiryDays: 1 }, new Date('2026-11-24T23:30:00Z'))).toEqual(new Date('2026-11-26T16:00:00Z'));
    expect(expiryFor({ expiryMode: 'rolling_days', expiryDays: 1 }, new Date('2026-11-24T23:30:00Z'), 'UTC')).toEqual(new Date('2026-11-26T00:00:00Z'));
  });

  it('year end expires after 31 December, expiryDays / 365 whole years on', () => {
    expect(expiryFor({ expiryMode: 'year_end', expiryDays: 365 }, at)).toEqual(new Date('2027-12-31T16:00:00Z'));
    expect(expiryFor({ expiryMode: 'year_end', expiryDays: 100 }, at)).toEqual(new Date('2026-12-31T16:00:00Z'));
    // New Year's Eve evening in Shanghai is already the next year
    expect(expiryFor({ expiryMode: 'year_end', expiryDays: 100 }, new Date('2026-12-31T17:00:00Z'))).toEqual(new Date('2027-12-31T16:00:00Z'));
  });

  it('never means no expiry', () => {
    expect(expiryFor({ expiryMode: 'never', expiryDays: 365 }, at)).toBeNull();
  });

  it('handles zones with daylight saving time', () => {
    expect(startOfBusinessDay('2026-03-08', 'America/New_York')).toEqual(new Date('2026-03-08T05:00:00Z'));
    expect(startOfBusinessDay('2026-03-09', 'America/New_York')).toEqual(new Date('2026-03-09T04:00:00Z'));
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('locks purchase points lockDays × 24 h', () => {
    expect(lockedUntilFor({ lockDays: 0 }, at)).toBeNull();
    expect(lockedUntilFor({ lockDays: 7 }, at)).toEqual(new Date('2026-12-01T08:00:00Z'));
  });
});
