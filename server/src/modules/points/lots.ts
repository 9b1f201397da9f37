/**
 * Earn lots and the order points leave them in: pure functions, no I/O.
 *
 * A lot is what one earn (or positive adjustment) added. Points are spent soonest-expiring first,
 * never-expiring last, then earliest earned, so a member loses as few points to expiry as possible.
 */

export interface Lot {
  id: string;
  remaining: number;
  earnedAt: Date;
  /** null: never expires */
  expiresAt: Date | null;
  /** not spendable before this instant; null: not locked */
  lockedUntil: Date | null;
}

export interface Allocation {
  lotId: string;
  amount: number;
}

/** A lot has expired from its expiry instant on. */
export const isExpired = (lot: Pick<Lot, 'expiresAt'>, at: Date): boolean => lot.expiresAt !== null && lot.expiresAt.getTime() <= at.getTime();

/** A lot is locked until its lock instant, and spendable from then on. */
export const isLocked = (lot: Pick<Lot, 'lockedUntil'>, at: Date): boolean => lot.lockedUntil !== null && lot.lockedUntil.getTime() > at.getTime();

/** Soonest expiry first, never-expiring last, then earliest earned; the id breaks the last ties so the order is total. */
export function compareSpendOrder(a: Lot, b: Lot): number {
  if (a.expiresAt === null || b.expiresAt === null) {
    if (a.expiresAt !== b.expiresAt) return a.expiresAt === null ? 1 : -1;
  } else if (a.expiresAt.getTime() !== b.expiresAt.getTime()) {
    return a.expiresAt.getTime() - b.expiresAt.getTime();
  }
  if (a.earnedAt.getTime() !== b.earnedAt.getTime()) return a.earnedAt.getTime() - b.earnedAt.getTime();
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface AllocateOptions {
  /** take from locked lots too: reversals and operator corrections may, a member's redemption may not */
  includeLocked?: boolean;
  /** take from this lot before any other (a reversal takes back from the earn's own lot first) */
  firstLotId?: string;
}

/** The lots points may be taken from at `at`, in the order they are taken. */
export function spendableLots(lots: readonly Lot[], at: Date, options: AllocateOptions = {}): Lot[] {
  const usable = lots.filter((lot) => lot.remaining > 0 && !isExpired(lot, at) && (options.includeLocked || !isLocked(lot, at)));
  usable.sort(compareSpendOrder);
  if (options.firstLotId) {
    const index = usable.findIndex((lot) => lot.id === options.firstLotId);
    if (index > 0) usable.unshift(...usable.splice(index, 1));
  }
  return usable;
}

/**
 * Takes up to `amount` points from the lots, in spend order. `shortfall` is what they could not cover:
 * a redemption refuses then; a reversal turns it into debt.
 */
export function allocate(lots: readonly Lot[], amount: number, at: Date, options: AllocateOptions = {}): { allocations: Allocation[]; taken: number; shortfall: number } {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`cannot allocate ${amount} points`);
  const allocations: Allocation[] = [];
  let left = amount;
  for (const lot of spendableLots(lots, at, options)) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    allocations.push({ lotId: lot.id, amount: take });
    left -= take;
  }
  return { allocations, taken: amount - left, shortfall: left };
}

export interface LotSummary {
  /** every point held, expired-but-not-yet-swept included: what the cached balance holds */
  total: number;
  available: number;
  locked: number;
  expiringSoon: { points: number; firstExpiresAt: Date | null };
}

/** What a member's lots add up to at `at`; "soon" means expiring within `soonMs` after `at`. */
export function summarizeLots(lots: readonly Lot[], at: Date, soonMs: number): LotSummary {
  const summary: LotSummary = { total: 0, available: 0, locked: 0, expiringSoon: { points: 0, firstExpiresAt: null } };
  const horizon = at.getTime() + soonMs;
  for (const lot of lots) {
    if (lot.remaining <= 0) continue;
    summary.total += lot.remaining;
    if (isExpired(lot, at)) continue;
    if (isLocked(lot, at)) summary.locked += lot.remaining;
    else summary.available += lot.remaining;
    if (lot.expiresAt && lot.expiresAt.getTime() <= horizon) {
      summary.expiringSoon.points += lot.remaining;
      const first = summary.expiringSoon.firstExpiresAt;
      if (!first || lot.expiresAt.getTime() < first.getTime()) summary.expiringSoon.firstExpiresAt = lot.expiresAt;
    }
  }
  return summary;
}
