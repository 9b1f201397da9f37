import { bgnbdCustomerLogLikelihood, bgnbdLogLikelihood, expectedPurchases, fitBgNbd, groupCustomers, probabilityAlive, type BgNbdParams, type RecencyFrequency } from './bgnbd';
import { logBeta, logGamma } from './special';
import { seededRandom } from './test-random';

/** The estimates FHL (2005) publish for the CDNOW sample. */
const published: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** Adaptive Simpson quadrature, for checking closed forms against their integrals. */
function integrate(f: (u: number) => number, lo: number, hi: number, tolerance: number): number {
  const step = (a: number, b: number, fa: number, fm: number, fb: number, whole: number, tol: number, depth: number): number => {
    const m = (a + b) / 2;
    const flm = f((a + m) / 2);
    const frm = f((m + b) / 2);
    const left = ((m - a) / 6) * (fa + 4 * flm + fm);
    const right = ((b - m) / 6) * (fm + 4 * frm + fb);
    if (depth === 0 || Math.abs(left + right - whole) <= 15 * tol) return left + right + (left + right - whole) / 15;
    return step(a, m, fa, flm, fm, left, tol / 2, depth - 1) + step(m, b, fm, frm, fb, right, tol / 2, depth - 1);
  };
  const [fa, fm, fb] = [f(lo), f((lo + hi) / 2), f(hi)];
  return step(lo, hi, fa, fm, fb, ((hi - lo) / 6) * (fa + 4 * fm + fb), tolerance, 50);
}

/**
 * E[Y(t) | x, tₓ, T] from its definition rather than the ₂F₁ form: given alive, λ ~ Gamma(r+x, α+T) and
 * p ~ Beta(a, b+x), and E[Y(t) | λ, p] = (1 − e^(−λpt)) / p, so
 * E[Y(t) | alive] = ∫ (1 − ((α+T)/(α+T+pt))^(r+x)) / p · Beta(p; a, b+x) dp, integrated with p = u^(1/a).
 */
function expectedPurchasesByQuadrature(params: BgNbdParams, customer: RecencyFrequency, t: number): number {
  const { r, alpha, a, b } = params;
  const shape = r + customer.x;
  const beta = b + customer.x;
  const w = t / (alpha + customer.T);
  const perP = (p: number) => (p === 0 ? shape * w : -Math.expm1(-shape * Math.log1p(p * w)) / p);
  const integral = integrate((u) => {
    const p = Math.pow(u, 1 / a);
    return perP(p) * Math.pow(1 - p, beta - 1);
  }, 0, 1, 1e-12);
  return (integral / (a * Math.exp(logBeta(a, beta)))) * probabilityAlive(params, customer);
}

describe('BG/NBD log-likelihood', () => {
  it('equals FHL (2005) eq. 6 evaluated directly', () => {
    const params = { r: 0.8, alpha: 3, a: 1.4, b: 2.2 };
    for (const c of [{ x: 0, tx: 0, T: 20 }, { x: 3, tx: 12, T: 20 }, { x: 1, tx: 20, T: 20 }]) {
      const { r, alpha, a, b } = params;
      const { x, tx, T } = c;
      const common = Math.exp(logGamma(r + x) - logGamma(r)) * alpha ** r;
      const first = Math.exp(logBeta(a, b + x) - logBeta(a, b)) * common / (alpha + T) ** (r + x);
      const second = x > 0 ? (Math.exp(logBeta(a + 1, b + x - 1) - logBeta(a, b)) * common) / (alpha + tx) ** (r + x) : 0;
      expect(bgnbdCustomerLogLikelihood(params, c)).toBeCloseTo(Math.log(first + second), 12);
    }
  });

  it('is a proper distribution over x for a customer observed for T (the probabilities sum to 1)', () => {
    // with T fixed, integrating the likelihood over tₓ ∈ (0, T) for x ≥ 1 and adding x = 0 gives 1
    const params = { r: 1.3, alpha: 2, a: 0.9, b: 3 };
    const T = 4;
    let total = Math.exp(bgnbdCustomerLogLikelihood(params, { x: 0, tx: 0, T }));
    for (let x = 1; x < 80; x++) {
      total += integrate((tx) => Math.exp(bgnbdCustomerLogLikelihood(params, { x, tx, T })) * (x * tx ** (x - 1)) / T ** x * (T ** x / (x * tx ** (x - 1))) * densityOfLastPurchase(x, tx), 0, T, 1e-12);
    }
    expect(total).toBeCloseTo(1, 6);

    // the likelihood is P(X = x, last purchase at tₓ) per unit tₓ only up to the factor tₓ^(x−1) x!/… of the
    // Poisson order statistics; densityOfLastPurchase supplies it: λ^x tₓ^(x−1)/(x−1)! is absorbed in L.
    function densityOfLastPurchase(x: number, tx: number): number {
      return Math.exp((x - 1) * Math.log(tx) - logGamma(x));
    }
  });

  it('adds customers, and groups identical ones without changing the total', () => {
    const customers = [{ x: 0, tx: 0, T: 10 }, { x: 2, tx: 5, T: 10 }, { x: 0, tx: 0, T: 10 }];
    const total = bgnbdLogLikelihood(published, customers);
    expect(total).toBeCloseTo(customers.reduce((s, c) => s + bgnbdCustomerLogLikelihood(published, c), 0), 10);
    const groups = groupCustomers(customers);
    expect(groups).toHaveLength(2);
    expect(bgnbdLogLikelihood(published, groups)).toBeCloseTo(total, 10);
  });

  it('rejects invalid customers and parameters', () => {
    expect(() => groupCustomers([{ x: 1, tx: 5, T: 4 }])).toThrow(RangeError);
    expect(() => groupCustomers([{ x: 1.5, tx: 1, T: 4 }])).toThrow(RangeError);
    expect(() => bgnbdLogLikelihood({ ...published, a: 0 }, [])).toThrow(RangeError);
    expect(() => expectedPurchases(published, { x: 0, tx: 0, T: 1 }, -1)).toThrow(RangeError);
  });
});

describe('P(alive) and expected purchases', () => {
  it('reproduce FHL’s worked example: x = 2, tₓ = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks', () => {
    expect(expectedPurchases(published, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it('P(alive) is 1 without repeat purchases and falls with the time since the last one', () => {
    expect(probabilityAlive(published, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = probabilityAlive(published, { x: 4, tx: 29, T: 30 });
    const lapsed = probabilityAlive(published, { x: 4, tx: 5, T: 30 });
    expect(recent).toBeGreaterThan(lapsed);
    // 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x))
    const { r, alpha, a, b } = published;
    expect(lapsed).toBeCloseTo(1 / (1 + (a / (b + 3)) * ((alpha + 30) / (alpha + 5)) ** (r + 4)), 14);
  });

  const parameterSets: BgNbdParams[] = [
    published,
    { r: 3, alpha: 4, a: 2.5, b: 1.5 },
    { r: 0.24, alpha: 4, a: 0.3, b: 2.4 },
    { r: 0.5, alpha: 2, a: 1 + 1e-7, b: 2 }, // the (a+b+x−1)/(a−1) factor’s removable singularity
    { r: 0.5, alpha: 2, a: 1 - 2e-4, b: 2 },
  ];
  const customers: RecencyFrequency[] = [{ x: 0, tx: 0, T: 30 }, { x: 1, tx: 20, T: 30 }, { x: 5, tx: 3, T: 30 }, { x: 50, tx: 29, T: 30 }];
  const horizons = [0.1, 39, 340, 34_000];
  const cases = parameterSets.flatMap((p) => customers.flatMap((c) => horizons.map((t) => [p, c, t] as const)));

  it.each(cases)('match the integral definition: %o, %o, t = %p', (params, customer, t) => {
    expect(relativeError(expectedPurchases(params, customer, t), expectedPurchasesByQuadrature(params, customer, t))).toBeLessThan(1e-6);
  });

  it('grow with the horizon and are 0 for a zero horizon', () => {
    const c = { x: 3, tx: 20, T: 30 };
    let previous = 0;
    for (const t of [0, 1e-9, 1, 10, 100, 1e4, 1e8]) {
      const e = expectedPurchases(published, c, t);
      expect(e).toBeGreaterThanOrEqual(previous);
      previous = e;
    }
    expect(expectedPurchases(published, c, 0)).toBe(0);
  });
});

describe('numerical robustness at the extremes', () => {
  const bound = Math.exp(10);
  const parameterSets: BgNbdParams[] = [
    published,
    { r: 1 / bound, alpha: bound, a: 1 / bound, b: bound },
    { r: bound, alpha: 1 / bound, a: bound, b: 1 / bound },
    { r: bound, alpha: bound, a: bound, b: bound },
    { r: 1 / bound, alpha: 1 / bound, a: 1 / bound, b: 1 / bound },
  ];
  const customers: RecencyFrequency[] = [
    { x: 0, tx: 0, T: 38 },
    { x: 0, tx: 0, T: 0 }, // first purchase on the calibration end date
    { x: 0, tx: 0, T: 1e-9 },
    { x: 3, tx: 1e-9, T: 1e-9 },
    { x: 1000, tx: 0.5, T: 52 }, // many purchases, then silence
    { x: 1000, tx: 52, T: 52 },
    { x: 5, tx: 2, T: 1e6 }, // very long observation
    { x: 100_000, tx: 10, T: 1e6 },
  ];
  const cases = parameterSets.flatMap((p) => customers.map((c) => [p, c] as const));

  it.each(cases)('finite likelihood, P(alive) in [0, 1], finite non-negative expectations: %o, %o', (params, customer) => {
    expect(Number.isFinite(bgnbdCustomerLogLikelihood(params, customer))).toBe(true);
    const alive = probabilityAlive(params, customer);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(1);
    for (const t of [1e-9, 1, 39, 1e4, 1e8]) {
      const e = expectedPurchases(params, customer, t);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThanOrEqual(0);
    }
  });

  it('a heavy buyer who went silent long ago is almost surely gone', () => {
    const alive = probabilityAlive(published, { x: 1000, tx: 0.5, T: 52 });
    expect(alive).toBeLessThan(1e-100);
    expect(expectedPurchases(published, { x: 1000, tx: 0.5, T: 52 }, 39)).toBeLessThan(1e-90);
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of simulated customers', () => {
    const truth: BgNbdParams = { r: 0.8, alpha: 6, a: 0.6, b: 2.5 };
    const random = seededRandom(20_240_501);
    const customers: RecencyFrequency[] = [];
    for (let i = 0; i < 6000; i++) {
      const lambda = random.gamma(truth.r, truth.alpha);
      const p = random.beta(truth.a, truth.b);
      const T = 26 + 26 * random.uniform();
      let x = 0;
      let tx = 0;
      let t = 0;
      for (;;) {
        t += random.exponential(lambda);
        if (t > T) break;
        x++;
        tx = t;
        if (random.uniform() < p) break; // drops out after this purchase
      }
      customers.push({ x, tx, T });
    }
    const fit = fitBgNbd(customers);
    expect(fit.status).toBe('converged');
    expect(relativeError(fit.params.r, truth.r)).toBeLessThan(0.1);
    expect(relativeError(fit.params.alpha, truth.alpha)).toBeLessThan(0.15);
    expect(relativeError(fit.params.a, truth.a)).toBeLessThan(0.25);
    expect(relativeError(fit.params.b, truth.b)).toBeLessThan(0.3);
    // a maximum: nudging any parameter lowers the likelihood
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.99, 1.01]) {
        expect(bgnbdLogLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, customers)).toBeLessThan(fit.logLikelihood);
      }
    }
  });

  it('stays finite and inside the bounds when the data carry no information on dropout', () => {
    const fit = fitBgNbd([{ x: 0, tx: 0, T: 10 }, { x: 0, tx: 0, T: 20 }]);
    for (const value of Object.values(fit.params)) {
      expect(value).toBeGreaterThanOrEqual(Math.exp(-10) * (1 - 1e-12));
      expect(value).toBeLessThanOrEqual(Math.exp(10) * (1 + 1e-12));
    }
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });
});
