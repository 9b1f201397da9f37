import { historiesFrom, recommendFor, scoreMembers, trainCoPurchase, type HistoryRow } from './co-purchase';
import { evaluateSplit, popularityRanking } from './evaluation';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const ago = (days: number) => NOW - days * DAY;
const row = (memberId: string, sku: string, daysAgo: number, orders = 1, later = false): HistoryRow => ({ memberId, sku, lastAt: ago(daysAgo), orders, later });

describe('the co-purchase model', () => {
  const histories = historiesFrom([
    row('m1', 'A', 100),
    row('m1', 'B', 90),
    row('m2', 'A', 200),
    row('m2', 'B', 10),
    row('m3', 'A', 50),
    row('m3', 'C', 40),
    row('m4', 'C', 300, 2),
    row('m5', 'D', -5), // bought only after now: not part of the model
  ]);

  it('scores pairs by the cosine of their buyers (α = 0.5) and a SKU with itself by its repeat rate', () => {
    const model = trainCoPurchase(histories, NOW, { minSupport: 1, alpha: 0.5 });
    const neighbours = (sku: string) => {
      const i = model.skus.indexOf(sku);
      return Object.fromEntries(
        Array.from(model.neighbour.subarray(model.neighbourStart[i]!, model.neighbourStart[i + 1]!), (j, n) => [model.skus[j]!, Math.round(model.similarity[model.neighbourStart[i]! + n]! * 1e4) / 1e4]),
      );
    };
    expect(neighbours('A')).toEqual({ B: Math.round((2 / Math.sqrt(6)) * 1e4) / 1e4, C: Math.round((1 / Math.sqrt(6)) * 1e4) / 1e4 });
    expect(neighbours('C')).toEqual({ C: 0.5, A: Math.round((1 / Math.sqrt(6)) * 1e4) / 1e4 });
    expect(neighbours('D')).toEqual({});
    expect(Array.from(model.popular, (i) => model.skus[i])).toEqual(['A', 'B', 'C']);
    // α = 1: the share of A's buyers who bought B, and of B's who bought A
    const conditional = trainCoPurchase(histories, NOW, { minSupport: 1, alpha: 1 });
    const a = conditional.skus.indexOf('A');
    expect(conditional.similarity[conditional.neighbourStart[a]!]).toBeCloseTo(2 / 3, 6);
    const b = conditional.skus.indexOf('B');
    expect(conditional.similarity[conditional.neighbourStart[b]!]).toBeCloseTo(1, 6);
  });

  it('needs minSupport members for a pair', () => {
    const model = trainCoPurchase(histories, NOW, { minSupport: 2 });
    const a = model.skus.indexOf('A');
    expect(Array.from(model.neighbour.subarray(model.neighbourStart[a]!, model.neighbourStart[a + 1]!), (j) => model.skus[j])).toEqual(['B']);
  });

  it('ranks neighbours of what a member bought, tops up from popular SKUs, and leaves out recent purchases', () => {
    const model = trainCoPurchase(histories, NOW, { minSupport: 1 });
    // m1 bought A and B months ago: each is the other's neighbour (bought again together), then C, A's neighbour
    expect(recommendFor(histories, model, 'm1', NOW, { k: 3 }).map((r) => r.sku)).toEqual(['A', 'B', 'C']);
    // m2 bought B ten days ago: B is left out, and only A and C remain in the catalogue
    expect(recommendFor(histories, model, 'm2', NOW, { k: 3 }).map((r) => r.sku)).toEqual(['A', 'C']);
    expect(recommendFor(histories, model, 'm2', NOW, { k: 3, excludeDays: 5 }).map((r) => r.sku)).toEqual(['A', 'B', 'C']);
    // m4 bought only C: its repeat rate and its neighbour A, then B from popularity with a score of 0
    expect(recommendFor(histories, model, 'm4', NOW, { k: 3 })).toEqual([
      { sku: 'C', score: expect.any(Number) },
      { sku: 'A', score: expect.any(Number) },
      { sku: 'B', score: 0 },
    ]);
    // m5 bought nothing before now
    expect(recommendFor(histories, model, 'm5', NOW)).toEqual([]);
  });

  it('weights recent purchases more than old ones', () => {
    const trained = historiesFrom([
      row('a', 'X', 100),
      row('a', 'P', 100),
      row('b', 'X', 100),
      row('b', 'P', 100),
      row('c', 'Y', 100),
      row('c', 'Q', 100),
      row('d', 'Y', 100),
      row('d', 'Q', 100),
      row('e', 'X', 400),
      row('e', 'Y', 40),
    ]);
    const model = trainCoPurchase(trained, NOW, { minSupport: 1 });
    // e bought X long ago and Y lately: Y's partner Q comes before X's partner P
    const ranked = recommendFor(trained, model, 'e', NOW, { k: 4, excludeDays: 0 }).map((r) => r.sku);
    expect(ranked.indexOf('Q')).toBeLessThan(ranked.indexOf('P'));
  });

  it('refuses histories the model was not trained on (SKU numbering would not match)', () => {
    const model = trainCoPurchase(histories, NOW);
    expect(() => scoreMembers(historiesFrom([row('x', 'C', 3)]), model, NOW, {}, () => {})).toThrow(/trained on/);
  });

  it('never lists a SKU twice and keeps scores in order', () => {
    const model = trainCoPurchase(histories, NOW, { minSupport: 1 });
    scoreMembers(histories, model, NOW, { k: 10 }, (_, items, scores) => {
      expect(new Set(items).size).toBe(items.length);
      for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]!);
    });
  });
});

describe('offline evaluation', () => {
  /** Members buy from 60 SKUs by popularity; who bought a bundle's first SKU often buys its partner later. */
  function plantedBundles(members: number) {
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state / 4_294_967_296;
    };
    const popularSku = () => `s${Math.min(59, Math.floor(-Math.log(random()) * 8))}`;
    const bundles: [string, string][] = [
      ['s30', 's41'],
      ['s33', 's47'],
      ['s36', 's52'],
      ['s39', 's55'],
    ];
    const rows: HistoryRow[] = [];
    for (let m = 0; m < members; m++) {
      const bought = new Map<string, { at: number; later: boolean }>();
      const buy = (sku: string, at: number) => {
        const previous = bought.get(sku);
        if (at >= NOW) bought.set(sku, { at: previous?.at ?? Number.NaN, later: true });
        else if (!previous || !(previous.at > at)) bought.set(sku, { at, later: previous?.later ?? false });
      };
      for (let p = 0; p < 3; p++) buy(popularSku(), ago(40 + random() * 300));
      const [first, partner] = bundles[m % bundles.length]!;
      if (random() < 0.5) {
        const at = ago(-80 + random() * 400);
        buy(first, at);
        if (random() < 0.7) buy(partner, at + (10 + random() * 60) * DAY);
      }
      if (random() < 0.5) buy(popularSku(), ago(-random() * 80));
      for (const [sku, { at, later }] of bought) rows.push({ memberId: `m${m}`, sku, lastAt: Number.isNaN(at) ? null : at, orders: 1, later });
    }
    return historiesFrom(rows);
  }

  it('beats the popularity baseline where bundles are planted', () => {
    const result = evaluateSplit(plantedBundles(4000), NOW, { horizonDays: 90 });
    expect(result.members).toBeGreaterThan(1000);
    expect(result.hitRateAt10).toBeGreaterThan(result.popularityHitRateAt10 + 0.05);
  });

  it('ranks popularity by recent buyers first', () => {
    const histories = historiesFrom([row('a', 'old', 300), row('b', 'old', 300), row('c', 'old', 300), row('a', 'new', 20), row('b', 'new', 10)]);
    expect(Array.from(popularityRanking(histories, ago(90), NOW), (i) => histories.skus[i])).toEqual(['new', 'old']);
  });
});
