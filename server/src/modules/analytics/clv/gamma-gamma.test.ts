import { expectedAverageSpend, fitGammaGamma, gammaGammaCustomerLogLikelihood, gammaGammaLogLikelihood, populationMeanSpend, type FrequencyMonetary, type GammaGammaParams } from './gamma-gamma';
import { logGamma } from './special';
import { seededRandom } from './test-random';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** The estimates Fader, Hardie & Lee publish for the CDNOW sample. */
const published: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma log-likelihood', () => {
  it('equals the density of the mean of x Gamma(p, ν) values with ν ~ Gamma(q, v)', () => {
    const { p, q, v } = published;
    const [x, m] = [3, 27.5];
    const direct =
      (Math.exp(logGamma(p * x + q) - logGamma(p * x) - logGamma(q)) * v ** q * m ** (p * x - 1) * x ** (p * x)) / (v + m * x) ** (p * x + q);
    expect(gammaGammaCustomerLogLikelihood(published, { x, monetary: m })).toBeCloseTo(Math.log(direct), 10);
  });

  it('is a density in mₓ: it integrates to 1', () => {
    for (const x of [1, 4]) {
      // trapezoid rule on a log grid (m = e^s, dm = m ds) over e^−8 … e^10
      let total = 0;
      const ds = 1e-3;
      for (let s = -8; s <= 10; s += ds) {
        const m = Math.exp(s);
        total += Math.exp(gammaGammaCustomerLogLikelihood(published, { x, monetary: m })) * m * ds;
      }
      expect(total).toBeCloseTo(1, 5);
    }
  });

  it('adds customers and rejects invalid input', () => {
    const customers = [{ x: 1, monetary: 10 }, { x: 5, monetary: 40.5 }];
    expect(gammaGammaLogLikelihood(published, customers)).toBeCloseTo(
      gammaGammaCustomerLogLikelihood(published, customers[0]!) + gammaGammaCustomerLogLikelihood(published, customers[1]!),
      12,
    );
    expect(() => gammaGammaLogLikelihood({ ...published, q: -1 }, customers)).toThrow(RangeError);
    expect(() => fitGammaGamma([{ x: 0, monetary: 10 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([{ x: 2, monetary: 0 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([])).toThrow(RangeError);
  });
});

describe('expected average spend', () => {
  it('is the population mean p·v/(q−1) without repeat purchases', () => {
    expect(populationMeanSpend(published)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    expect(expectedAverageSpend(published, { x: 0, monetary: 0 })).toBeCloseTo(populationMeanSpend(published), 12);
  });

  it('weighs the population mean against the customer’s own mean, more so the more purchases', () => {
    const { p, q, v } = published;
    const own = 100;
    const one = expectedAverageSpend(published, { x: 1, monetary: own });
    const many = expectedAverageSpend(published, { x: 50, monetary: own });
    expect(one).toBeCloseTo((p * (v + own)) / (p + q - 1), 12);
    // E[M] = w·(population mean) + (1 − w)·mₓ with w = (q − 1)/(p x + q − 1)
    const w = (q - 1) / (p * 50 + q - 1);
    expect(many).toBeCloseTo(w * populationMeanSpend(published) + (1 - w) * own, 10);
    expect(Math.abs(many - own)).toBeLessThan(Math.abs(one - own));
  });

  it('is infinite when the fitted model has no finite mean', () => {
    expect(populationMeanSpend({ p: 2, q: 0.9, v: 10 })).toBe(Infinity);
    expect(expectedAverageSpend({ p: 0.05, q: 0.9, v: 10 }, { x: 1, monetary: 5 })).toBe(Infinity);
    expect(Number.isFinite(expectedAverageSpend({ p: 2, q: 0.9, v: 10 }, { x: 1, monetary: 5 }))).toBe(true);
  });

  it('stays finite for extreme customers', () => {
    for (const c of [{ x: 1, monetary: 1e-9 }, { x: 100_000, monetary: 1e9 }, { x: 1, monetary: 1e12 }]) {
      expect(Number.isFinite(gammaGammaCustomerLogLikelihood(published, c))).toBe(true);
      expect(Number.isFinite(expectedAverageSpend(published, c))).toBe(true);
    }
  });
});

describe('fitGammaGamma', () => {
  it('recovers the parameters of simulated customers', () => {
    const truth: GammaGammaParams = { p: 5, q: 4, v: 20 };
    const random = seededRandom(424_242);
    const customers: FrequencyMonetary[] = [];
    for (let i = 0; i < 3000; i++) {
      const nu = random.gamma(truth.q, truth.v);
      const x = 1 + Math.floor(8 * random.uniform());
      let sum = 0;
      for (let k = 0; k < x; k++) sum += random.gamma(truth.p, nu);
      customers.push({ x, monetary: sum / x });
    }
    const fit = fitGammaGamma(customers);
    expect(fit.status).toBe('converged');
    // p and v are only loosely pinned down by 3,000 customers (their estimates move together)
    expect(relativeError(fit.params.p, truth.p)).toBeLessThan(0.2);
    expect(relativeError(fit.params.q, truth.q)).toBeLessThan(0.15);
    expect(relativeError(fit.params.v, truth.v)).toBeLessThan(0.3);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, customers));
    for (const key of ['p', 'q', 'v'] as const) {
      for (const factor of [0.999, 1.001]) {
        expect(gammaGammaLogLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, customers)).toBeLessThan(fit.logLikelihood);
      }
    }
  }, 60_000);
});
