import { businessDate, type ScoringSummary, type SegmentRules } from '@memberloop/shared';
import type { Db } from '../../db/client';
import { withTransaction, type Tx } from '../../db/transaction';
import { expectedPurchases, fitBgNbd, fitGammaGamma, probabilityAlive, type BgNbdParams } from './clv';
import * as repo from './scoring.repository';
import * as store from './analytics.repository';

export interface ScoringProgress {
  stage: 'buyers' | 'categories' | 'events' | 'base' | 'clv_fit' | 'clv_predict' | 'write' | 'done';
  done: number;
  total: number;
}

export type ProgressCallback = (progress: ScoringProgress) => void;

export interface ScoringSettings {
  timeZone: string;
  rfmWindowDays: number;
  clvHorizonDays: number;
  discountRatePermille: number;
  rules: SegmentRules;
}

/** Customers the CLV models are fitted on (a fixed hash sample of the buyers beyond this). */
export const CLV_FIT_SAMPLE = 30_000;
/** Fewer buyers than this, or fewer repeat buyers, and the brand gets no CLV: the estimates would be noise. */
export const CLV_MIN_BUYERS = 20;
export const CLV_MIN_REPEAT_BUYERS = 5;
/** Gamma-Gamma needs this many repeat buyers; with fewer, the brand's mean purchase day stands in. */
export const GG_MIN_REPEAT_BUYERS = 10;
/** Members per upsert statement (and per progress report). */
export const WRITE_BATCH = 50_000;
const CLV_INSERT_BATCH = 20_000;
/** CLV is discounted per step of this many days. */
const DISCOUNT_STEP_DAYS = 30;

export interface ClvPrediction {
  pAlive: number;
  /** null when the BG/NBD expectation could not be evaluated for this customer */
  expectedPurchases: number | null;
  discountedPurchases: number | null;
  failure?: string;
}

/**
 * P(alive), expected purchases over the horizon, and the same discounted: the expected purchases of
 * each 30-day step weighed by (1 + yearly rate)^(−step end / 365).
 */
export function predictClv(params: BgNbdParams, customer: { x: number; tx: number; T: number }, horizonDays: number, yearlyRate: number): ClvPrediction {
  const pAlive = probabilityAlive(params, customer);
  let previous = 0;
  let discounted = 0;
  try {
    for (let end = DISCOUNT_STEP_DAYS; ; end += DISCOUNT_STEP_DAYS) {
      const t = Math.min(end, horizonDays);
      const expected = Math.max(previous, expectedPurchases(params, customer, t));
      discounted += (expected - previous) / Math.pow(1 + yearlyRate, t / 365);
      previous = expected;
      if (t >= horizonDays) break;
    }
  } catch (error) {
    // the library refuses rather than return a wrong number: this customer gets P(alive) but no expectation
    return { pAlive, expectedPurchases: null, discountedPurchases: null, failure: error instanceof Error ? error.message : String(error) };
  }
  return { pAlive, expectedPurchases: previous, discountedPurchases: discounted };
}

const DAY_MS = 86_400_000;

/** The UTC offset of a zone at an instant, in seconds (east positive). */
function offsetSeconds(format: Intl.DateTimeFormat, instant: number): number {
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((local - Math.floor(instant / 1000) * 1000) / 1000);
}

/**
 * The zone's offset when it has been the same over the span scoring looks at (every fortnight of the
 * last 20 years and the next one), else null: then days are computed with `at time zone` per row.
 */
export function fixedOffsetSeconds(timeZone: string, now: Date): number | null {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const first = offsetSeconds(format, now.getTime());
  for (let days = -366; days <= 20 * 366; days += 14) {
    if (offsetSeconds(format, now.getTime() - days * DAY_MS) !== first) return null;
  }
  return first;
}

/** The business day of an instant in a zone, as days since 1970-01-01. */
export function dayNumber(instant: Date, timeZone: string): number {
  return Date.parse(`${businessDate(instant, timeZone)}T00:00:00Z`) / DAY_MS;
}

/**
 * Recomputes the scores of every member of one brand at `now`, in one transaction: readers see the
 * previous scores until the new ones are all in. The heavy lifting is set-based SQL over temporary
 * tables (scoring.repository); only the CLV models are fitted and evaluated here, once per distinct
 * (x, tₓ, T). Scorings of one brand queue on an advisory lock.
 */
export async function scoreBrand(db: Db, brandId: string, now: Date, settings: ScoringSettings, progress?: ProgressCallback): Promise<ScoringSummary> {
  const started = Date.now();
  const report = (stage: ScoringProgress['stage'], done: number, total: number) => progress?.({ stage, done, total });
  const params: repo.ScoringParams = {
    brandId,
    now,
    timeZone: settings.timeZone,
    fixedOffsetSeconds: fixedOffsetSeconds(settings.timeZone, now),
    today: dayNumber(now, settings.timeZone),
    rfmWindowDays: settings.rfmWindowDays,
    rules: settings.rules,
  };
  const summary = await withTransaction(
    db,
    async (tx: Tx) => {
      await repo.lockBrand(tx, brandId);
      await repo.prepareSession(tx);
      const buyers = await repo.buildBuyers(tx, params);
      report('buyers', buyers, buyers);
      await repo.buildCategoryCycles(tx, params);
      report('categories', 1, 1);
      await repo.buildEventCounts(tx, params);
      report('events', 1, 1);
      const members = await repo.buildBase(tx, params);
      report('base', members, members);

      const clv = await fitAndPredict(tx, brandId, now, settings, report);
      await repo.buildScores(tx, clv.fitted, clv.spend);
      const limits = await repo.thresholds(tx, settings.rules);

      const boundaries = await repo.batchBoundaries(tx, WRITE_BATCH);
      let after: string | null = null;
      let written = 0;
      for (const upTo of [...boundaries, null]) {
        await repo.upsertScores(tx, params, limits, { after, upTo });
        written = upTo === null ? members : written + WRITE_BATCH;
        report('write', written, members);
        after = upTo;
      }
      report('done', members, members);
      return {
        brandId,
        computedAt: now.toISOString(),
        members,
        buyers,
        clvFitted: clv.fitted,
        clvFailures: clv.failures,
        clvFirstFailure: clv.firstFailure,
        clvFitStatus: clv.fitStatus,
        ms: Date.now() - started,
      };
    },
    { retries: 0 },
  );
  // a million rewritten rows: fresh statistics for the segment planner, and a visibility map so
  // segment counts can read the covering indexes without visiting the table
  await repo.refreshScoresTable(db).catch(() => undefined);
  return summary;
}

async function fitAndPredict(tx: Tx, brandId: string, now: Date, settings: ScoringSettings, report: (stage: ScoringProgress['stage'], done: number, total: number) => void) {
  const sample = await repo.clvSample(tx, CLV_FIT_SAMPLE);
  const fallbackFen = await repo.meanPurchaseDayFen(tx);
  const repeaters = sample.filter((customer) => customer.x > 0);
  const none = { fitted: false, spend: { gammaGamma: null, fallbackFen }, failures: 0, firstFailure: null, fitStatus: null };
  if (sample.length < CLV_MIN_BUYERS || repeaters.length < CLV_MIN_REPEAT_BUYERS) {
    await store.deleteClvModel(tx, brandId);
    return none;
  }
  report('clv_fit', 0, 2);
  const bgnbd = fitBgNbd(sample);
  const spenders = repeaters.filter((customer) => customer.repeatFen > 0).map((customer) => ({ x: customer.x, monetary: customer.repeatFen / customer.x / 100 }));
  const gammaGamma = spenders.length >= GG_MIN_REPEAT_BUYERS ? fitGammaGamma(spenders) : null;
  report('clv_fit', 2, 2);
  await store.upsertClvModel(tx, {
    brandId,
    fittedAt: now,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: gammaGamma ? { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood } : null,
    customers: sample.length,
  });

  const combos = await repo.distinctRecencyFrequency(tx);
  await repo.createClvTable(tx);
  const yearlyRate = settings.discountRatePermille / 1000;
  let batch: repo.ClvRow[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  for (let i = 0; i < combos.length; i++) {
    const customer = combos[i]!;
    const { failure, ...prediction } = predictClv(bgnbd.params, customer, settings.clvHorizonDays, yearlyRate);
    if (failure) {
      failures++;
      firstFailure ??= `${failure} with r=${bgnbd.params.r}, alpha=${bgnbd.params.alpha}, a=${bgnbd.params.a}, b=${bgnbd.params.b}`;
    }
    batch.push({ ...customer, ...prediction });
    if (batch.length === CLV_INSERT_BATCH || i === combos.length - 1) {
      await repo.insertClvRows(tx, batch);
      batch = [];
      report('clv_predict', i + 1, combos.length);
    }
  }
  await repo.indexClvTable(tx);
  return { fitted: true, spend: { gammaGamma: gammaGamma?.params ?? null, fallbackFen }, failures, firstFailure, fitStatus: bgnbd.status };
}
