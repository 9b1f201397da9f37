import { gammaSign, hyp2f1, hyp2f1Log, log1pExp, logAddExp, logGamma, logPochhammer, logSumExp } from './special';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('logGamma', () => {
  it('matches factorials and half-integer values', () => {
    let logFactorial = Math.log(1);
    for (let n = 2; n <= 30; n++) {
      expect(relativeError(logGamma(n + 1), (logFactorial += Math.log(n)))).toBeLessThan(1e-13);
    }
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(relativeError(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(1e-14); // Γ(−½) = −2√π
    expect(relativeError(logGamma(-1.5), Math.log((4 / 3) * Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
  });

  it('is accurate for tiny and huge arguments', () => {
    // Γ(x) ≈ 1/x − γ for small x
    const x = 4.5399929762484854e-5; // e^−10, the fits' lower bound
    expect(relativeError(logGamma(x), Math.log(1 / x - 0.5772156649015329))).toBeLessThan(1e-9);
    // Stirling with two correction terms is exact to ~1e-20 at 1e6
    const n = 1e6;
    const stirling = (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n ** 3);
    expect(relativeError(logGamma(n), stirling)).toBeLessThan(1e-13);
    expect(Number.isFinite(logGamma(1e300))).toBe(true);
  });

  it('has poles at 0 and the negative integers, with the right signs in between', () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-3)).toBe(Infinity);
    expect(gammaSign(2.5)).toBe(1);
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(gammaSign(-2.5)).toBe(-1);
    expect(gammaSign(-2)).toBeNaN();
  });
});

describe('logPochhammer', () => {
  it('is ln Γ(s+n) − ln Γ(s), without cancellation for large s', () => {
    expect(logPochhammer(2.5, 0)).toBe(0);
    expect(relativeError(logPochhammer(0.243, 7), logGamma(7.243) - logGamma(0.243))).toBeLessThan(1e-13);
    expect(relativeError(logPochhammer(3.5, 500), logGamma(503.5) - logGamma(3.5))).toBeLessThan(1e-12);
    // (1e8)₃ = 1e8 · (1e8 + 1) · (1e8 + 2): the log-gamma difference would lose about 8 digits here
    expect(relativeError(logPochhammer(1e8, 3), Math.log(1e8) + Math.log(1e8 + 1) + Math.log(1e8 + 2))).toBeLessThan(1e-15);
    expect(Number.isFinite(logPochhammer(1e-300, 60))).toBe(true);
  });
});

describe('log-sum-exp', () => {
  it('adds huge and tiny exponentials without overflow', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logAddExp(800, 0)).toBe(800);
    expect(logAddExp(-Infinity, -Infinity)).toBe(-Infinity);
    expect(log1pExp(1000)).toBe(1000);
    expect(log1pExp(-1000)).toBe(0);
    expect(log1pExp(0)).toBeCloseTo(Math.log(2), 15);
  });
});

describe('hyp2f1', () => {
  // closed forms: F(1,1;2;z) = −ln(1−z)/z, F(a,b;b;z) = (1−z)^−a, F(½,½;3/2;z²) = asin(z)/z, F(½,1;3/2;−z²) = atan(z)/z
  const zs = [-1e6, -1000, -3, -0.5, -1e-3, 1e-3, 0.3, 0.5, 0.89, 0.9, 0.91, 0.95, 0.99, 0.999999];

  it.each(zs)('F(1,1;2;%p) = −ln(1−z)/z (c − a − b = 0: the degenerate connection formula)', (z) => {
    expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-8);
  });

  it.each(zs)('F(0.7,2.3;2.3;%p) = (1−z)^−0.7', (z) => {
    expect(relativeError(hyp2f1(0.7, 2.3, 2.3, z), Math.pow(1 - z, -0.7))).toBeLessThan(1e-12);
  });

  it.each([0.1, 0.5, 0.9, 0.99, 0.999])('F(½,½;3/2;z²) = asin(z)/z at z = %p', (z) => {
    expect(relativeError(hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z)).toBeLessThan(1e-10);
  });

  it.each([0.5, 3, 100, 1e5])('F(½,1;3/2;−z²) = atan(z)/z at z = %p', (z) => {
    expect(relativeError(hyp2f1(0.5, 1, 1.5, -z * z), Math.atan(z) / z)).toBeLessThan(1e-10);
  });

  it('is continuous where it switches from the series to the 1 − z formula', () => {
    const below = hyp2f1(0.3, 1.7, 2.9, 0.9);
    const above = hyp2f1(0.3, 1.7, 2.9, 0.9 + 1e-12);
    expect(relativeError(above, below)).toBeLessThan(1e-9);
  });

  it('uses Gauss’s theorem at z = 1 and diverges when c − a − b ≤ 0', () => {
    // F(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); F(1,1;3;1) = Γ(3)Γ(1)/(Γ(2)Γ(2)) = 2
    expect(hyp2f1(1, 1, 3, 1)).toBeCloseTo(2, 12);
    expect(hyp2f1(1, 1, 2, 1)).toBe(Infinity);
  });

  it('sums polynomials exactly (a non-positive integer a)', () => {
    // F(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 3];
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 12);
  });

  it('returns huge values in log space instead of overflowing', () => {
    // F(a,b;b;z) = (1−z)^−a: ln = −a ln(1−z) = 2000 ln 2 ≈ 1386, far beyond a double
    const result = hyp2f1Log(2000, 3, 3, 0.5);
    expect(result.sign).toBe(1);
    expect(relativeError(result.log, 2000 * Math.log(2))).toBeLessThan(1e-12);
    expect(hyp2f1(2000, 3, 3, 0.5)).toBe(Infinity);
    // large parameters whose series terms exceed 1e308 before they shrink
    const large = hyp2f1Log(1500, 1200.5, 1200.5, 0.8);
    expect(relativeError(large.log, -1500 * Math.log(0.2))).toBeLessThan(1e-12);
  });

  it('is NaN where it is not real-valued or not defined', () => {
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
    expect(hyp2f1(1, 1, 2, Number.NaN)).toBeNaN();
  });
});
