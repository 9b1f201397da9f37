import { createRandom, cumulative } from './random';

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const draws = (n: number, draw: () => number) => Array.from({ length: n }, draw);

describe('seeded random streams', () => {
  it('gives the same draws for the same seed and stream, different ones otherwise', () => {
    const a = draws(5, createRandom(42, 3).next);
    expect(draws(5, createRandom(42, 3).next)).toEqual(a);
    expect(draws(5, createRandom(42, 4).next)).not.toEqual(a);
    expect(draws(5, createRandom(43, 3).next)).not.toEqual(a);
  });

  it('keeps uniforms strictly inside (0, 1)', () => {
    const random = createRandom(1);
    let low = 1;
    let high = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = random.next();
      low = Math.min(low, u);
      high = Math.max(high, u);
    }
    expect(low).toBeGreaterThan(0);
    expect(high).toBeLessThan(1);
  });

  it('draws gamma, beta, poisson and exponential with the right means', () => {
    const random = createRandom(7);
    expect(mean(draws(20_000, () => random.gamma(0.9, 2)))).toBeCloseTo(1.8, 1);
    expect(mean(draws(20_000, () => random.gamma(6, 0.5)))).toBeCloseTo(3, 1);
    expect(mean(draws(20_000, () => random.beta(1.4, 12)))).toBeCloseTo(1.4 / 13.4, 2);
    expect(mean(draws(20_000, () => random.poisson(0.6)))).toBeCloseTo(0.6, 1);
    expect(mean(draws(20_000, () => random.poisson(80)))).toBeCloseTo(80, 0);
    expect(mean(draws(20_000, () => random.exponential(4)))).toBeCloseTo(0.25, 2);
  });

  it('draws Dirichlet vectors that sum to 1 with means alpha / sum(alpha)', () => {
    const random = createRandom(9);
    const alpha = [3, 1, 0.5, 0.5];
    const totals = [0, 0, 0, 0];
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const draw = random.dirichlet(alpha);
      worst = Math.max(worst, Math.abs(draw.reduce((sum, v) => sum + v, 0) - 1));
      draw.forEach((v, k) => (totals[k]! += v));
    }
    expect(worst).toBeLessThan(1e-9);
    totals.forEach((total, k) => expect(total / 20_000).toBeCloseTo(alpha[k]! / 5, 2));
  });

  it('picks by cumulative weights', () => {
    const random = createRandom(11);
    const counts = [0, 0, 0];
    const sums = cumulative([1, 0, 3]);
    for (let i = 0; i < 40_000; i++) counts[random.pickCumulative(sums)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeCloseTo(3, 0);
  });
});
