/**
 * Seeded random draws for the data generator: sfc32 streams keyed by (seed, stream), so each member's
 * history depends only on the seed and the member's index — not on batch sizes or the order of work.
 */

export interface Random {
  /** uniform in (0, 1), never exactly 0 or 1 */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  chance(p: number): boolean;
  normal(): number;
  exponential(rate: number): number;
  /** Gamma with the given shape and scale (mean shape × scale) */
  gamma(shape: number, scale: number): number;
  beta(a: number, b: number): number;
  poisson(mean: number): number;
  /** a draw from Dirichlet(alpha) */
  dirichlet(alpha: ArrayLike<number>): Float64Array;
  /** an index drawn with the given (not necessarily normalized) cumulative weights */
  pickCumulative(cumulative: ArrayLike<number>): number;
  pick<T>(items: readonly T[]): T;
}

/** splitmix32 finalizer: spreads (seed, stream) over 32 bits so neighbouring streams are unrelated. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function createRandom(seed: number, stream = 0): Random {
  let a = mix32(seed);
  let b = mix32(a ^ stream);
  let c = mix32(b + Math.imul(stream, 0x27d4eb2d));
  let d = 1;
  const next32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's small fast chaotic generator)
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();

  const next = (): number => (next32() + 0.5) / 4294967296;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(next()));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const gamma = (shape: number, scale: number): number => {
    if (shape < 1) return gamma(shape + 1, scale) * Math.pow(next(), 1 / shape);
    // Marsaglia & Tsang (2000)
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      const z = normal();
      const v = (1 + cc * z) ** 3;
      if (v <= 0) continue;
      const u = next();
      if (u < 1 - 0.0331 * z ** 4 || Math.log(u) < 0.5 * z * z + dd - dd * v + dd * Math.log(v)) return dd * v * scale;
    }
  };
  const random: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    normal,
    exponential: (rate) => -Math.log(next()) / rate,
    gamma,
    beta(alpha, beta) {
      const x = gamma(alpha, 1);
      return x / (x + gamma(beta, 1));
    },
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
      const limit = Math.exp(-mean);
      let k = 0;
      let product = next();
      while (product > limit) {
        k++;
        product *= next();
      }
      return k;
    },
    dirichlet(alpha) {
      const draws = new Float64Array(alpha.length);
      let total = 0;
      for (let i = 0; i < alpha.length; i++) {
        draws[i] = gamma(alpha[i]!, 1);
        total += draws[i]!;
      }
      for (let i = 0; i < draws.length; i++) draws[i]! /= total;
      return draws;
    },
    pickCumulative(cumulative) {
      const target = next() * cumulative[cumulative.length - 1]!;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (cumulative[middle]! > target) high = middle;
        else low = middle + 1;
      }
      return low;
    },
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
  return random;
}

/** Running sums of `weights`, for `pickCumulative`. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += weights[i]!;
    sums[i] = total;
  }
  return sums;
}
