import { allocate, compareSpendOrder, isExpired, isLocked, spendableLots, summarizeLots, type Lot } from './lots';

const at = new Date('2026-11-24T08:00:00Z');
const day = 86_400_000;
const lot = (id: string, remaining: number, expiresInDays: number | null, earnedDaysAgo = 10, lockedForDays: number | null = null): Lot => ({
  id,
  remaining,
  earnedAt: new Date(at.getTime() - earnedDaysAgo * day),
  expiresAt: expiresInDays === null ? null : new Date(at.getTime() + expiresInDays * day),
  lockedUntil: lockedForDays === null ? null : new Date(at.getTime() + lockedForDays * day),
});

describe('spend order', () => {
  it('takes the soonest expiry first, never-expiring last, then the earliest earned', () => {
    const lots = [lot('never-old', 5, null, 100), lot('late', 5, 300), lot('soon-new', 5, 20, 1), lot('soon-old', 5, 20, 50), lot('never-new', 5, null, 1)];
    expect(spendableLots(lots, at).map((l) => l.id)).toEqual(['soon-old', 'soon-new', 'late', 'never-old', 'never-new']);
  });

  it('is a total order (the id breaks exact ties)', () => {
    const a = lot('a', 1, 5);
    const b = { ...a, id: 'b' };
    expect(compareSpendOrder(a, b)).toBeLessThan(0);
    expect(compareSpendOrder(b, a)).toBeGreaterThan(0);
    expect(compareSpendOrder(a, a)).toBe(0);
  });
});

describe('allocate', () => {
  it('splits a redemption over lots in spend order', () => {
    const lots = [lot('late', 50, 300), lot('soon', 30, 10), lot('never', 100, null)];
    expect(allocate(lots, 60, at)).toEqual({ allocations: [{ lotId: 'soon', amount: 30 }, { lotId: 'late', amount: 30 }], taken: 60, shortfall: 0 });
  });

  it('skips locked and expired lots and reports what it could not cover', () => {
    const lots = [lot('expired', 40, -1), lot('locked', 40, 5, 1, 3), lot('open', 10, 50), lot('empty', 0, 1)];
    expect(allocate(lots, 30, at)).toEqual({ allocations: [{ lotId: 'open', amount: 10 }], taken: 10, shortfall: 20 });
  });

  it('may take locked lots and a chosen lot first (reversals)', () => {
    const lots = [lot('soon', 10, 5), lot('own', 40, 300, 0, 7)];
    expect(allocate(lots, 45, at, { includeLocked: true, firstLotId: 'own' }).allocations).toEqual([
      { lotId: 'own', amount: 40 },
      { lotId: 'soon', amount: 5 },
    ]);
  });

  it('expires at the expiry instant and unlocks at the lock instant', () => {
    expect(isExpired({ expiresAt: at }, at)).toBe(true);
    expect(isExpired({ expiresAt: new Date(at.getTime() + 1) }, at)).toBe(false);
    expect(isLocked({ lockedUntil: at }, at)).toBe(false);
    expect(isLocked({ lockedUntil: new Date(at.getTime() + 1) }, at)).toBe(true);
    expect(isExpired({ expiresAt: null }, at)).toBe(false);
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => allocate([], -1, at)).toThrow(RangeError);
    expect(() => allocate([], 1.5, at)).toThrow(RangeError);
  });

  it('never takes more than a lot holds nor more than asked (random lots)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 500; run++) {
      const lots = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) =>
        lot(`l${i}`, Math.floor(random() * 50), random() < 0.2 ? null : Math.floor(random() * 40) - 5, Math.floor(random() * 30), random() < 0.3 ? Math.floor(random() * 10) - 5 : null),
      );
      const amount = Math.floor(random() * 150);
      const { allocations, taken, shortfall } = allocate(lots, amount, at);
      const spendable = spendableLots(lots, at).reduce((sum, l) => sum + l.remaining, 0);
      expect(taken).toBe(Math.min(amount, spendable));
      expect(taken + shortfall).toBe(amount);
      for (const a of allocations) {
        const source = lots.find((l) => l.id === a.lotId)!;
        expect(a.amount).toBeGreaterThan(0);
        expect(a.amount).toBeLessThanOrEqual(source.remaining);
        expect(isExpired(source, at) || isLocked(source, at)).toBe(false);
      }
    }
  });
});

describe('summarizeLots', () => {
  it('splits the balance into available, locked and expiring soon', () => {
    const summary = summarizeLots([lot('open', 10, 50), lot('soon', 5, 3), lot('locked', 7, 20, 0, 2), lot('expired', 4, -1), lot('never', 100, null)], at, 30 * day);
    expect(summary).toEqual({
      total: 126,
      available: 115,
      locked: 7,
      expiringSoon: { points: 12, firstExpiresAt: new Date(at.getTime() + 3 * day) },
    });
  });
});
