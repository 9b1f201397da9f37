import {
  bgnbdCustomerLogLikelihood,
  bgnbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesIfAliveByIntegral,
  expectedPurchasesIfAliveBySeries,
  fitBgNbd,
  groupCustomers,
  probabilityAlive,
  THETA_BOUND,
  thetaFromParams,
  type BgNbdParams,
  type RecencyFrequency,
} from './bgnbd';
import { logBeta, logGamma } from './special';
import { seededRandom } from './test-random';

/** The estimates FHL (2005) publish for the CDNOW sample. */
const published: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** Adaptive Simpson quadrature to a relative tolerance, for checking closed forms against their integrals. */
function integrate(f: (u: number) => number, lo: number, hi: number, relativeTolerance: number): number {
  const [fa, fm, fb] = [f(lo), f((lo + hi) / 2), f(hi)];
  const first = ((hi - lo) / 6) * (fa + 4 * fm + fb);
  const tolerance = relativeTolerance * Math.abs(first);
  const step = (a: number, b: number, fa: number, fm: number, fb: number, whole: number, tol: number, depth: number): number => {
    const m = (a + b) / 2;
    const flm = f((a + m) / 2);
    const frm = f((m + b) / 2);
    const left = ((m - a) / 6) * (fa + 4 * flm + fm);
    const right = ((b - m) / 6) * (fm + 4 * frm + fb);
    if (!Number.isFinite(left + right)) throw new Error(`integrand not finite on [${a}, ${b}]`);
    if (depth === 0 || Math.abs(left + right - whole) <= 15 * tol) return left + right + (left + right - whole) / 15;
    return step(a, m, fa, flm, fm, left, tol / 2, depth - 1) + step(m, b, fm, frm, fb, right, tol / 2, depth - 1);
  };
  return step(lo, hi, fa, fm, fb, first, tolerance, 30);
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
  }, 0, 1, 1e-10);
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

  it('is a proper distribution: summed over x and integrated over tₓ it gives 1', () => {
    // L is the density of one particular sequence of purchase times; the x − 1 purchases before the last
    // one can lie anywhere in (0, tₓ), a volume of tₓ^(x−1)/(x−1)!, so
    // L(0, 0, T) + Σₓ ∫₀ᵀ L(x, tₓ, T) tₓ^(x−1)/(x−1)! dtₓ = 1.
    const params = { r: 1.3, alpha: 2, a: 0.9, b: 3 };
    const T = 4;
    let total = Math.exp(bgnbdCustomerLogLikelihood(params, { x: 0, tx: 0, T }));
    for (let x = 1; x < 40; x++) {
      const logVolume = (tx: number) => (x === 1 ? 0 : (x - 1) * Math.log(tx) - logGamma(x));
      const density = (tx: number) => Math.exp(bgnbdCustomerLogLikelihood(params, { x, tx, T }) + logVolume(tx));
      total += integrate(density, 0, T, 1e-10);
    }
    expect(total).toBeCloseTo(1, 7); // what is left is the mass beyond x = 39
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

  // E[Y(t) | x, tₓ, T] from FHL (2005) eq. 10 as printed (₂F₁(r+x, b+x; a+b+x−1; z)), evaluated with
  // mpmath 1.3 at 50 significant digits: [parameter set, customer, t, expected purchases].
  const referenceParams: BgNbdParams[] = [
    published,
    { r: 3, alpha: 4, a: 2.5, b: 1.5 },
    { r: 0.24, alpha: 4, a: 0.3, b: 2.4 },
    { r: 0.5, alpha: 2, a: 1 + 1e-7, b: 2 }, // next to the removable singularity of (a+b+x−1)/(a−1) at a = 1
    { r: 0.5, alpha: 2, a: 1 - 2e-4, b: 2 },
  ];
  const referenceCustomers: RecencyFrequency[] = [
    { x: 0, tx: 0, T: 30 },
    { x: 1, tx: 20, T: 30 },
    { x: 5, tx: 3, T: 30 },
    { x: 50, tx: 29, T: 30 },
    { x: 1000, tx: 0.5, T: 52 },
    { x: 1000, tx: 52, T: 52 },
    { x: 3, tx: 1e-9, T: 1e-9 },
    { x: 5, tx: 2, T: 1e6 },
  ];
  const reference: [number, number, number, number][] = [
  [0, 0, 0.1, 0.0007057941246056595], [0, 0, 39, 0.23938163233959614], [0, 0, 340, 1.289330615808306], [0, 0, 34_000, 11.437271655492436],
  [0, 1, 0.1, 0.0024050961067044793], [0, 1, 39, 0.7768565211716008], [0, 1, 340, 3.6715700304765164], [0, 1, 34_000, 23.625393490423765],
  [0, 2, 0.1, 3.9318102060241245e-05], [0, 2, 39, 0.01184131812996177], [0, 2, 340, 0.04862440334594209], [0, 2, 34_000, 0.2598717182427771],
  [0, 3, 0.1, 0.1365682465393401], [0, 3, 39, 38.949588406540514], [0, 3, 340, 148.14448919726584], [0, 3, 34_000, 740.6859175956931],
  [0, 4, 0.1, 0.0], [0, 4, 39, 0.0], [0, 4, 340, 0.0], [0, 4, 34_000, 0.0],
  [0, 5, 0.1, 1.7703960598359818], [0, 5, 39, 555.0470247946082], [0, 5, 340, 2402.8184238494673], [0, 5, 34_000, 13363.367515886168],
  [0, 6, 0.1, 0.061929123870099224], [0, 6, 39, 9.89882237105467], [0, 6, 340, 25.992479914831357], [0, 6, 34_000, 100.93446439520757],
  [0, 7, 0.1, 2.5235535506939338e-33], [0, 7, 39, 9.841743546353704e-31], [0, 7, 340, 8.579203881523414e-30], [0, 7, 34_000, 8.493599753250584e-28],
  [1, 0, 0.1, 0.008791200910100314], [1, 0, 39, 1.3642826255721388], [1, 0, 340, 1.9451797555313157], [1, 0, 34_000, 1.9999368491966791],
  [1, 1, 0.1, 0.00151971157156509], [1, 1, 39, 0.23583991699986342], [1, 1, 340, 0.3362580622925795], [1, 1, 34_000, 0.3457237757621602],
  [1, 2, 0.1, 1.6649052312544618e-07], [1, 2, 39, 2.5837212724998542e-05], [1, 2, 340, 3.683842496414302e-05], [1, 2, 34_000, 3.7875431996788736e-05],
  [1, 3, 0.1, 0.1251626215358486], [1, 3, 39, 19.4236477676485], [1, 3, 340, 27.694031799573835], [1, 3, 34_000, 28.47362283166671],
  [1, 4, 0.1, 0.0], [1, 4, 39, 0.0], [1, 4, 340, 0.0], [1, 4, 34_000, 0.0],
  [1, 5, 0.1, 1.7826274720816677], [1, 5, 39, 365.12825413135573], [1, 5, 340, 631.5296808979913], [1, 5, 34_000, 666.9555248502886],
  [1, 6, 0.1, 0.08484319459825496], [1, 6, 39, 2.2671324035540277], [1, 6, 340, 2.3304076379352563], [1, 6, 34_000, 2.33333035638182],
  [1, 7, 0.1, 2.956017372157922e-48], [1, 7, 39, 1.152790720741378e-45], [1, 7, 340, 1.0046190586767032e-44], [1, 7, 34_000, 9.639636031327712e-43],
  [2, 0, 0.1, 0.0007057394412530704], [2, 0, 39, 0.25814610795127707], [2, 0, 340, 1.7975190642837033], [2, 0, 34_000, 59.826129710366544],
  [2, 1, 0.1, 0.0030574559303037483], [2, 1, 39, 1.0976995041164868], [2, 1, 340, 7.290692473695475], [2, 1, 34_000, 223.8461239333423],
  [2, 2, 0.1, 8.275249977099047e-05], [2, 2, 39, 0.029003926762977552], [2, 2, 340, 0.18381901620024882], [2, 2, 34_000, 5.379662523800865],
  [2, 3, 0.1, 0.14393704000962051], [2, 3, 39, 49.599750810720785], [2, 3, 340, 306.6663431881803], [2, 3, 34_000, 8815.103132577979],
  [2, 4, 0.1, 0.0], [2, 4, 39, 0.0], [2, 4, 340, 0.0], [2, 4, 34_000, 0.0],
  [2, 5, 0.1, 1.7851307009051183], [2, 5, 39, 639.5817596647411], [2, 5, 340, 4190.0435368127355], [2, 5, 34_000, 125589.02211554743],
  [2, 6, 0.1, 0.07562003360007445], [2, 6, 39, 19.815793545857993], [2, 6, 340, 102.60024061358321], [2, 6, 34_000, 2695.9398872723],
  [2, 7, 0.1, 4.851675134077135e-33], [2, 7, 39, 1.8921443551715784e-30], [2, 7, 340, 1.6495013977724005e-29], [2, 7, 34_000, 1.642834170918373e-27],
  [3, 0, 0.1, 0.0015612808836481355], [3, 0, 39, 0.4825322590588927], [3, 0, 340, 2.0696205632953126], [3, 0, 34_000, 9.40587150291225],
  [3, 1, 0.1, 0.0024947361116871756], [3, 1, 39, 0.7307576780967358], [3, 1, 340, 2.7657409488438898], [3, 1, 34_000, 9.726099136606928],
  [3, 2, 0.1, 3.7907696905652142e-06], [3, 2, 39, 0.001031615524474516], [3, 2, 340, 0.003430705715164389], [3, 2, 34_000, 0.010369377393329122],
  [3, 3, 0.1, 0.1435826560047584], [3, 3, 39, 37.00083551962174], [3, 3, 340, 114.96064969901042], [3, 3, 34_000, 328.82795534800346],
  [3, 4, 0.1, 0.0], [3, 4, 39, 0.0], [3, 4, 340, 0.0], [3, 4, 34_000, 0.0],
  [3, 5, 0.1, 1.8492195445694393], [3, 5, 39, 543.5303140149847], [3, 5, 340, 1988.0595141846086], [3, 5, 34_000, 6451.665379192891],
  [3, 6, 0.1, 0.137441719685718], [3, 6, 39, 10.582753908183177], [3, 6, 340, 18.968773680724617], [3, 6, 34_000, 37.35238927710945],
  [3, 7, 0.1, 6.75831119107193e-36], [3, 7, 39, 2.6356997125505394e-33], [3, 7, 340, 2.2975085716559397e-32], [3, 7, 34_000, 2.2666740492150658e-30],
  [4, 0, 0.1, 0.001561281046209777], [4, 0, 39, 0.4825469088824285], [4, 0, 340, 2.0698620895706634], [4, 0, 34_000, 9.410195650715085],
  [4, 1, 0.1, 0.0024949697584734716], [4, 1, 39, 0.7308567516886159], [4, 1, 340, 2.766432023704435], [4, 1, 34_000, 9.732495235978664],
  [4, 2, 0.1, 3.7915290494972637e-06], [4, 2, 39, 0.0010318848722569104], [4, 2, 340, 0.0034321033404769302], [4, 2, 34_000, 0.010378173866076255],
  [4, 3, 0.1, 0.14358524976143872], [4, 3, 39, 37.004341658160065], [4, 3, 340, 114.99033047575364], [4, 3, 34_000, 329.06114187539276],
  [4, 4, 0.1, 0.0], [4, 4, 39, 0.0], [4, 4, 340, 0.0], [4, 4, 34_000, 0.0],
  [4, 5, 0.1, 1.8492202553103747], [4, 5, 39, 543.559926657816], [4, 5, 340, 1988.454779910833], [4, 5, 34_000, 6455.82768875575],
  [4, 6, 0.1, 0.13744764226222755], [4, 6, 39, 10.585753694756583], [4, 6, 340, 18.97799441535341], [4, 6, 34_000, 37.38752966227593],
  [4, 7, 0.1, 6.759663799711065e-36], [4, 7, 39, 2.6362272288778854e-33], [4, 7, 340, 2.2979684506535848e-32], [4, 7, 34_000, 2.267133111867278e-30],
  ];

  it.each(reference.map(([p, c, t, value]) => [JSON.stringify(referenceParams[p]), JSON.stringify(referenceCustomers[c]), t, value, p, c] as const))(
    'match high-precision reference values: %s %s t = %p → %p',
    (_params, _customer, t, value, p, c) => {
      const actual = expectedPurchases(referenceParams[p]!, referenceCustomers[c]!, t);
      if (value === 0) expect(actual).toBeLessThan(1e-300); // the reference underflowed a double
      else expect(relativeError(actual, value)).toBeLessThan(1e-6);
    },
  );

  const quadratureCases = [
    [published, { x: 0, tx: 0, T: 30 }, 39],
    [published, { x: 5, tx: 3, T: 30 }, 340],
    [{ r: 3, alpha: 4, a: 2.5, b: 1.5 }, { x: 1, tx: 20, T: 30 }, 39],
    [{ r: 0.24, alpha: 4, a: 0.3, b: 2.4 }, { x: 2, tx: 10, T: 30 }, 39],
  ] as const;

  it.each(quadratureCases.map(([p, c, t]) => [JSON.stringify(p), JSON.stringify(c), t, p, c] as const))(
    'match the integral definition: %s %s t = %p',
    (_params, _customer, t, params, customer) => {
      expect(relativeError(expectedPurchases(params, customer, t), expectedPurchasesByQuadrature(params, customer, t))).toBeLessThan(1e-6);
    },
  );

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
  const cases = parameterSets.flatMap((p) => customers.map((c) => [JSON.stringify(p), JSON.stringify(c), p, c] as const));

  it.each(cases)('finite likelihood, P(alive) in [0, 1], finite non-negative expectations: %s %s', (_params, _customer, params, customer) => {
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

/**
 * E[Y(t) | alive] = ∫ (1 − (1+ps)^(−k))/p · Beta(p; a, b') dp with k = r+x, b' = b+x, s = t/(α+T), integrated
 * here independently of the library: over u = logit p (weight p^a (1−p)^b' du, normalised by its own
 * integral) with composite Simpson, from the mode out to where the weight is e^−60 of its peak.
 */
function expectedIfAliveByLogitQuadrature(k: number, a: number, bx: number, s: number): number {
  const softplus = (u: number) => (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u)));
  const logWeight = (u: number) => a * u - (a + bx) * softplus(u);
  const mode = Math.log(a / bx);
  const peak = logWeight(mode);
  const reach = (direction: number) => {
    let d = 1e-3;
    while (logWeight(mode + direction * d) > peak - 60) d *= 1.5;
    return mode + direction * d;
  };
  const weight = (u: number) => Math.exp(logWeight(u) - peak);
  const perP = (u: number) => {
    const p = 1 / (1 + Math.exp(-u));
    return p === 0 ? k * s : -Math.expm1(-k * Math.log1p(p * s)) / p;
  };
  // composite Simpson, 64 panels per piece, pieces no wider than the weight's scale at the mode (at most 1/2)
  const width = Math.min(0.5, 1 / Math.sqrt((a * bx) / (a + bx)));
  const lo = reach(-1);
  const hi = reach(1);
  const pieces = Math.ceil((hi - lo) / width);
  const both = (f: (u: number) => number) => {
    const n = 64 * pieces;
    const h = (hi - lo) / n;
    let sum = f(lo) + f(hi);
    for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
    return (sum * h) / 3;
  };
  return both((u) => perP(u) * weight(u)) / both(weight);
}

describe('expected purchases where the ₂F₁ form failed: large a and b', () => {
  // a fit on generated data: b ran to the old bound e^10 (dropout nearly the same for everyone)
  const fitted: BgNbdParams = { r: 1.1749, alpha: 20.107, a: 7825, b: 22026.5 };
  const ifAlive = (params: BgNbdParams, customer: RecencyFrequency, t: number) =>
    expectedIfAliveByLogitQuadrature(params.r + customer.x, params.a, params.b + customer.x, t / (params.alpha + customer.T));

  it('x = 0, tₓ = 0, T = 6, t = 240 (threw “did not evaluate”) and every other 30-day step of a year agree with the integral', () => {
    const customer = { x: 0, tx: 0, T: 6 };
    let previous = 0;
    for (let t = 30; t <= 360; t += 30) {
      const e = expectedPurchases(fitted, customer, t);
      expect(relativeError(e, ifAlive(fitted, customer, t))).toBeLessThan(1e-8); // P(alive) = 1 at x = 0
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });

  const extremes: [string, BgNbdParams, RecencyFrequency, number][] = [
    ['x = 0, first purchase today', fitted, { x: 0, tx: 0, T: 0 }, 365],
    ['x = 1000 with short recency', fitted, { x: 1000, tx: 3, T: 700 }, 360],
    ['x = 1000, bought yesterday', fitted, { x: 1000, tx: 699, T: 700 }, 360],
    ['x = 1000, CDNOW parameters', published, { x: 1000, tx: 0.5, T: 52 }, 39],
    ['a and b at e^10', { r: 2, alpha: 30, a: Math.exp(10), b: Math.exp(10) }, { x: 3, tx: 100, T: 400 }, 365],
    ['a just above 1, b huge', { r: 0.7, alpha: 5, a: 1 + 1e-9, b: 20_000 }, { x: 40, tx: 300, T: 310 }, 365],
    ['a small, b huge', { r: 0.7, alpha: 5, a: 0.3, b: 20_000 }, { x: 0, tx: 0, T: 10 }, 365],
    ['long horizon', fitted, { x: 12, tx: 200, T: 210 }, 50_000],
  ];

  it.each(extremes)('%s: finite, P(alive) in [0, 1], and equal to P(alive) times the integral', (_name, params, customer, t) => {
    const alive = probabilityAlive(params, customer);
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(1);
    const e = expectedPurchases(params, customer, t);
    expect(Number.isFinite(e)).toBe(true);
    const reference = alive * ifAlive(params, customer, t);
    if (reference < 1e-290) expect(e).toBeLessThan(1e-280);
    else expect(relativeError(e, reference)).toBeLessThan(1e-8);
  });

  // The library's two routes (series of positive terms; integral over logit p) are independent
  // computations of the same expectation: they agree wherever both are within reach.
  const grid: [number, number, number, number][] = [];
  for (const k of [Math.exp(-10), 0.3, 1.17, 30, 1000.2]) {
    for (const [a, bx] of [[Math.exp(-10), Math.exp(-10)], [0.02, 2.4], [0.8, 2.4], [1, 1], [7825, 22026.5], [Math.exp(10), 5], [0.5, Math.exp(10) + 1000]]) {
      for (const s of [1e-9, 0.05, 1, 9.2, 60]) grid.push([k, a!, bx!, s]);
    }
  }
  it('series and integral agree over a grid of k = r+x, a, b+x and s = t/(α+T)', () => {
    let compared = 0;
    for (const [k, a, bx, s] of grid) {
      const series = expectedPurchasesIfAliveBySeries(k, a, bx, s);
      const integral = expectedPurchasesIfAliveByIntegral(k, a, bx, s);
      expect(Number.isFinite(integral) && integral >= 0).toBe(true);
      if (series === null) continue;
      compared++;
      if (relativeError(series, integral) >= 1e-9) throw new Error(`k=${k} a=${a} b'=${bx} s=${s}: series ${series}, integral ${integral}`);
    }
    expect(compared).toBeGreaterThan(grid.length * 0.8);
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of simulated customers', () => {
    // 2,000 customers of a 13-week cohort observed to week 39 after the cohort's end, times in whole days
    const truth: BgNbdParams = { r: 0.8, alpha: 6, a: 0.6, b: 2.5 };
    const random = seededRandom(20_240_501);
    const customers: RecencyFrequency[] = [];
    for (let i = 0; i < 2000; i++) {
      const lambda = random.gamma(truth.r, truth.alpha);
      const p = random.beta(truth.a, truth.b);
      const T = 39 + Math.floor(91 * random.uniform()) / 7;
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
      customers.push({ x, tx: Math.min(T, Math.round(tx * 7) / 7), T });
    }
    const fit = fitBgNbd(customers);
    expect(fit.status).toBe('converged');
    expect(relativeError(fit.params.r, truth.r)).toBeLessThan(0.2);
    expect(relativeError(fit.params.alpha, truth.alpha)).toBeLessThan(0.2);
    expect(relativeError(fit.params.a, truth.a)).toBeLessThan(0.25);
    expect(relativeError(fit.params.b, truth.b)).toBeLessThan(0.25);
    // the maximum is at least as likely as the truth, and nudging any parameter lowers it
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, customers));
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.999, 1.001]) {
        expect(bgnbdLogLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, customers)).toBeLessThan(fit.logLikelihood);
      }
    }
  }, 60_000);

  it('converges when the maximum lies on the bounds (regular buyers: no heterogeneity to estimate)', () => {
    // 30 customers; two in three bought again 60 days after their first purchase, one in four also after 121 days
    const customers: RecencyFrequency[] = [];
    for (let i = 0; i < 30; i++) {
      const x = (i % 3 !== 0 ? 1 : 0) + (i % 4 === 1 ? 1 : 0);
      customers.push({ x, tx: x === 0 ? 0 : x === 1 ? 60 : 121, T: 181 - (i % 28) });
    }
    const fit = fitBgNbd(customers);
    expect(fit.status).toBe('converged');
    expect(fit.evaluations).toBeLessThan(5000);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    const theta = thetaFromParams(fit.params);
    expect(Math.max(...theta.map(Math.abs))).toBeCloseTo(THETA_BOUND, 6); // ran to the bound, and stopped there
  });

  it('converges on a ridge at the bound: dropout the same for everyone, as in generated data', () => {
    // 4,000 customers in days over two years; purchase rates vary, dropout p = 0.26 for all, so the
    // likelihood keeps rising as a, b → ∞ with a/(a+b) = 0.26: the search must stop at the bound of a + b
    const random = seededRandom(7);
    const customers: RecencyFrequency[] = [];
    for (let i = 0; i < 4000; i++) {
      const lambda = random.gamma(1.2, 20);
      const T = Math.floor(730 * random.uniform());
      let x = 0;
      let tx = 0;
      let t = 0;
      for (;;) {
        t += random.exponential(lambda);
        if (t > T) break;
        x++;
        tx = Math.floor(t);
        if (random.uniform() < 0.26) break;
      }
      customers.push({ x, tx, T });
    }
    const fit = fitBgNbd(customers);
    expect(fit.status).toBe('converged');
    expect(fit.evaluations).toBeLessThan(3000);
    const [, , , logPrecision] = thetaFromParams(fit.params);
    expect(logPrecision).toBeCloseTo(THETA_BOUND, 6);
    expect(relativeError(fit.params.a / (fit.params.a + fit.params.b), 0.26)).toBeLessThan(0.05);
    expect(relativeError(fit.params.r, 1.2)).toBeLessThan(0.1);
    expect(relativeError(fit.params.alpha, 20)).toBeLessThan(0.1);
    // and every customer's expectation evaluates, over a year ahead in 30-day steps
    for (const customer of groupCustomers(customers).filter((_, i) => i % 50 === 0)) {
      for (let t = 30; t <= 360; t += 30) {
        const e = expectedPurchases(fit.params, customer, t);
        expect(Number.isFinite(e)).toBe(true);
        expect(e).toBeGreaterThanOrEqual(0);
      }
    }
  }, 60_000);

  it('stays finite and inside the bounds when the data carry no information on dropout', () => {
    const fit = fitBgNbd([{ x: 0, tx: 0, T: 10 }, { x: 0, tx: 0, T: 20 }]);
    for (const value of Object.values(fit.params)) expect(Number.isFinite(value) && value > 0).toBe(true);
    for (const value of thetaFromParams(fit.params)) expect(Math.abs(value)).toBeLessThanOrEqual(THETA_BOUND * (1 + 1e-12));
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });
});
