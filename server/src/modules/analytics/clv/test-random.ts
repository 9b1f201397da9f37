/**
 * Seeded random draws for the tests' simulations (not used by the models): a 32-bit xorshift
 * generator, normals by Box–Muller, gammas by Marsaglia & Tsang's squeeze method.
 */
export interface Random {
  uniform(): number;
  exponential(rate: number): number;
  /** Gamma with the given shape and rate (mean shape / rate) */
  gamma(shape: number, rate: number): number;
  beta(a: number, b: number): number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296; // strictly inside (0, 1)
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v <= 0) continue;
      if (Math.log(uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  return {
    uniform,
    exponential: (rate) => -Math.log(uniform()) / rate,
    gamma,
    beta: (a, b) => {
      const x = gamma(a, 1);
      return x / (x + gamma(b, 1));
    },
  };
}
