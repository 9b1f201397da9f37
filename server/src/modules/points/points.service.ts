import {
  businessDate,
  DEFAULT_TIME_ZONE,
  type CheckinResponse,
  type CreatePointMultiplierBody,
  type PageQuery,
  type PointEntriesPage,
  type PointMultiplier,
  type PointRules,
  type PointsAdjustmentBody,
  type PointsAdjustmentResponse,
  type PointsExpiring,
  type PointsSummary,
  type PutPointRulesBody,
  type StaffRole, newId } from '@memberloop/shared';
import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';
import { sqlState, withTransaction, type Tx } from '../../db/transaction';
import type { MemberContext, RequestContext, StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
import { auditActor, recordAudit } from '../audit';
import { expiryFor, lockedUntilFor, orderPoints, type OrderItemForPoints } from './earning';
import { allocate, isExpired, summarizeLots, type Allocation } from './lots';
import * as repo from './points.repository';
import { requireRole, requireOffice } from '../../http/auth';

export interface PointsActor {
  type: 'staff' | 'member' | 'system';
  id: string | null;
}

export interface EarnInput {
  brandId: string;
  memberId: string;
  amount: number;
  reason: string;
  sourceType: string;
  sourceId: string;
  actor: PointsActor;
  at: Date;
  /** purchase points: not spendable before this instant */
  lockedUntil?: Date | null;
  /** given: this expiry (null: never); absent: from the brand's rules */
  expiresAt?: Date | null;
  /** the brand's time zone for year-end and end-of-day expiry; Asia/Shanghai when absent */
  timeZone?: string;
}

export interface RedeemInput {
  brandId: string;
  memberId: string;
  amount: number;
  reason: string;
  sourceType: string;
  sourceId: string;
  actor: PointsActor;
  at: Date;
}

export interface RestoreRedemptionInput {
  brandId: string;
  redeemEntryId: string;
  reason: string;
  sourceType: string;
  sourceId: string;
  actor: PointsActor;
  at: Date;
}

export interface ReverseEarnInput {
  brandId: string;
  memberId: string;
  earnSourceType: string;
  earnSourceId: string;
  amount: number;
  reason: string;
  sourceType: string;
  sourceId: string;
  actor: PointsActor;
  at: Date;
}

export interface ComputeOrderPointsInput {
  brandId: string;
  at: Date;
  grossFen: number;
  paidFen: number;
  items: OrderItemForPoints[];
  tierMultiplierPermille: number;
}

export interface AwardReferralInput {
  brandId: string;
  inviterId: string;
  inviteeId: string;
  at: Date;
}

/** Rules of a brand that has not set its own: 10 points per ¥100, rolling 365-day expiry, no lock. */
export const DEFAULT_POINT_RULES: Omit<repo.RulesRow, 'brandId' | 'updatedAt'> = {
  earnPoints: 10,
  earnPerFen: 10_000,
  expiryMode: 'rolling_days',
  expiryDays: 365,
  lockDays: 0,
  checkinPoints: 5,
  referralInviterPoints: 100,
  referralInviteePoints: 50,
};

type Rules = typeof DEFAULT_POINT_RULES;
/** A locked account with the brand's rules. */
type Opened = Omit<repo.LockedAccount, 'rules'> & { rules: Rules };

const SYSTEM: PointsActor = { type: 'system', id: null };
const EXPIRING_SOON_MS = 30 * 86_400_000;
const EXPIRY_BATCH = 200;
const EXPIRY_PARALLEL = 4;

/** Source types the points module itself writes. */
export const POINT_SOURCES = {
  checkin: 'checkin',
  operator: 'operator',
  redemption: 'redemption',
  referralInviter: 'referral_inviter',
  referralInvitee: 'referral_invitee',
  debt: repo.DEBT_PAYOFF_SOURCE,
  lot: repo.EXPIRY_SOURCE,
} as const;

const rulesView = (row: repo.RulesRow | undefined): PointRules => ({
  ...DEFAULT_POINT_RULES,
  ...(row ? pickRules(row) : {}),
  isDefault: !row,
  updatedAt: row?.updatedAt.toISOString() ?? null,
});

function pickRules(row: repo.RulesRow) {
  const { brandId: _brandId, updatedAt: _updatedAt, ...rules } = row;
  return rules;
}

const multiplierView = (row: repo.MultiplierRow): PointMultiplier => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  target: row.target,
  startsAt: row.startsAt?.toISOString() ?? null,
  endsAt: row.endsAt?.toISOString() ?? null,
  multiplierPermille: row.multiplierPermille,
  createdAt: row.createdAt.toISOString(),
});

function assertPoints(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new AppError('VALIDATION_FAILED', `${name} must be an integer of at least ${min}`);
}


function actorOf(context: RequestContext): PointsActor {
  return context.actor.type === 'staff' ? { type: 'staff', id: context.actor.staffId } : { type: 'member', id: context.actor.memberId };
}

/** Runs `work` over `items`, at most `parallel` at a time. */
async function eachLimited<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

export type PointsService = ReturnType<typeof createPointsService>;

export function createPointsService({ db, clock }: ServiceDeps) {
  async function loadRules(tx: Db, brandId: string): Promise<Rules> {
    const row = await repo.findRules(tx, brandId);
    return row ? pickRules(row) : DEFAULT_POINT_RULES;
  }

  /**
   * Locks the member's account, creating it first when missing: every point move of a member
   * happens under this lock, so the cached balance, the lots and the ledger change together and in
   * one order. The brand's rules come with it. The common case (the account exists) is one round
   * trip; a missing account is inserted with `on conflict do nothing` and then locked.
   */
  async function openAccount(tx: Db, brandId: string, memberId: string): Promise<Opened> {
    let locked = await repo.lockAccount(tx, brandId, memberId);
    if (!locked) {
      try {
        await repo.ensureAccount(tx, brandId, memberId);
      } catch (error) {
        // the account's foreign key: no such member in this brand
        if (sqlState(error) === '23503') throw new AppError('MEMBER_NOT_FOUND');
        throw error;
      }
      locked = (await repo.lockAccount(tx, brandId, memberId))!;
    }
    return { ...locked, rules: locked.rules ?? DEFAULT_POINT_RULES };
  }

  /** A staff route names a member: it must be one of the staff member's brand (the account's foreign key checks it). */
  async function assertMemberOfBrand(brandId: string, memberId: string): Promise<void> {
    if (await repo.findAccount(db, brandId, memberId)) return;
    try {
      await withTransaction(db, (tx) => repo.ensureAccount(tx, brandId, memberId));
    } catch (error) {
      if (sqlState(error) === '23503') throw new AppError('MEMBER_NOT_FOUND');
      throw error;
    }
  }

  const entryFields = (at: Date, input: { reason: string; sourceType: string; sourceId: string; actor: PointsActor }) => ({
    id: newId('pointEntry', at),
    reason: input.reason,
    sourceType: input.sourceType,
    sourceId: input.sourceId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    createdAt: at,
  });

  /**
   * Adds points as a new lot ('earn' or a positive 'adjust'). Debt from earlier reversals is paid
   * first: the lot keeps only what is left, and a 'reverse' entry (source 'debt') records the payment.
   * A source that already has its entry gets that entry back: points are never given twice.
   */
  async function credit(
    tx: Db,
    account: Opened,
    input: { type: 'earn' | 'adjust'; amount: number; reason: string; sourceType: string; sourceId: string; actor: PointsActor; at: Date; lockedUntil: Date | null; expiresAt: Date | null },
  ) {
    const { brandId, memberId } = account;
    const { amount, at } = input;
    const debtPaid = Math.min(account.debt, amount);
    const entry = {
      ...entryFields(at, input),
      type: input.type,
      amount,
      balanceAfter: account.balance + amount,
      reason: debtPaid > 0 ? `${input.reason} (${debtPaid} of these points paid off debt)` : input.reason,
    };
    const payoff =
      debtPaid > 0
        ? {
            ...entryFields(at, { reason: 'Paid off debt left by an earlier reversal', sourceType: POINT_SOURCES.debt, sourceId: entry.id, actor: SYSTEM }),
            type: 'reverse' as const,
            amount: -debtPaid,
            balanceAfter: account.balance + amount - debtPaid,
          }
        : null;
    const written = await repo.writeCredit(tx, {
      brandId,
      memberId,
      entry,
      lot: { id: newId('pointLot', at), remaining: amount - debtPaid, earnedAt: at, expiresAt: input.expiresAt, lockedUntil: input.lockedUntil },
      payoff,
      // lifetime earned stays equal to pointsEarnedBetween over all time: earnings less what reversals and debt pay-offs took
      account: { balance: amount - debtPaid, debt: -debtPaid, lifetimeEarned: (input.type === 'earn' ? amount : 0) - debtPaid, at },
    });
    if (!written.entryId) {
      const existing = await repo.findEntryBySource(tx, brandId, input.sourceType, input.sourceId, input.type);
      if (!existing || existing.memberId !== memberId) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'Points were already given for this source to another member');
      return { entryId: existing.id, amount: existing.amount, balance: account.balance, debt: account.debt, debtPaid: 0, duplicate: true };
    }
    return { entryId: written.entryId, amount, balance: written.balance!, debt: written.debt!, debtPaid, duplicate: false };
  }

  /**
   * Writes an entry that takes (sign -1) or puts back (+1) the allocated points in existing lots and
   * moves the account by as much. Returns null when the source already has its entry.
   */
  async function move(
    tx: Db,
    account: Opened,
    input: {
      type: 'redeem' | 'adjust' | 'reverse' | 'expire';
      allocations: Allocation[];
      sign: 1 | -1;
      reason: string;
      sourceType: string;
      sourceId: string;
      actor: PointsActor;
      at: Date;
      debtAdded?: number;
      lifetimeEarned?: number;
    },
  ): Promise<{ entryId: string; balance: number; debt: number } | null> {
    const amount = input.sign * input.allocations.reduce((sum, a) => sum + a.amount, 0);
    const written = await repo.writeMove(tx, {
      brandId: account.brandId,
      memberId: account.memberId,
      entry: { ...entryFields(input.at, input), type: input.type, amount, balanceAfter: account.balance + amount },
      allocations: input.allocations,
      sign: input.sign,
      account: { balance: amount, debt: input.debtAdded ?? 0, lifetimeEarned: input.lifetimeEarned ?? 0, at: input.at },
    });
    if (!written.entryId) return null;
    // the lots were read under the account lock, so a refusal means the invariant broke elsewhere: fail the transaction
    if (written.lotsMoved !== input.allocations.length) throw new Error('point lots changed under the account lock');
    return { entryId: written.entryId, balance: written.balance!, debt: written.debt! };
  }

  /** Adds points as a lot; pays any debt first. A repeat of the same source returns the first earning. */
  async function earn(tx: Db, input: EarnInput) {
    assertPoints('amount', input.amount, 1);
    const account = await openAccount(tx, input.brandId, input.memberId);
    const expiresAt = input.expiresAt !== undefined ? input.expiresAt : expiryFor(account.rules, input.at, input.timeZone ?? DEFAULT_TIME_ZONE);
    const result = await credit(tx, account, { ...input, type: 'earn', lockedUntil: input.lockedUntil ?? null, expiresAt });
    return { entryId: result.entryId, amount: result.amount, balance: result.balance, debtPaid: result.debtPaid, duplicate: result.duplicate };
  }

  const steps = {
    earn,

    /** Spends unlocked, unexpired points, soonest-expiring first; POINTS_INSUFFICIENT when they do not cover `amount`. */
    async redeem(tx: Db, input: RedeemInput) {
      assertPoints('amount', input.amount, 1);
      const account = await openAccount(tx, input.brandId, input.memberId);
      const repeat = async () => {
        const existing = await repo.findEntryBySource(tx, input.brandId, input.sourceType, input.sourceId, 'redeem');
        if (!existing) return undefined;
        if (existing.memberId !== input.memberId || existing.amount !== -input.amount) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This source already redeemed other points');
        return { entryId: existing.id, balance: account.balance, duplicate: true };
      };
      const lots = (await repo.openLots(tx, input.brandId, input.memberId));
      const { allocations, shortfall } = allocate(lots, input.amount, input.at);
      if (shortfall > 0) {
        // the points may be gone because this very redemption already happened
        const earlier = await repeat();
        if (earlier) return earlier;
        throw new AppError('POINTS_INSUFFICIENT');
      }
      const done = await move(tx, account, { ...input, type: 'redeem', allocations, sign: -1 });
      if (!done) return (await repeat())!;
      return { entryId: done.entryId, balance: done.balance, duplicate: false };
    },

    /**
     * Puts a redemption's points back into the lots they came from, with those lots' expiry and lock
     * ('reverse' entry, positive). At most once per redemption: the entry's source is the redemption
     * itself ('redemption', redeemEntryId), which the unique key on sources enforces; the caller's
     * sourceType/sourceId go to the audit log. Points whose lot has expired by then are not returned;
     * while the member owes debt, the returned points pay it first (a 'reverse' entry, source 'debt').
     */
    async restoreRedemption(tx: Db, input: RestoreRedemptionInput) {
      const redemption = await repo.findEntry(tx, input.brandId, input.redeemEntryId);
      if (!redemption || redemption.type !== 'redeem') throw new AppError('VALIDATION_FAILED', 'No such redemption in this brand');
      const account = await openAccount(tx, input.brandId, redemption.memberId);
      const allocations = await repo.redemptionAllocations(tx, input.brandId, redemption.id);
      const restorable = allocations.filter((a) => !a.swept && !isExpired(a, input.at));
      const amount = restorable.reduce((sum, a) => sum + a.amount, 0);
      const expiredNotRestored = -redemption.amount - amount;
      const earlier = async () => {
        const existing = await repo.findEntryBySource(tx, input.brandId, POINT_SOURCES.redemption, redemption.id, 'reverse');
        return existing
          ? { entryId: existing.id as string | null, amount: existing.amount, balance: account.balance, expiredNotRestored: -redemption.amount - existing.amount, debtPaid: 0, duplicate: true }
          : null;
      };
      if (amount === 0) return (await earlier()) ?? { entryId: null as string | null, amount: 0, balance: account.balance, expiredNotRestored, debtPaid: 0, duplicate: false };

      // returned points settle debt first, like an earning: otherwise a member could spend them while owing
      const debtPaid = Math.min(account.debt, amount);
      const notes = [expiredNotRestored > 0 ? `${expiredNotRestored} points had expired` : null, debtPaid > 0 ? `${debtPaid} of these points paid off debt` : null].filter(Boolean);
      const done = await move(tx, account, {
        type: 'reverse',
        allocations: restorable.map((a) => ({ lotId: a.lotId, amount: a.amount })),
        sign: 1,
        reason: notes.length ? `${input.reason} (${notes.join('; ')})` : input.reason,
        sourceType: POINT_SOURCES.redemption,
        sourceId: redemption.id,
        actor: input.actor,
        at: input.at,
      });
      if (!done) return (await earlier())!;
      let balance = done.balance;
      if (debtPaid > 0) {
        // taken back out of the lots just refilled, soonest-expiring first
        const refilled = restorable.map((a) => ({ id: a.lotId, remaining: a.amount, earnedAt: new Date(0), expiresAt: a.expiresAt, lockedUntil: null }));
        const payoff = await move(tx, { ...account, balance: done.balance }, {
          type: 'reverse',
          allocations: allocate(refilled, debtPaid, input.at).allocations,
          sign: -1,
          reason: 'Paid off debt left by an earlier reversal',
          sourceType: POINT_SOURCES.debt,
          sourceId: done.entryId,
          actor: SYSTEM,
          at: input.at,
          debtAdded: -debtPaid,
          lifetimeEarned: -debtPaid,
        });
        balance = payoff!.balance;
      }
      await recordAudit(tx as Tx, {
        brandId: input.brandId,
        actorType: input.actor.type,
        actorId: input.actor.id,
        action: 'points.redemption_restored',
        targetType: 'member',
        targetId: redemption.memberId,
        data: { redeemEntryId: redemption.id, entryId: done.entryId, amount, expiredNotRestored, debtPaid, sourceType: input.sourceType, sourceId: input.sourceId },
        at: input.at,
      });
      return { entryId: done.entryId as string | null, amount, balance, expiredNotRestored, debtPaid, duplicate: false };
    },

    /**
     * Takes back up to `amount` of what an earning gave (capped at that earning): from its own lot
     * first, then other unexpired lots soonest-expiring first (locked ones too: a refund is not a
     * spend). What is already spent becomes debt that later earnings pay off. At most once per
     * (sourceType, sourceId) when it took points; keeping several partial reversals of one earning
     * within that earning is the caller's part (orders track points_earned and points_reversed).
     */
    async reverseEarn(tx: Db, input: ReverseEarnInput) {
      assertPoints('amount', input.amount, 0);
      const account = await openAccount(tx, input.brandId, input.memberId);
      const none = { entryId: null as string | null, reversed: 0, debtAdded: 0, balance: account.balance, duplicate: false };
      const found = await repo.findEntriesBySources(tx, input.brandId, [
        { sourceType: input.sourceType, sourceId: input.sourceId, type: 'reverse' },
        { sourceType: input.earnSourceType, sourceId: input.earnSourceId, type: 'earn' },
      ]);
      const earlier = found.find((e) => e.type === 'reverse' && e.sourceType === input.sourceType && e.sourceId === input.sourceId);
      if (earlier) {
        if (earlier.memberId !== input.memberId) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This source already reversed points of another member');
        return { ...none, entryId: earlier.id, reversed: -earlier.amount, duplicate: true };
      }
      const earning = found.find((e) => e.type === 'earn' && e.sourceType === input.earnSourceType && e.sourceId === input.earnSourceId);
      if (!earning || earning.memberId !== input.memberId) return none;
      const wanted = Math.min(input.amount, earning.amount);
      if (wanted === 0) return none;

      const lots = (await repo.openLots(tx, input.brandId, input.memberId));
      const own = lots.find((lot) => lot.entryId === earning.id);
      const { allocations, taken, shortfall } = allocate(lots, wanted, input.at, { includeLocked: true, firstLotId: own?.id });
      let entryId: string | null = null;
      let balance = account.balance;
      if (taken > 0) {
        const done = await move(tx, account, { ...input, type: 'reverse', allocations, sign: -1, debtAdded: shortfall, lifetimeEarned: -taken });
        entryId = done!.entryId;
        balance = done!.balance;
      } else {
        await repo.moveAccount(tx, input.brandId, input.memberId, { debt: shortfall }, input.at);
      }
      if (shortfall > 0) {
        // steps take the caller's transaction typed as Db (a Tx is one); recordAudit asks for the narrower type
        await recordAudit(tx as Tx, {
          brandId: input.brandId,
          actorType: input.actor.type,
          actorId: input.actor.id,
          action: 'points.debt_added',
          targetType: 'member',
          targetId: input.memberId,
          data: { earnEntryId: earning.id, sourceType: input.sourceType, sourceId: input.sourceId, reversed: taken, debtAdded: shortfall },
          at: input.at,
        });
      }
      return { entryId, reversed: taken, debtAdded: shortfall, balance, duplicate: false };
    },

    /** Points an order earns under the brand's rules and the multipliers running at `at`. */
    async computeOrderPoints(tx: Db, input: ComputeOrderPointsInput): Promise<number> {
      const [rules, multipliers] = await Promise.all([loadRules(tx, input.brandId), repo.multipliersAt(tx, input.brandId, input.at)]);
      try {
        return orderPoints({ ...input, rules, multipliers });
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('VALIDATION_FAILED', error.message);
        throw error;
      }
    },

    /** Until when points from a purchase at `at` stay locked (the rules' lockDays); null when not locked. */
    async lockedUntilForPurchase(tx: Db, brandId: string, at: Date): Promise<Date | null> {
      return lockedUntilFor(await loadRules(tx, brandId), at);
    },

    /** Points earned in [from, to), net of what refunds took back (and debt later paid); never below 0. */
    async pointsEarnedBetween(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number> {
      const [earned, reversed] = await Promise.all([
        repo.earnedBetween(tx, brandId, memberId, from, to),
        repo.reversedEarningsBetween(tx, brandId, memberId, from, to),
      ]);
      return Math.max(0, earned - reversed);
    },

    /** The member's cached balance and debt (no lock; zeros before their first point move). */
    async balanceOf(tx: Db, brandId: string, memberId: string): Promise<{ balance: number; debt: number }> {
      const account = await repo.findAccount(tx, brandId, memberId);
      return { balance: account?.balance ?? 0, debt: account?.debt ?? 0 };
    },

    /** Referral points for both sides per the rules, once per invitee. */
    async awardReferral(tx: Db, input: AwardReferralInput) {
      if (input.inviterId === input.inviteeId) throw new AppError('VALIDATION_FAILED', 'A member cannot refer themself');
      // both accounts, in one fixed order, so two referrals of the same pair cannot deadlock
      let rules: Rules = DEFAULT_POINT_RULES;
      for (const memberId of [input.inviterId, input.inviteeId].sort()) rules = (await openAccount(tx, input.brandId, memberId)).rules;
      const done = await repo.findEntriesBySources(tx, input.brandId, [
        { sourceType: POINT_SOURCES.referralInviter, sourceId: input.inviteeId, type: 'earn' },
        { sourceType: POINT_SOURCES.referralInvitee, sourceId: input.inviteeId, type: 'earn' },
      ]);
      if (done.length > 0) return { awarded: false, inviter: null, invitee: null };
      const give = (memberId: string, amount: number, sourceType: string, reason: string) =>
        amount > 0 ? earn(tx, { brandId: input.brandId, memberId, amount, reason, sourceType, sourceId: input.inviteeId, actor: SYSTEM, at: input.at }) : Promise.resolve(null);
      const inviter = await give(input.inviterId, rules.referralInviterPoints, POINT_SOURCES.referralInviter, 'Referral: a friend you invited joined');
      const invitee = await give(input.inviteeId, rules.referralInviteePoints, POINT_SOURCES.referralInvitee, 'Welcome points for joining through a referral');
      return { awarded: true, inviter, invitee };
    },
  };

  /** Sweeps one member's lots that expired by `now`: one 'expire' entry per lot. */
  async function expireMember(brandId: string, memberId: string, now: Date): Promise<{ lots: number; points: number }> {
    return withTransaction(db, async (tx) => {
      let account = await openAccount(tx, brandId, memberId);
      let lots = 0;
      let points = 0;
      for (const lot of await repo.dueLots(tx, brandId, memberId, now)) {
        const done = await move(tx, account, {
          type: 'expire',
          allocations: [{ lotId: lot.id, amount: lot.remaining }],
          sign: -1,
          reason: 'Points expired',
          sourceType: POINT_SOURCES.lot,
          sourceId: lot.id,
          actor: SYSTEM,
          at: now,
        });
        if (!done) continue;
        account = { ...account, balance: done.balance };
        lots += 1;
        points += lot.remaining;
      }
      return { lots, points };
    });
  }

  async function summaryOf(brandId: string, memberId: string): Promise<PointsSummary> {
    const now = clock.now();
    const { account, lots } = await withTransaction(
      db,
      async (tx) => ({ account: await repo.findAccount(tx, brandId, memberId), lots: await repo.openLots(tx, brandId, memberId) }),
      { isolationLevel: 'repeatable read' },
    );
    const summary = summarizeLots(lots, now, EXPIRING_SOON_MS);
    return {
      balance: account?.balance ?? 0,
      available: summary.available,
      locked: summary.locked,
      expiringSoon: { points: summary.expiringSoon.points, firstExpiresAt: summary.expiringSoon.firstExpiresAt?.toISOString() ?? null },
      debt: account?.debt ?? 0,
    };
  }

  async function entriesOf(brandId: string, memberId: string, page: PageQuery): Promise<PointEntriesPage> {
    const { rows, total } = await repo.entriesPage(db, brandId, memberId, { limit: page.limit ?? 50, offset: page.offset ?? 0 });
    return {
      items: rows.map((row) => ({
        id: row.id,
        type: row.type,
        amount: row.amount,
        balanceAfter: row.balanceAfter,
        reason: row.reason,
        sourceType: row.sourceType,
        sourceId: row.sourceId,
        createdAt: row.createdAt.toISOString(),
      })),
      total,
    };
  }

  return {
    steps,

    /**
     * The nightly expiry: every lot whose expiry has come and that still holds points gets one
     * 'expire' entry (unique per lot) and is emptied, each member under their account lock, in
     * batches. Unexpired lots are never touched; running it again changes nothing.
     */
    async expireDue(now: Date, progress?: (message: string, fields?: Record<string, unknown>) => void): Promise<{ members: number; lots: number; points: number }> {
      const totals = { members: 0, lots: 0, points: 0 };
      for (;;) {
        const batch = await repo.membersWithDueLots(db, now, EXPIRY_BATCH);
        if (batch.length === 0) break;
        let progressed = 0;
        await eachLimited(batch, EXPIRY_PARALLEL, async ({ brandId, memberId }) => {
          const done = await expireMember(brandId, memberId, now);
          if (done.lots > 0) totals.members += 1;
          totals.lots += done.lots;
          totals.points += done.points;
          progressed += done.lots;
        });
        progress?.('points expired', { ...totals });
        // a batch that expired nothing would come back unchanged: stop rather than loop
        if (progressed === 0) break;
      }
      return totals;
    },

    async mySummary(context: MemberContext): Promise<PointsSummary> {
      return summaryOf(context.brandId, context.actor.memberId);
    },

    async myEntries(context: MemberContext, page: PageQuery): Promise<PointEntriesPage> {
      return entriesOf(context.brandId, context.actor.memberId, page);
    },

    /** Points that expire within `days`, by the last day they can be used. */
    async myExpiring(context: MemberContext, days: number): Promise<PointsExpiring> {
      const now = clock.now();
      const horizon = now.getTime() + days * 86_400_000;
      const lots = (await repo.openLots(db, context.brandId, context.actor.memberId)).filter(
        (lot) => lot.expiresAt && !isExpired(lot, now) && lot.expiresAt.getTime() <= horizon,
      );
      const byDate = new Map<string, { date: string; expiresAt: Date; points: number }>();
      for (const lot of lots) {
        // expiry is the first instant the points are gone; the member cares about the last day they can use them
        const date = businessDate(new Date(lot.expiresAt!.getTime() - 1), DEFAULT_TIME_ZONE);
        const group = byDate.get(date);
        if (!group) byDate.set(date, { date, expiresAt: lot.expiresAt!, points: lot.remaining });
        else {
          group.points += lot.remaining;
          if (lot.expiresAt! < group.expiresAt) group.expiresAt = lot.expiresAt!;
        }
      }
      const items = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
      return {
        days,
        total: items.reduce((sum, item) => sum + item.points, 0),
        items: items.map((item) => ({ date: item.date, expiresAt: item.expiresAt.toISOString(), points: item.points })),
      };
    },

    /** Daily check-in, once per business day (Asia/Shanghai), earning the rules' check-in points. */
    async checkin(context: MemberContext, key: IdempotencyKey | null): Promise<CheckinResponse> {
      const { brandId } = context;
      const memberId = context.actor.memberId;
      return runOnce(
        db,
        key,
        async (tx) => {
          const at = clock.now();
          const day = businessDate(at, DEFAULT_TIME_ZONE);
          const account = await openAccount(tx, brandId, memberId);
          const { rules } = account;
          const checkinId = newId('checkin', at);
          const recorded = await repo.insertCheckinIfNew(tx, { id: checkinId, brandId, memberId, businessDate: day, points: rules.checkinPoints, createdAt: at });
          if (!recorded) throw new AppError('ALREADY_CHECKED_IN');
          let balance = account.balance;
          if (rules.checkinPoints > 0) {
            const earned = await earn(tx, {
              brandId,
              memberId,
              amount: rules.checkinPoints,
              reason: 'Daily check-in',
              sourceType: POINT_SOURCES.checkin,
              sourceId: checkinId,
              actor: actorOf(context),
              at,
              expiresAt: expiryFor(rules, at, DEFAULT_TIME_ZONE),
            });
            balance = earned.balance;
          }
          return { points: rules.checkinPoints, balance, businessDate: day };
        },
        clock.now(),
      );
    },

    async memberSummary(context: StaffContext, memberId: string): Promise<PointsSummary> {
      await assertMemberOfBrand(context.brandId, memberId);
      return summaryOf(context.brandId, memberId);
    },

    async memberEntries(context: StaffContext, memberId: string, page: PageQuery): Promise<PointEntriesPage> {
      await assertMemberOfBrand(context.brandId, memberId);
      return entriesOf(context.brandId, memberId, page);
    },

    /**
     * An operator adds or takes points, with a reason, audited. Taking goes soonest-expiring first,
     * locked points included (a correction, not a spend), and fails with POINTS_INSUFFICIENT when the
     * unexpired points do not cover it. Added points form a lot with the rules' expiry and pay debt first.
     */
    async adjust(context: StaffContext, memberId: string, body: PointsAdjustmentBody, key: IdempotencyKey | null): Promise<PointsAdjustmentResponse> {
      requireOffice(context);
      const reason = body.reason.trim();
      if (reason.length < 2 || reason.length > 200) throw new AppError('POINTS_ADJUSTMENT_REASON_REQUIRED', 'A points adjustment needs a reason of 2 to 200 characters');
      if (!Number.isSafeInteger(body.amount) || body.amount === 0) throw new AppError('VALIDATION_FAILED', 'amount must be a whole number of points other than 0');
      const { brandId } = context;
      return runOnce(
        db,
        key,
        async (tx) => {
          const at = clock.now();
          const account = await openAccount(tx, brandId, memberId);
          const sourceId = newId('pointAdjustment', at);
          const actor = actorOf(context);
          let entryId: string;
          let balance: number;
          let debt: number;
          if (body.amount > 0) {
            const added = await credit(tx, account, {
              type: 'adjust',
              amount: body.amount,
              reason,
              sourceType: POINT_SOURCES.operator,
              sourceId,
              actor,
              at,
              lockedUntil: null,
              expiresAt: expiryFor(account.rules, at, DEFAULT_TIME_ZONE),
            });
            ({ entryId, balance, debt } = added);
          } else {
            const lots = (await repo.openLots(tx, brandId, memberId));
            const { allocations, shortfall } = allocate(lots, -body.amount, at, { includeLocked: true });
            if (shortfall > 0) throw new AppError('POINTS_INSUFFICIENT');
            const taken = (await move(tx, account, { type: 'adjust', allocations, sign: -1, reason, sourceType: POINT_SOURCES.operator, sourceId, actor, at }))!;
            ({ entryId, balance, debt } = taken);
          }
          await recordAudit(tx, {
            brandId,
            ...auditActor(context),
            action: 'points.adjusted',
            targetType: 'member',
            targetId: memberId,
            data: { amount: body.amount, reason, entryId, balanceAfter: balance },
            at,
          });
          return { entryId, amount: body.amount, balance, debt };
        },
        clock.now(),
      );
    },

    async getRules(context: StaffContext): Promise<PointRules> {
      requireOffice(context);
      return rulesView(await repo.findRules(db, context.brandId));
    },

    async putRules(context: StaffContext, body: PutPointRulesBody): Promise<PointRules> {
      requireOffice(context);
      return withTransaction(db, async (tx) => {
        const at = clock.now();
        const before = await repo.findRules(tx, context.brandId);
        const saved = await repo.upsertRules(tx, { brandId: context.brandId, ...body, updatedAt: at });
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'points.rules_updated',
          targetType: 'point_rules',
          targetId: context.brandId,
          data: { before: before ? pickRules(before) : null, after: body },
          at,
        });
        return rulesView(saved);
      });
    },

    async listMultipliers(context: StaffContext): Promise<{ items: PointMultiplier[] }> {
      requireOffice(context);
      return { items: (await repo.listMultipliers(db, context.brandId)).map(multiplierView) };
    },

    async createMultiplier(context: StaffContext, body: CreatePointMultiplierBody): Promise<PointMultiplier> {
      requireOffice(context);
      const details: { path: string; message: string }[] = [];
      const startsAt = body.startsAt ? new Date(body.startsAt) : null;
      const endsAt = body.endsAt ? new Date(body.endsAt) : null;
      const target = body.target?.trim() || null;
      const name = body.name.trim();
      if (!name) details.push({ path: 'body/name', message: 'must not be blank' });
      if (startsAt && Number.isNaN(startsAt.getTime())) details.push({ path: 'body/startsAt', message: 'not a valid instant' });
      if (endsAt && Number.isNaN(endsAt.getTime())) details.push({ path: 'body/endsAt', message: 'not a valid instant' });
      if (body.kind === 'period') {
        if (body.target != null) details.push({ path: 'body/target', message: 'a period multiplier has no target' });
        if (!startsAt) details.push({ path: 'body/startsAt', message: 'a period needs a start' });
        if (!endsAt) details.push({ path: 'body/endsAt', message: 'a period needs an end' });
      } else if (!target) {
        details.push({ path: 'body/target', message: `a ${body.kind} multiplier needs the ${body.kind === 'sku' ? 'SKU' : 'category'} it applies to` });
      }
      if (startsAt && endsAt && !(startsAt.getTime() < endsAt.getTime())) details.push({ path: 'body/endsAt', message: 'must be after startsAt' });
      if (details.length) throw new AppError('VALIDATION_FAILED', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
      return withTransaction(db, async (tx) => {
        const at = clock.now();
        const row = await repo.insertMultiplier(tx, {
          id: newId('pointMultiplier', at),
          brandId: context.brandId,
          name,
          kind: body.kind,
          target: body.kind === 'period' ? null : target,
          startsAt,
          endsAt,
          multiplierPermille: body.multiplierPermille,
          createdAt: at,
        });
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'points.multiplier_created',
          targetType: 'point_multiplier',
          targetId: row.id,
          data: { name: row.name, kind: row.kind, target: row.target, startsAt: body.startsAt ?? null, endsAt: body.endsAt ?? null, multiplierPermille: row.multiplierPermille },
          at,
        });
        return multiplierView(row);
      });
    },

    async deleteMultiplier(context: StaffContext, multiplierId: string): Promise<{ ok: true }> {
      requireOffice(context);
      return withTransaction(db, async (tx) => {
        const at = clock.now();
        const deleted = await repo.deleteMultiplier(tx, context.brandId, multiplierId);
        // no dedicated code for a missing multiplier in ERRORS: the generic 404
        if (!deleted) throw new AppError('ROUTE_NOT_FOUND', 'Multiplier not found');
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'points.multiplier_deleted',
          targetType: 'point_multiplier',
          targetId: multiplierId,
          data: { name: deleted.name, kind: deleted.kind, target: deleted.target, multiplierPermille: deleted.multiplierPermille },
          at,
        });
        return { ok: true as const };
      });
    },
  };
}
