/**
 * Offline evaluation on a time split: the model learns from purchases before the split T and ranks `k` SKUs
 * per member as of T; a member counts when they bought before T and bought anything in the `horizonDays`
 * after T; a hit is one of the `k` among what they bought then. The baseline ranks by popularity — the
 * SKUs most members bought in the `popularityDays` before T — with the same exclusion of recent purchases.
 * Pure.
 */
import { DEFAULT_RECOMMENDATION_OPTIONS, scoreMembers, trainCoPurchase, type CoPurchaseModel, type Histories, type RecommendationOptions } from './co-purchase';

export interface EvaluationOptions extends RecommendationOptions {
  /** days after the split in which a purchase of a recommended SKU is a hit (default 90) */
  horizonDays?: number;
  /** the popularity baseline counts buyers in this many days before the split (default 90) */
  popularityDays?: number;
}

export interface EvaluationResult {
  split: string;
  horizonDays: number;
  k: number;
  excludeDays: number;
  /** members who bought before the split and in the horizon after it */
  members: number;
  skus: number;
  hits: number;
  hitRateAt10: number;
  popularityHits: number;
  popularityHitRateAt10: number;
  /** hit rate over the baseline's */
  lift: number | null;
}

const DAY_MS = 86_400_000;

/** SKUs by members who bought them in [from, to), then by all buyers before `to` for the rest. */
export function popularityRanking(histories: Histories, from: number, to: number): Int32Array {
  const recent = new Float64Array(histories.skus.length);
  for (let row = 0; row < histories.item.length; row++) {
    const at = histories.lastAt[row]!;
    if (at < to) recent[histories.item[row]!]! += at >= from ? 1 : 1e-9; // older buyers only break ties
  }
  const order = Array.from({ length: recent.length }, (_, i) => i).filter((i) => recent[i]! > 0);
  order.sort((a, b) => recent[b]! - recent[a]! || (histories.skus[a]! < histories.skus[b]! ? -1 : 1));
  return Int32Array.from(order);
}

export function evaluateSplit(histories: Histories, split: number, options: EvaluationOptions = {}): EvaluationResult & { model: CoPurchaseModel } {
  const settings = { ...DEFAULT_RECOMMENDATION_OPTIONS, horizonDays: 90, popularityDays: 90, ...options };
  const { k, excludeDays } = settings;
  const model = trainCoPurchase(histories, split, settings);
  const popular = popularityRanking(histories, split - settings.popularityDays * DAY_MS, split);
  const { start, item, lastAt, later } = histories;
  const excludeFrom = split - excludeDays * DAY_MS;
  const boughtLater = new Uint8Array(histories.skus.length);
  const excluded = new Uint8Array(histories.skus.length);

  let members = 0;
  let hits = 0;
  let popularityHits = 0;
  scoreMembers(histories, model, split, settings, (m, items) => {
    let any = false;
    for (let row = start[m]!; row < start[m + 1]!; row++) {
      if (later[row]) {
        boughtLater[item[row]!] = 1;
        any = true;
      }
      if (lastAt[row]! >= excludeFrom && lastAt[row]! < split) excluded[item[row]!] = 1;
    }
    if (any) {
      members++;
      if (items.some((sku) => boughtLater[sku] === 1)) hits++;
      let taken = 0;
      for (let p = 0; taken < k && p < popular.length; p++) {
        const sku = popular[p]!;
        if (excluded[sku]) continue;
        taken++;
        if (boughtLater[sku]) {
          popularityHits++;
          break;
        }
      }
    }
    for (let row = start[m]!; row < start[m + 1]!; row++) {
      boughtLater[item[row]!] = 0;
      excluded[item[row]!] = 0;
    }
  });

  const rate = (n: number) => (members ? Math.round((n / members) * 10_000) / 10_000 : 0);
  return {
    split: new Date(split).toISOString(),
    horizonDays: settings.horizonDays,
    k,
    excludeDays,
    members,
    skus: model.popular.length,
    hits,
    hitRateAt10: rate(hits),
    popularityHits,
    popularityHitRateAt10: rate(popularityHits),
    lift: popularityHits ? Math.round((hits / popularityHits) * 1000) / 1000 : null,
    model,
  };
}
