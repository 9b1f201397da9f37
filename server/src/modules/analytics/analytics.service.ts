import {
  businessDate,
  isCalendarDate,
  isId,
  newId,
  roundRatio,
  segmentFilterProblems,
  type AnalyticsSettings,
  type Dashboard,
  type DashboardQuery,
  type MemberScores,
  type MemberStaffView,
  type PageQuery,
  type RecomputeScoresResponse,
  type ScoringStatus,
  type ScoringSummary,
  type Segment,
  type SegmentBody,
  type SegmentCount,
  type SegmentFilter,
  type SegmentPreview,
  type SegmentPreviewBody,
  type UpdateAnalyticsSettingsBody,
} from '@memberloop/shared';
import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { auditActor, recordAudit } from '../audit';
import type { BrandsService } from '../brands';
import type { MembersService } from '../members';
import * as repo from './analytics.repository';
import * as dashboardRepo from './dashboard.repository';
import * as segmentsRepo from './segments.repository';
import type { CompiledSegment } from './segment-compiler';
import { effectiveSettings, settingsProblems } from './settings';
import { scoreBrand, type ProgressCallback, type ScoringProgress } from './scoring.service';
import { requireOffice } from '../../http/auth';

const DAY_MS = 86_400_000;
const DASHBOARD_DEFAULT_DAYS = 30;
const DASHBOARD_MAX_DAYS = 3660;


function invalidFilter(filter: unknown, path = 'body/filter'): void {
  const problems = segmentFilterProblems(filter, path);
  if (problems.length) throw new AppError('VALIDATION_FAILED', 'The segment filter is invalid', problems);
}

/** An unknown segment id, a malformed one, or another brand's segment: all the same to the caller. */
const segmentNotFound = () => new AppError('SEGMENT_NOT_FOUND');

const toSegment = (row: repo.SegmentRow): Segment => ({
  id: row.id,
  name: row.name,
  filter: row.filter as SegmentFilter,
  lastCount: row.lastCount,
  lastCountedAt: row.lastCountedAt?.toISOString() ?? null,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

function toScores(memberId: string, row: repo.ScoresRow | undefined): MemberScores {
  return {
    memberId,
    computedAt: row?.computedAt.toISOString() ?? null,
    recencyDays: row?.recencyDays ?? null,
    frequency: row?.frequency ?? 0,
    monetaryFen: row?.monetaryFen ?? 0,
    rScore: row?.rScore ?? null,
    fScore: row?.fScore ?? null,
    mScore: row?.mScore ?? null,
    valueSegment: (row?.valueSegment as MemberScores['valueSegment']) ?? null,
    loyaltyQuadrant: (row?.loyaltyQuadrant as MemberScores['loyaltyQuadrant']) ?? null,
    repeatShare: row?.repeatShare ?? null,
    pAlive: row?.pAlive ?? null,
    expectedPurchases: row?.expectedPurchases ?? null,
    expectedValueFen: row?.expectedValueFen ?? null,
    churnRisk: row?.churnRisk ?? null,
    avgIntervalDays: row?.avgIntervalDays ?? null,
    nextPurchaseAt: row?.nextPurchaseAt?.toISOString() ?? null,
    categoryCycles: row?.categoryCycles ?? null,
    highPotential: (row?.highPotential as MemberScores['highPotential']) ?? [],
  };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

interface RunState {
  startedAt: Date;
  progress: ScoringProgress | null;
  promise: Promise<unknown>;
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;

export function createAnalyticsService(
  { db, clock }: ServiceDeps,
  modules: { brands: Pick<BrandsService, 'activeBrandById'>; members: Pick<MembersService, 'staffView' | 'steps'> },
) {
  /** Scorings this server runs in the background (POST /analytics/scores/recompute), by brand. */
  const running = new Map<string, RunState>();
  const lastRuns = new Map<string, { finishedAt: Date; summary: ScoringSummary | null; error: string | null }>();

  async function settingsOf(brandId: string): Promise<AnalyticsSettings> {
    return effectiveSettings(await repo.findSettings(db, brandId));
  }

  async function scoreBrandNow(brandId: string, now: Date, progress?: ProgressCallback): Promise<ScoringSummary> {
    const brand = await modules.brands.activeBrandById(brandId);
    const settings = await settingsOf(brandId);
    return scoreBrand(db, brandId, now, { timeZone: brand.timeZone, rfmWindowDays: settings.rfmWindowDays, clvHorizonDays: settings.clvHorizonDays, discountRatePermille: settings.discountRatePermille, rules: settings.segmentRules }, progress);
  }

  async function countFilter(brandId: string, filter: SegmentFilter, now: Date): Promise<number> {
    return segmentsRepo.countMembers(db, brandId, filter, now);
  }

  async function existingSegment(brandId: string, segmentId: string): Promise<repo.SegmentRow> {
    if (!isId('segment', segmentId)) throw segmentNotFound();
    const row = await repo.findSegment(db, brandId, segmentId);
    if (!row) throw segmentNotFound();
    return row;
  }

  async function existingMember(brandId: string, memberId: string): Promise<void> {
    const statuses = await modules.members.steps.memberStatuses(db, brandId, [memberId]);
    if (!statuses.has(memberId)) throw new AppError('MEMBER_NOT_FOUND');
  }

  return {
    /** Work other modules do inside their own transactions. */
    steps: {
      /**
       * A saved segment's members at `now` as SQL for the caller's query (campaign audiences):
       * `select ${memberId} ${body}`; undefined when the brand has no such segment.
       */
      async segmentSql(tx: Db, brandId: string, segmentId: string, now: Date): Promise<CompiledSegment | undefined> {
        if (!isId('segment', segmentId)) return undefined;
        const row = await repo.findSegment(tx, brandId, segmentId);
        return row ? segmentsRepo.compileFor(tx, brandId, row.filter as SegmentFilter, now) : undefined;
      },
    },
    /**
     * Recomputes every member's scores of one brand at `now` (nightly job, on-demand recompute,
     * benchmarks). No access check: callers are trusted server code.
     */
    scoreBrand: (brandId: string, now: Date, progress?: ProgressCallback) => scoreBrandNow(brandId, now, progress),

    /** The nightly job: every active brand, one after the other. */
    async scoreAllBrands(now: Date, progress?: (brandId: string, progress: ScoringProgress) => void) {
      const summaries: ScoringSummary[] = [];
      for (const brandId of await repo.activeBrandIds(db)) {
        summaries.push(await scoreBrandNow(brandId, now, progress ? (p) => progress(brandId, p) : undefined));
      }
      return { brands: summaries.length, members: summaries.reduce((sum, s) => sum + s.members, 0), summaries };
    },

    /** Members of the brand a filter selects, now (benchmarks, campaigns). Throws VALIDATION_FAILED for a bad filter. */
    async countSegment(brandId: string, filter: SegmentFilter): Promise<number> {
      invalidFilter(filter, 'filter');
      return countFilter(brandId, filter, clock.now());
    },

    /** Waits for the background scorings this server started (server shutdown, tests). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running.values()].map((state) => state.promise));
    },

    async settings(context: StaffContext): Promise<AnalyticsSettings> {
      requireOffice(context);
      return settingsOf(context.brandId);
    },

    async updateSettings(context: StaffContext, body: UpdateAnalyticsSettingsBody): Promise<AnalyticsSettings> {
      requireOffice(context);
      const problems = settingsProblems(body);
      if (problems.length) throw new AppError('VALIDATION_FAILED', 'The segment rules contradict each other', problems);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        const row = await repo.upsertSettings(tx, {
          brandId: context.brandId,
          rfmWindowDays: body.rfmWindowDays,
          clvHorizonDays: body.clvHorizonDays,
          discountRatePermille: body.discountRatePermille,
          segmentRules: { ...(body.segmentRules ?? {}) },
          updatedAt: at,
        });
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'analytics.settings_changed', targetType: 'brand', targetId: context.brandId, data: { ...body }, at });
        return effectiveSettings(row);
      });
    },

    /** A member's latest scores; staff of the brand (clerks too: "repurchase due" at the counter). */
    async memberScores(context: StaffContext, memberId: string): Promise<MemberScores> {
      await existingMember(context.brandId, memberId);
      return toScores(memberId, await repo.findScores(db, context.brandId, memberId));
    },

    /**
     * Starts a scoring of the brand in the background and answers at once: a brand of a million
     * members takes minutes. GET /analytics/scores/status follows it.
     */
    async recompute(context: StaffContext): Promise<RecomputeScoresResponse> {
      requireOffice(context);
      const { brandId } = context;
      const current = running.get(brandId);
      if (current) return { status: 'already_running', startedAt: current.startedAt.toISOString() };
      const startedAt = clock.now();
      // taken before the first await, so two requests at once start one run
      const state: RunState = { startedAt, progress: null, promise: Promise.resolve() };
      running.set(brandId, state);
      try {
        await withTransaction(db, (tx) =>
          recordAudit(tx, { brandId, ...auditActor(context), action: 'analytics.scores_recompute_requested', targetType: 'brand', targetId: brandId, at: startedAt }),
        );
      } catch (error) {
        running.delete(brandId);
        throw error;
      }
      state.promise = scoreBrandNow(brandId, startedAt, (progress) => {
        state.progress = progress;
      })
        .then((summary) => lastRuns.set(brandId, { finishedAt: clock.now(), summary, error: null }))
        .catch((error: unknown) => lastRuns.set(brandId, { finishedAt: clock.now(), summary: null, error: error instanceof Error ? error.message : String(error) }))
        .finally(() => running.delete(brandId));
      return { status: 'started', startedAt: startedAt.toISOString() };
    },

    async scoringStatus(context: StaffContext): Promise<ScoringStatus> {
      requireOffice(context);
      const state = running.get(context.brandId);
      const last = lastRuns.get(context.brandId);
      const model = await repo.findClvModel(db, context.brandId);
      return {
        running: Boolean(state),
        startedAt: state?.startedAt.toISOString() ?? null,
        progress: state?.progress ? { ...state.progress } : null,
        lastRun: last ? { finishedAt: last.finishedAt.toISOString(), summary: last.summary, error: last.error } : null,
        model: model ? { fittedAt: model.fittedAt.toISOString(), customers: model.customers, bgnbd: model.bgnbd, gammaGamma: model.gammaGamma } : null,
      };
    },

    async previewSegment(context: StaffContext, body: SegmentPreviewBody): Promise<SegmentPreview> {
      requireOffice(context);
      invalidFilter(body.filter);
      const started = Date.now();
      const now = clock.now();
      const { count, memberIds } = await segmentsRepo.countAndSample(db, context.brandId, body.filter, now, body.sampleSize ?? 20);
      const ms = Date.now() - started;
      const sample: MemberStaffView[] = await Promise.all(memberIds.map((memberId) => modules.members.staffView(context, memberId)));
      return { count, sample, countedAt: now.toISOString(), ms };
    },

    async createSegment(context: StaffContext, body: SegmentBody): Promise<Segment> {
      requireOffice(context);
      invalidFilter(body.filter);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        const row = await repo.insertSegment(tx, { id: newId('segment', at), brandId: context.brandId, name: body.name, filter: body.filter, createdBy: context.actor.staffId, createdAt: at, updatedAt: at });
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'segment.created', targetType: 'segment', targetId: row.id, data: { name: body.name }, at });
        return toSegment(row);
      });
    },

    async listSegments(context: StaffContext, page: PageQuery) {
      requireOffice(context);
      const { rows, total } = await repo.listSegments(db, context.brandId, { limit: page.limit ?? 50, offset: page.offset ?? 0 });
      return { items: rows.map(toSegment), total };
    },

    async segment(context: StaffContext, segmentId: string): Promise<Segment> {
      requireOffice(context);
      return toSegment(await existingSegment(context.brandId, segmentId));
    },

    async updateSegment(context: StaffContext, segmentId: string, body: SegmentBody): Promise<Segment> {
      requireOffice(context);
      invalidFilter(body.filter);
      await existingSegment(context.brandId, segmentId);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        const row = await repo.updateSegment(tx, context.brandId, segmentId, { name: body.name, filter: body.filter, lastCount: null, lastCountedAt: null, updatedAt: at });
        if (!row) throw segmentNotFound();
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'segment.updated', targetType: 'segment', targetId: segmentId, data: { name: body.name }, at });
        return toSegment(row);
      });
    },

    async deleteSegment(context: StaffContext, segmentId: string): Promise<{ ok: true }> {
      requireOffice(context);
      await existingSegment(context.brandId, segmentId);
      const at = clock.now();
      return withTransaction(db, async (tx) => {
        if (!(await repo.deleteSegment(tx, context.brandId, segmentId))) throw segmentNotFound();
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'segment.deleted', targetType: 'segment', targetId: segmentId, at });
        return { ok: true as const };
      });
    },

    /** Counts a saved segment now and keeps the count on the segment. */
    async countSavedSegment(context: StaffContext, segmentId: string): Promise<SegmentCount> {
      requireOffice(context);
      const row = await existingSegment(context.brandId, segmentId);
      const filter = row.filter as SegmentFilter;
      // a filter saved by an older version may no longer be valid: say so rather than fail inside SQL
      invalidFilter(filter, 'segment/filter');
      const now = clock.now();
      const started = Date.now();
      const count = await countFilter(context.brandId, filter, now);
      const ms = Date.now() - started;
      await repo.updateSegment(db, context.brandId, segmentId, { lastCount: count, lastCountedAt: now });
      return { segmentId, count, countedAt: now.toISOString(), ms };
    },

    async dashboard(context: StaffContext, query: DashboardQuery): Promise<Dashboard> {
      requireOffice(context);
      const now = clock.now();
      const brand = await modules.brands.activeBrandById(context.brandId);
      const to = query.to ?? businessDate(now, brand.timeZone);
      const from = query.from ?? addDays(to, -(DASHBOARD_DEFAULT_DAYS - 1));
      for (const [name, value] of [['from', from], ['to', to]] as const) {
        if (!isCalendarDate(value) || value < '1970-01-01' || value > '9999-12-30') throw new AppError('VALIDATION_FAILED', `${name} is not a calendar date`, [{ path: `querystring/${name}`, message: 'not a real date' }]);
      }
      if (from > to) throw new AppError('VALIDATION_FAILED', 'from must not be after to', [{ path: 'querystring/from', message: 'after to' }]);
      if (daysBetween(from, to) >= DASHBOARD_MAX_DAYS) throw new AppError('VALIDATION_FAILED', `at most ${DASHBOARD_MAX_DAYS} days`, [{ path: 'querystring/from', message: 'range too long' }]);

      const { brandId } = context;
      const { start, end } = await dashboardRepo.dayBounds(db, from, to, brand.timeZone);
      const [members, purchases, points, tiers, scores] = await Promise.all([
        dashboardRepo.memberCounts(db, brandId, start, end),
        dashboardRepo.purchaseFigures(db, brandId, start, end),
        dashboardRepo.pointFigures(db, brandId, start, end),
        dashboardRepo.tierDistribution(db, brandId, now),
        dashboardRepo.scoreDistributions(db, brandId),
      ]);
      const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
      return {
        from,
        to,
        members,
        activeRate: { buyers: purchases.buyers, rate: rate(purchases.buyers, members.total) },
        orders: { count: purchases.orders, netFen: purchases.netFen, averageOrderValueFen: purchases.orders > 0 ? roundRatio(purchases.netFen, purchases.orders) : null },
        repurchase: { buyers: purchases.buyers, repeatBuyers: purchases.repeatBuyers, rate: rate(purchases.repeatBuyers, purchases.buyers) },
        points,
        tiers,
        valueSegments: scores.valueSegments as Dashboard['valueSegments'],
        rfmGrid: scores.rfmGrid,
        scoresComputedAt: scores.computedAt?.toISOString() ?? null,
      };
    },
  };
}
