import { TIER_VALUE_MAX, type MemberTier, type ReplaceTiersBody, type SetManualTierBody, type Tier, type TierBenefits, type TierHistoryEntry, type TierLadder, type TierSettings, newId } from '@memberloop/shared';
import { requireOffice } from '../../http/auth';
import type { ServiceDeps } from '../../deps';
import type { MembersService } from '../members';
import type { Db } from '../../db/client';
import { sqlState, withTransaction } from '../../db/transaction';
import type { MemberContext, StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { auditActor, recordAudit } from '../audit';
import { activeManual, DAY_MS, decideEvaluation, decideOnPurchase, effectiveLevelOf, supportedLevel, type TierChange, type TierState } from './tier-rules';
import * as repo from './tiers.repository';

/** Where the growth value comes from; wired in app.ts from the orders and points modules. */
export interface GrowthSource {
  /** paid minus refunded, in fen, for orders in [from, to) */
  spendFen(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number>;
  /** points earned in [from, to) */
  pointsEarned(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number>;
}

/** What a brand without a settings row gets. */
export const DEFAULT_TIER_SETTINGS: TierSettings = { growthBasis: 'spend', windowDays: 365, downgradePolicy: 'one_level', graceDays: 30 };

/** A brand without tiers: everyone at level 0 with these benefits. */
const NO_TIER_BENEFITS: TierBenefits = { pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false };

const MANUAL_MAX_YEARS = 2;

type Actor = { actorType: 'staff' | 'member' | 'system'; actorId: string | null };
const SYSTEM: Actor = { actorType: 'system', actorId: null };

export interface EvaluationProgress {
  brandId: string;
  /** members of this brand evaluated so far */
  evaluated: number;
  /** of them, members whose level, grace period or manual level changed */
  changed: number;
}

export interface EvaluationOptions {
  brandId?: string;
  /** members per transaction (default 250) */
  batchSize?: number;
  /** batches evaluated side by side, each on its own connection (default 4) */
  parallel?: number;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface EvaluationSummary {
  brands: number;
  evaluated: number;
  changed: number;
  upgraded: number;
  downgraded: number;
  graceStarted: number;
  graceCleared: number;
  manualExpired: number;
}

const toBenefits = (row: repo.TierRow): TierBenefits => ({
  pointsMultiplierPermille: row.pointsMultiplierPermille,
  discountPercent: row.discountPercent,
  birthdayCouponTemplateId: row.birthdayCouponTemplateId,
  freeShipping: row.freeShipping,
});

const toTier = (row: repo.TierRow): Tier => ({ level: row.level, name: row.name, threshold: row.threshold, benefits: toBenefits(row) });

const toSettings = (row: repo.TierSettingsRow | undefined): TierSettings =>
  row ? { growthBasis: row.growthBasis, windowDays: row.windowDays, downgradePolicy: row.downgradePolicy, graceDays: row.graceDays } : { ...DEFAULT_TIER_SETTINGS };

const toState = (row: repo.MemberTierRow): TierState => ({
  level: row.level,
  manualLevel: row.manualLevel,
  manualUntil: row.manualUntil,
  graceUntil: row.graceUntil,
  growthValue: row.growthValue,
  levelSince: row.levelSince,
});

/** The tier that names a level: the level itself, or the highest below it should a level have gone missing. */
function tierAt(ladder: repo.TierRow[], level: number): repo.TierRow | undefined {
  let found: repo.TierRow | undefined;
  for (const row of ladder) if (row.level <= level) found = row;
  return found;
}


/** Levels 0..n without gaps, level 0 at threshold 0, thresholds rising strictly. */
function validateLadder(body: ReplaceTiersBody): ReplaceTiersBody['tiers'] {
  const sorted = [...body.tiers].sort((a, b) => a.level - b.level);
  const problems: { path: string; message: string }[] = [];
  sorted.forEach((tier, index) => {
    if (tier.level !== index) problems.push({ path: 'body/tiers', message: `levels must be 0..${sorted.length - 1} without gaps or repeats (found level ${tier.level})` });
    else if (index === 0 && tier.threshold !== 0) problems.push({ path: 'body/tiers', message: 'level 0 must have threshold 0' });
    else if (index > 0 && tier.threshold <= sorted[index - 1]!.threshold) problems.push({ path: 'body/tiers', message: `the threshold of level ${tier.level} must be above that of level ${index - 1}` });
  });
  if (problems.length) throw new AppError('TIER_THRESHOLDS_INVALID', undefined, problems.slice(0, 1));
  return sorted;
}

function historyRows(brandId: string, memberId: string, changes: { fromLevel: number; toLevel: number; reason: string }[], actor: Actor, at: Date) {
  return changes.map((change) => ({ id: newId('tierHistory', at), brandId, memberId, ...change, ...actor, at }));
}

const isMissingMember = (error: unknown) => sqlState(error) === '23503';

export type TiersService = ReturnType<typeof createTiersService>;

export function createTiersService({ db, clock }: ServiceDeps, growth: GrowthSource, modules: { members: Pick<MembersService, 'steps'> }) {
  async function settingsOf(tx: Db, brandId: string): Promise<TierSettings> {
    return toSettings(await repo.findSettings(tx, brandId));
  }

  /** The growth value at `at`: the window ends at `at` and includes it, so the purchase being recorded counts. */
  async function growthValue(tx: Db, brandId: string, memberId: string, settings: TierSettings, at: Date): Promise<number> {
    const from = new Date(at.getTime() - settings.windowDays * DAY_MS);
    const to = new Date(at.getTime() + 1);
    const raw = settings.growthBasis === 'spend' ? await growth.spendFen(tx, brandId, memberId, from, to) : await growth.pointsEarned(tx, brandId, memberId, from, to);
    // the column is a 32-bit integer; a value beyond it reaches every threshold anyway
    return Math.min(TIER_VALUE_MAX, Math.max(0, Math.floor(Number(raw) || 0)));
  }

  /** Creates the member's row if needed and locks it; a member the brand does not have is MEMBER_NOT_FOUND. */
  async function lockedMemberTier(tx: Db, brandId: string, memberId: string, at: Date): Promise<repo.MemberTierRow> {
    try {
      await repo.ensureMemberTiers(tx, brandId, [memberId], at);
    } catch (error) {
      if (isMissingMember(error)) throw new AppError('MEMBER_NOT_FOUND');
      throw error;
    }
    return (await repo.lockMemberTier(tx, brandId, memberId))!;
  }

  async function memberTierRow(brandId: string, memberId: string, at: Date): Promise<repo.MemberTierRow> {
    try {
      await repo.ensureMemberTiers(db, brandId, [memberId], at);
    } catch (error) {
      if (isMissingMember(error)) throw new AppError('MEMBER_NOT_FOUND');
      throw error;
    }
    return (await repo.findMemberTier(db, brandId, memberId))!;
  }

  async function writeDecision(tx: Db, row: repo.MemberTierRow, state: TierState, changes: TierChange[] | { fromLevel: number; toLevel: number; reason: string }[], actor: Actor, at: Date) {
    const before = toState(row);
    const same =
      before.level === state.level &&
      before.manualLevel === state.manualLevel &&
      before.manualUntil?.getTime() === state.manualUntil?.getTime() &&
      before.graceUntil?.getTime() === state.graceUntil?.getTime() &&
      before.growthValue === state.growthValue &&
      before.levelSince.getTime() === state.levelSince.getTime();
    if (!same) await repo.updateMemberTier(tx, row.brandId, row.memberId, state, at);
    if (changes.length) await repo.insertHistory(tx, historyRows(row.brandId, row.memberId, changes, actor, at));
  }

  async function view(brandId: string, memberId: string, at: Date): Promise<MemberTier> {
    const row = await memberTierRow(brandId, memberId, at);
    const [ladder, settings] = await Promise.all([repo.listTiers(db, brandId), settingsOf(db, brandId)]);
    // live, so a refund since the last purchase or evaluation shows at once; the level moves only by the rules
    const value = await growthValue(db, brandId, memberId, settings, at);
    const earned = tierAt(ladder, row.level);
    const manual = activeManual(row, at);
    const effectiveLevel = effectiveLevelOf(row, at);
    const effective = tierAt(ladder, effectiveLevel);
    const next = ladder.find((tier) => tier.level > row.level);
    return {
      memberId,
      level: row.level,
      name: earned?.name ?? '',
      effectiveLevel,
      effectiveName: effective?.name ?? '',
      manual: manual ? { level: manual.level, until: manual.until.toISOString() } : null,
      growthValue: value,
      basis: settings.growthBasis,
      windowDays: settings.windowDays,
      nextLevel: next ? { level: next.level, name: next.name, threshold: next.threshold, remaining: Math.max(0, next.threshold - value) } : null,
      graceUntil: row.graceUntil?.toISOString() ?? null,
      levelSince: row.levelSince.toISOString(),
      benefits: effective ? toBenefits(effective) : { ...NO_TIER_BENEFITS },
      ladder: ladder.map(toTier),
    };
  }

  async function historyPage(brandId: string, memberId: string, page: { limit?: number; offset?: number }, forMember: boolean) {
    await memberTierRow(brandId, memberId, clock.now());
    const { rows, total } = await repo.listHistory(db, brandId, memberId, { limit: page.limit ?? 50, offset: page.offset ?? 0 });
    const items: TierHistoryEntry[] = rows.map((row) => ({
      id: row.id,
      fromLevel: row.fromLevel,
      toLevel: row.toLevel,
      reason: row.reason,
      // members see that staff acted, not which staff member
      actor: { type: row.actorType, id: forMember && row.actorType === 'staff' ? null : row.actorId },
      at: row.at.toISOString(),
    }));
    return { items, total };
  }

  async function effectiveLevel(tx: Db, brandId: string, memberId: string, at: Date): Promise<number> {
    const row = await repo.findMemberTier(tx, brandId, memberId);
    return row ? effectiveLevelOf(row, at) : 0;
  }

  const steps = {
    /**
     * After a purchase, in the caller's transaction: recompute the growth value and raise the level
     * at once to the highest threshold it reaches (several levels if need be); never lowers it.
     */
    async onPurchase(tx: Db, input: { brandId: string; memberId: string; at: Date }): Promise<{ level: number; effectiveLevel: number; previousLevel: number; upgraded: boolean }> {
      const { brandId, memberId, at } = input;
      await repo.lockLadder(tx, brandId, 'shared');
      const ladder = await repo.listTiers(tx, brandId);
      // no ladder: everyone is at level 0, nothing to keep
      if (ladder.length === 0) return { level: 0, effectiveLevel: 0, previousLevel: 0, upgraded: false };
      const settings = await settingsOf(tx, brandId);
      // the lock comes before the value, so a concurrent purchase of the same member is counted once it commits
      const row = await lockedMemberTier(tx, brandId, memberId, at);
      const value = await growthValue(tx, brandId, memberId, settings, at);
      const decision = decideOnPurchase(toState(row), value, ladder, at);
      await writeDecision(tx, row, decision.state, decision.changes, SYSTEM, at);
      return {
        level: decision.state.level,
        effectiveLevel: effectiveLevelOf(decision.state, at),
        previousLevel: row.level,
        upgraded: decision.state.level > row.level,
      };
    },

    /** The points multiplier of the member's effective tier, in permille; 1000 without tiers. */
    async pointsMultiplierPermille(tx: Db, brandId: string, memberId: string, at: Date): Promise<number> {
      const ladder = await repo.listTiers(tx, brandId);
      if (ladder.length === 0) return 1000;
      const tier = tierAt(ladder, await effectiveLevel(tx, brandId, memberId, at));
      return tier?.pointsMultiplierPermille ?? 1000;
    },

    /** The manual level while it lasts (at < manual_until), else the earned level; 0 for a member tiers has not seen. */
    effectiveLevel,
  };

  /** One batch of one brand, in one transaction: rows created if missing, locked in id order, decided, written. */
  async function evaluateBatch(brandId: string, memberIds: string[], now: Date, summary: EvaluationSummary): Promise<number> {
    return withTransaction(db, async (tx) => {
      await repo.lockLadder(tx, brandId, 'shared');
      const ladder = await repo.listTiers(tx, brandId);
      const settings = await settingsOf(tx, brandId);
      await repo.ensureMemberTiers(tx, brandId, memberIds, now);
      const rows = await repo.lockMemberTiers(tx, brandId, memberIds);
      const updates: (TierState & { memberId: string })[] = [];
      const history: ReturnType<typeof historyRows> = [];
      const counts = { changed: 0, upgraded: 0, downgraded: 0, graceStarted: 0, graceCleared: 0, manualExpired: 0 };
      for (const row of rows) {
        const value = await growthValue(tx, brandId, row.memberId, settings, now);
        const decision = decideEvaluation(toState(row), value, ladder, settings, now);
        if (decision.changed || value !== row.growthValue) updates.push({ memberId: row.memberId, ...decision.state });
        if (!decision.changed) continue;
        counts.changed++;
        history.push(...historyRows(brandId, row.memberId, decision.changes, SYSTEM, now));
        for (const change of decision.changes) {
          if (change.reason === 'evaluation_upgrade') counts.upgraded++;
          else if (change.reason === 'evaluation_downgrade') counts.downgraded++;
          else if (change.reason === 'grace_started') counts.graceStarted++;
          else if (change.reason === 'grace_cleared') counts.graceCleared++;
          else if (change.reason === 'manual_expired') counts.manualExpired++;
        }
      }
      await repo.updateMemberTiers(tx, brandId, updates, now);
      await repo.insertHistory(tx, history);
      // counted only once the batch is in, so a retried batch does not count twice
      summary.upgraded += counts.upgraded;
      summary.downgraded += counts.downgraded;
      summary.graceStarted += counts.graceStarted;
      summary.graceCleared += counts.graceCleared;
      summary.manualExpired += counts.manualExpired;
      return counts.changed;
    });
  }

  return {
    steps,

    async ladder(context: StaffContext): Promise<TierLadder> {
      requireOffice(context);
      return { tiers: (await repo.listTiers(db, context.brandId)).map(toTier) };
    },

    /**
     * Replaces the whole ladder in one transaction. Members keep their level by number; should the
     * ladder get shorter, members above its new top come down to it (history 'ladder_changed').
     */
    async replaceLadder(context: StaffContext, body: ReplaceTiersBody): Promise<TierLadder> {
      requireOffice(context);
      const sorted = validateLadder(body);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        await repo.lockLadder(tx, context.brandId, 'exclusive');
        const before = await repo.listTiers(tx, context.brandId);
        await repo.replaceTiers(
          tx,
          context.brandId,
          sorted.map((tier) => ({
            id: newId('tier', at),
            level: tier.level,
            name: tier.name,
            threshold: tier.threshold,
            pointsMultiplierPermille: tier.benefits.pointsMultiplierPermille,
            discountPercent: tier.benefits.discountPercent,
            birthdayCouponTemplateId: tier.benefits.birthdayCouponTemplateId,
            freeShipping: tier.benefits.freeShipping,
          })),
          at,
        );
        const top = sorted.length - 1;
        const above = await repo.lockMembersAbove(tx, context.brandId, top);
        if (above.length) {
          await repo.clampMembersTo(tx, context.brandId, top, at);
          const actor = auditActor(context);
          const history = above.flatMap((row) => {
            const changes: { fromLevel: number; toLevel: number; reason: string }[] = [];
            if (row.level > top) changes.push({ fromLevel: row.level, toLevel: top, reason: 'ladder_changed' });
            if (row.manualLevel !== null && row.manualLevel > top) changes.push({ fromLevel: row.manualLevel, toLevel: top, reason: 'manual_ladder_changed' });
            return historyRows(context.brandId, row.memberId, changes, actor, at);
          });
          await repo.insertHistory(tx, history);
        }
        const after = await repo.listTiers(tx, context.brandId);
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'tiers.replaced',
          targetType: 'tiers',
          targetId: null,
          data: { before: before.map(toTier), after: after.map(toTier), membersLowered: above.length },
          at,
        });
        return { tiers: after.map(toTier) };
      });
    },

    async settings(context: StaffContext): Promise<TierSettings> {
      requireOffice(context);
      return settingsOf(db, context.brandId);
    },

    async updateSettings(context: StaffContext, body: TierSettings): Promise<TierSettings> {
      requireOffice(context);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        const before = await settingsOf(tx, context.brandId);
        const saved = toSettings(await repo.upsertSettings(tx, { brandId: context.brandId, ...body, updatedAt: at }));
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'tier_settings.updated', targetType: 'tier_settings', targetId: context.brandId, data: { before, after: saved }, at });
        return saved;
      });
    },

    async myTier(context: MemberContext): Promise<MemberTier> {
      return view(context.brandId, context.actor.memberId, clock.now());
    },

    /** Staff see a member of their own brand; any other id is MEMBER_NOT_FOUND. */
    async memberTier(context: StaffContext, memberId: string): Promise<MemberTier> {
      return view(context.brandId, memberId, clock.now());
    },

    async myHistory(context: MemberContext, page: { limit?: number; offset?: number }) {
      return historyPage(context.brandId, context.actor.memberId, page, true);
    },

    async memberHistory(context: StaffContext, memberId: string, page: { limit?: number; offset?: number }) {
      return historyPage(context.brandId, memberId, page, false);
    },

    /** An operator's level for a member until a date; it outranks the earned level until then and is never a floor after. */
    async setManual(context: StaffContext, memberId: string, body: SetManualTierBody): Promise<MemberTier> {
      requireOffice(context);
      const at = clock.now();
      const until = new Date(body.until);
      const latest = new Date(at);
      latest.setUTCFullYear(latest.getUTCFullYear() + MANUAL_MAX_YEARS);
      if (Number.isNaN(until.getTime()) || until.getTime() <= at.getTime() || until.getTime() > latest.getTime()) {
        throw new AppError('VALIDATION_FAILED', `until must be in the future and at most ${MANUAL_MAX_YEARS} years ahead`, [{ path: 'body/until', message: 'in the future, at most two years ahead' }]);
      }
      await withTransaction(db, async (tx) => {
        await repo.lockLadder(tx, context.brandId, 'shared');
        const row = await lockedMemberTier(tx, context.brandId, memberId, at);
        const ladder = await repo.listTiers(tx, context.brandId);
        if (!ladder.some((tier) => tier.level === body.level)) throw new AppError('TIER_NOT_FOUND', `The brand has no level ${body.level}`);
        if (row.manualLevel === body.level && row.manualUntil?.getTime() === until.getTime()) return;
        const fromLevel = effectiveLevelOf(row, at);
        const state = { ...toState(row), manualLevel: body.level, manualUntil: until };
        await writeDecision(tx, row, state, [{ fromLevel, toLevel: body.level, reason: 'manual_set' }], auditActor(context), at);
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'tier.manual_set',
          targetType: 'member',
          targetId: memberId,
          data: { level: body.level, until: until.toISOString(), reason: body.reason, previous: activeManual(row, at) ? { level: row.manualLevel, until: row.manualUntil!.toISOString() } : null },
          at,
        });
      });
      return view(context.brandId, memberId, at);
    },

    /** Ends a manual level now: the member falls back to the earned level. Without one, nothing changes. */
    async clearManual(context: StaffContext, memberId: string, reason: string | undefined): Promise<MemberTier> {
      requireOffice(context);
      if (!reason || !reason.trim()) throw new AppError('VALIDATION_FAILED', 'Give a reason', [{ path: 'reason', message: 'required, in the query or the body' }]);
      const at = clock.now();
      await withTransaction(db, async (tx) => {
        const row = await lockedMemberTier(tx, context.brandId, memberId, at);
        if (row.manualLevel === null) return;
        // a manual level already past its date has ended by itself: evaluation records it as expired
        const manual = activeManual(row, at);
        if (!manual) return;
        const state = { ...toState(row), manualLevel: null, manualUntil: null };
        await writeDecision(tx, row, state, [{ fromLevel: manual.level, toLevel: row.level, reason: 'manual_cleared' }], auditActor(context), at);
        await recordAudit(tx, {
          brandId: context.brandId,
          ...auditActor(context),
          action: 'tier.manual_cleared',
          targetType: 'member',
          targetId: memberId,
          data: { level: manual.level, until: manual.until.toISOString(), reason },
          at,
        });
      });
      return view(context.brandId, memberId, at);
    },

    /**
     * The nightly evaluation (not a step: it opens its own transactions, one per batch). For each
     * member of each brand with a ladder: recompute the value, raise, start or end grace periods,
     * lower by the brand's policy, and end expired manual levels. Running it again at the same
     * `now` changes nothing.
     */
    async evaluate(now: Date, options: EvaluationOptions = {}): Promise<EvaluationSummary> {
      const batchSize = Math.max(1, Math.min(options.batchSize ?? 250, 5000));
      // batches run side by side on their own connections: the growth value is one query per member
      const parallel = Math.max(1, Math.min(options.parallel ?? 4, 16));
      // a brand without a ladder has everyone at level 0: nothing to evaluate
      const brandIds = options.brandId
        ? (await repo.listTiers(db, options.brandId)).length > 0
          ? [options.brandId]
          : []
        : await repo.brandsWithTiers(db);
      const summary: EvaluationSummary = { brands: 0, evaluated: 0, changed: 0, upgraded: 0, downgraded: 0, graceStarted: 0, graceCleared: 0, manualExpired: 0 };
      for (const brandId of brandIds) {
        summary.brands++;
        let after: string | null = null;
        const progress: EvaluationProgress = { brandId, evaluated: 0, changed: 0 };
        for (;;) {
          const memberIds = await modules.members.steps.memberIdsAfter(db, brandId, after, batchSize * parallel);
          if (memberIds.length === 0) break;
          // disjoint id ranges, each locked in id order: the side-by-side batches never wait on each other
          const batches: string[][] = [];
          for (let i = 0; i < memberIds.length; i += batchSize) batches.push(memberIds.slice(i, i + batchSize));
          await Promise.all(
            batches.map(async (batch) => {
              const changed = await evaluateBatch(brandId, batch, now, summary);
              progress.evaluated += batch.length;
              progress.changed += changed;
              summary.evaluated += batch.length;
              summary.changed += changed;
              options.onProgress?.({ ...progress });
            }),
          );
          after = memberIds[memberIds.length - 1]!;
          if (memberIds.length < batchSize * parallel) break;
        }
      }
      return summary;
    },
  };
}

