import type { Db } from '../../../db/client';
import { DEFAULT_RECOMMENDATION_OPTIONS, HistoryBuilder, roundScore, scoreMembers, trainCoPurchase, type Histories, type RecommendationOptions } from './co-purchase';
import { evaluateSplit, type EvaluationOptions, type EvaluationResult } from './evaluation';
import * as repo from './recommendations.repository';

const DAY_MS = 86_400_000;
const WRITE_BATCH = 2000;

export interface ComputeSummary {
  /** members who got recommendations */
  members: number;
  skus: number;
  /** rows of members with no purchases any more, dropped */
  removed: number;
  seconds: number;
}

export type RecommendationProgress = (stage: 'reading' | 'writing', done: number, total?: number) => void;

/** Every (member, SKU) bought before `until`, with the split for evaluation (`split` = `until` when only computing). */
export async function loadHistories(db: Db, brandId: string, split: Date, until: Date, progress?: RecommendationProgress): Promise<Histories> {
  const builder = new HistoryBuilder();
  let read = 0;
  await db.transaction(
    (tx) =>
      repo.readHistories(tx, brandId, { split, until }, (rows) => {
        for (const row of rows) builder.add(row);
        read += rows.length;
        progress?.('reading', read);
      }),
    { accessMode: 'read only' },
  );
  return builder.build();
}

/**
 * Recomputes every member's next-item recommendations of a brand as of `now` from the co-purchases before it,
 * and writes them to the recommendations table in batches; members who no longer have purchases lose theirs.
 */
export async function computeRecommendations(db: Db, brandId: string, now: Date, options: RecommendationOptions & { progress?: RecommendationProgress } = {}): Promise<ComputeSummary> {
  const started = performance.now();
  const histories = await loadHistories(db, brandId, now, now, options.progress);
  const model = trainCoPurchase(histories, now.getTime(), options);
  const members = histories.memberIds.length;
  let written = 0;
  for (let from = 0; from < members; from += WRITE_BATCH) {
    const rows: repo.RecommendationRow[] = [];
    scoreMembers(
      histories,
      model,
      now.getTime(),
      options,
      (m, items, scores) => rows.push({ memberId: histories.memberIds[m]!, items: Array.from(items, (sku, i) => ({ sku: model.skus[sku]!, score: roundScore(scores[i]!) })) }),
      { from, to: from + WRITE_BATCH },
    );
    await repo.upsertRecommendations(db, brandId, rows, now);
    written += rows.length;
    options.progress?.('writing', Math.min(from + WRITE_BATCH, members), members);
  }
  const removed = await repo.deleteRecommendationsNotComputedAt(db, brandId, now);
  return { members: written, skus: model.popular.length, removed, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/** Hit-rate@10 of the co-purchase model and of the popularity baseline on a time split (see evaluation.ts). */
export async function evaluateRecommendations(
  db: Db,
  brandId: string,
  split: Date,
  options: EvaluationOptions & { progress?: RecommendationProgress } = {},
): Promise<EvaluationResult & { seconds: number }> {
  const started = performance.now();
  const horizonDays = options.horizonDays ?? 90;
  const histories = await loadHistories(db, brandId, split, new Date(split.getTime() + horizonDays * DAY_MS), options.progress);
  const { model: _model, ...result } = evaluateSplit(histories, split.getTime(), { ...DEFAULT_RECOMMENDATION_OPTIONS, ...options, horizonDays });
  return { ...result, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

export async function recommendationsOf(db: Db, brandId: string, memberId: string) {
  return repo.findRecommendations(db, brandId, memberId);
}
