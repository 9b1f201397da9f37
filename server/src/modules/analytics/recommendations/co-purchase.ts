/**
 * Item-to-item co-purchase recommendations. Pure: no I/O, no clock.
 *
 * - Histories: per member, the distinct SKUs they bought, with the time of the last purchase of each and
 *   in how many orders they bought it.
 * - Model: for SKUs i ≠ j, the asymmetric cosine of their buyer sets, |buyers(i) ∩ buyers(j)| /
 *   (|buyers(i)|^α · |buyers(j)|^(1−α)) — α = 0.5 the cosine, α = 1 the share of i's buyers who bought j —
 *   kept when at least `minSupport` members bought both; for i itself, its repeat rate (the share of its
 *   buyers who bought it in two or more orders), so a repurchase competes on the same scale. Each SKU keeps
 *   its `neighbours` most similar SKUs.
 * - Scoring: a member's candidates are the neighbours of what they bought, each weighted by how recently
 *   they bought it (half-life `halfLifeDays`); SKUs bought in the last `excludeDays` are left out; the best
 *   `k` are returned, topped up from the most popular SKUs when the neighbours run out.
 */

export interface RecommendationOptions {
  /** how many SKUs per member (default 10) */
  k?: number;
  /** leave out SKUs the member bought this many days before `now` (default 30) */
  excludeDays?: number;
  /** weight of a past purchase halves every this many days (default 180) */
  halfLifeDays?: number;
  /** neighbours kept per SKU (default 50) */
  neighbours?: number;
  /** members who must have bought both SKUs of a pair (default 2) */
  minSupport?: number;
  /** only the most popular SKUs take part, so the pair counts fit in memory (default 5,000) */
  maxItems?: number;
  /**
   * α of the asymmetric cosine |buyers(i) ∩ buyers(j)| / (|buyers(i)|^α · |buyers(j)|^(1−α)): 0.5 is the cosine,
   * 1 the conditional probability P(j | i), which ranks what is likely to be bought, popular SKUs included;
   * in between leans to the likely while still damping what every basket holds (default 0.8, the best hit
   * rate on generated data)
   */
  alpha?: number;
}

export const DEFAULT_RECOMMENDATION_OPTIONS: Required<RecommendationOptions> = {
  k: 10,
  excludeDays: 30,
  halfLifeDays: 180,
  neighbours: 50,
  minSupport: 2,
  maxItems: 5000,
  alpha: 0.8,
};

const DAY_MS = 86_400_000;

/** Growable typed arrays, so millions of (member, SKU) rows take a few bytes each. */
class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Purchase histories, column-wise: member m's rows are `start[m] … start[m + 1] − 1`. A row is one SKU the member
 * bought: `lastAt` (ms; NaN when bought only after the split of an evaluation), `orders` before it, and `later`
 * (bought in the evaluation window after the split).
 */
export interface Histories {
  skus: string[];
  memberIds: string[];
  start: Int32Array;
  item: Int32Array;
  lastAt: Float64Array;
  orders: Int32Array;
  later: Uint8Array;
}

export interface HistoryRow {
  memberId: string;
  sku: string;
  /** ms of the last purchase before the split, or null */
  lastAt: number | null;
  /** orders with this SKU before the split */
  orders: number;
  /** bought in the evaluation window */
  later?: boolean;
}

/** Collects history rows that arrive grouped by member (any member order, each member's rows together). */
export class HistoryBuilder {
  private readonly skuIndex = new Map<string, number>();
  private readonly skus: string[] = [];
  private readonly memberIds: string[] = [];
  private readonly start = new GrowableInt32();
  private readonly item = new GrowableInt32();
  private readonly lastAt = new GrowableFloat64();
  private readonly orders = new GrowableInt32();
  private readonly later: number[] = [];
  private current: string | null = null;

  add(row: HistoryRow): void {
    if (row.memberId !== this.current) {
      this.current = row.memberId;
      this.memberIds.push(row.memberId);
      this.start.push(this.item.length);
    }
    let index = this.skuIndex.get(row.sku);
    if (index === undefined) {
      index = this.skus.length;
      this.skuIndex.set(row.sku, index);
      this.skus.push(row.sku);
    }
    this.item.push(index);
    this.lastAt.push(row.lastAt ?? Number.NaN);
    this.orders.push(row.orders);
    this.later.push(row.later ? 1 : 0);
  }

  build(): Histories {
    const start = new Int32Array(this.memberIds.length + 1);
    start.set(this.start.toArray());
    start[this.memberIds.length] = this.item.length;
    return {
      skus: this.skus,
      memberIds: this.memberIds,
      start,
      item: this.item.toArray(),
      lastAt: this.lastAt.toArray(),
      orders: this.orders.toArray(),
      later: Uint8Array.from(this.later),
    };
  }
}

export function historiesFrom(rows: HistoryRow[]): Histories {
  const builder = new HistoryBuilder();
  for (const row of rows) builder.add(row);
  return builder.build();
}

export interface CoPurchaseModel {
  skus: string[];
  /** SKU j's neighbours are `neighbour[neighbourStart[j] … neighbourStart[j + 1] − 1]` with their similarity */
  neighbourStart: Int32Array;
  neighbour: Int32Array;
  similarity: Float32Array;
  /** members who bought each SKU (before `at`) */
  buyers: Int32Array;
  /** SKU indices, most bought first (by buyers, then by code) */
  popular: Int32Array;
}

/** SKUs by a count, highest first; ties by SKU code so the order is stable. */
function rankBy(counts: ArrayLike<number>, skus: string[]): Int32Array {
  const order = Array.from({ length: counts.length }, (_, i) => i).filter((i) => counts[i]! > 0);
  order.sort((a, b) => counts[b]! - counts[a]! || (skus[a]! < skus[b]! ? -1 : skus[a]! > skus[b]! ? 1 : 0));
  return Int32Array.from(order);
}

/** Learns the co-purchase model from the purchases before `at` (rows with a `lastAt` before it). */
export function trainCoPurchase(histories: Histories, at: number, options: RecommendationOptions = {}): CoPurchaseModel {
  const { neighbours, minSupport, maxItems, alpha } = { ...DEFAULT_RECOMMENDATION_OPTIONS, ...options };
  const { skus, start, item, lastAt, orders } = histories;
  const total = skus.length;
  const bought = (row: number) => lastAt[row]! < at; // NaN (not bought before) is false

  const buyers = new Int32Array(total);
  for (let row = 0; row < item.length; row++) if (bought(row)) buyers[item[row]!]!++;
  const popular = rankBy(buyers, skus);

  // dense pair counts over the (at most maxItems) most bought SKUs
  const kept = popular.subarray(0, Math.min(popular.length, maxItems));
  const dense = new Int32Array(total).fill(-1);
  kept.forEach((sku, position) => {
    dense[sku] = position;
  });
  const size = kept.length;
  const pairs = new Uint32Array(size * size);
  const repeats = new Uint32Array(size);
  const basket: number[] = [];
  for (let m = 0; m + 1 < start.length; m++) {
    basket.length = 0;
    for (let row = start[m]!; row < start[m + 1]!; row++) {
      if (!bought(row)) continue;
      const position = dense[item[row]!]!;
      if (position < 0) continue;
      basket.push(position);
      if (orders[row]! >= 2) repeats[position]!++;
    }
    for (let a = 0; a < basket.length; a++) {
      const rowOffset = basket[a]! * size;
      for (let b = 0; b < basket.length; b++) if (a !== b) pairs[rowOffset + basket[b]!]!++;
    }
  }

  const neighbourStart = new Int32Array(total + 1);
  const neighbourList: number[] = [];
  const similarityList: number[] = [];
  const candidates: { j: number; s: number }[] = [];
  for (let sku = 0; sku < total; sku++) {
    neighbourStart[sku] = neighbourList.length;
    const i = dense[sku]!;
    if (i < 0) continue;
    candidates.length = 0;
    const ni = buyers[sku]!;
    for (let j = 0; j < size; j++) {
      const other = kept[j]!;
      const s = j === i ? repeats[i]! / ni : pairs[i * size + j]! >= minSupport ? pairs[i * size + j]! / (ni ** alpha * buyers[other]! ** (1 - alpha)) : 0;
      if (s > 0) candidates.push({ j: other, s });
    }
    candidates.sort((x, y) => y.s - x.s || x.j - y.j);
    for (const { j, s } of candidates.slice(0, neighbours)) {
      neighbourList.push(j);
      similarityList.push(s);
    }
  }
  neighbourStart[total] = neighbourList.length;
  return { skus, neighbourStart, neighbour: Int32Array.from(neighbourList), similarity: Float32Array.from(similarityList), buyers, popular };
}

export interface Recommendation {
  sku: string;
  score: number;
}

/**
 * Ranks SKUs for every member (or the members `range.from` … `range.to − 1`) from the co-purchase model as of
 * `now`; calls `emit` with the member's index and SKU indices and scores, best first (the arrays are reused:
 * copy what you keep). Members with no purchase before `now` are skipped.
 */
export function scoreMembers(
  histories: Histories,
  model: CoPurchaseModel,
  now: number,
  options: RecommendationOptions,
  emit: (member: number, items: Int32Array, scores: Float64Array) => void,
  range: { from: number; to: number } = { from: 0, to: histories.memberIds.length },
): void {
  const { k, excludeDays, halfLifeDays } = { ...DEFAULT_RECOMMENDATION_OPTIONS, ...options };
  if (histories.skus !== model.skus) throw new Error('score with the histories the model was trained on: SKU numbers are theirs');
  const { start, item, lastAt } = histories;
  const total = model.skus.length;
  const score = new Float64Array(total);
  const excluded = new Uint8Array(total);
  const seen = new Uint8Array(total);
  const touched: number[] = [];
  const excludeFrom = now - excludeDays * DAY_MS;
  const decay = Math.LN2 / (halfLifeDays * DAY_MS);
  const topItems = new Int32Array(k);
  const topScores = new Float64Array(k);

  for (let m = Math.max(0, range.from); m < Math.min(range.to, start.length - 1); m++) {
    touched.length = 0;
    let any = false;
    for (let row = start[m]!; row < start[m + 1]!; row++) {
      const at = lastAt[row]!;
      if (!(at < now)) continue;
      any = true;
      const sku = item[row]!;
      if (at >= excludeFrom) excluded[sku] = 1;
      const weight = Math.exp(-(now - at) * decay);
      for (let n = model.neighbourStart[sku]!; n < model.neighbourStart[sku + 1]!; n++) {
        const j = model.neighbour[n]!;
        if (!seen[j]) {
          seen[j] = 1;
          touched.push(j);
        }
        score[j]! += weight * model.similarity[n]!;
      }
    }
    if (!any) continue;

    // top k by score (ties: the more popular SKU), then popular SKUs to fill up
    let count = 0;
    for (const j of touched) {
      if (excluded[j]) continue;
      const s = score[j]!;
      if (count === k && !better(s, j, topScores[k - 1]!, topItems[k - 1]!, model.buyers)) continue;
      let at = count < k ? count++ : k - 1;
      while (at > 0 && better(s, j, topScores[at - 1]!, topItems[at - 1]!, model.buyers)) {
        topScores[at] = topScores[at - 1]!;
        topItems[at] = topItems[at - 1]!;
        at--;
      }
      topScores[at] = s;
      topItems[at] = j;
    }
    for (let p = 0; count < k && p < model.popular.length; p++) {
      const j = model.popular[p]!;
      if (excluded[j] || seen[j]) continue;
      topItems[count] = j;
      topScores[count] = 0;
      count++;
    }
    emit(m, topItems.subarray(0, count), topScores.subarray(0, count));

    for (const j of touched) {
      score[j] = 0;
      seen[j] = 0;
    }
    for (let row = start[m]!; row < start[m + 1]!; row++) excluded[item[row]!] = 0;
  }
}

function better(score: number, sku: number, otherScore: number, otherSku: number, buyers: Int32Array): boolean {
  if (score !== otherScore) return score > otherScore;
  if (buyers[sku] !== buyers[otherSku]) return buyers[sku]! > buyers[otherSku]!;
  return sku < otherSku;
}

/** The top `k` for one member as SKU codes, for callers that score a handful. */
export function recommendFor(histories: Histories, model: CoPurchaseModel, memberId: string, now: number, options: RecommendationOptions = {}): Recommendation[] {
  const index = histories.memberIds.indexOf(memberId);
  if (index < 0) return [];
  const single: Histories = {
    ...histories,
    memberIds: [memberId],
    start: Int32Array.from([histories.start[index]!, histories.start[index + 1]!]),
  };
  let result: Recommendation[] = [];
  scoreMembers(single, model, now, options, (_, items, scores) => {
    result = Array.from(items, (sku, i) => ({ sku: model.skus[sku]!, score: roundScore(scores[i]!) }));
  });
  return result;
}

export function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
