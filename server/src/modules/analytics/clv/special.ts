/**
 * Special functions for the CLV models: log-gamma, log-sum-exp and the Gaussian hypergeometric
 * function 2F1. Pure functions, no I/O.
 *
 * Values that can overflow a double are handled in log space: `hyp2f1Log` returns the sign and the
 * natural log of the magnitude.
 */

const LOG_PI = Math.log(Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Lanczos approximation with g = 7 and nine coefficients (relative error about 1e-15 for x >= 0.5):
 * Γ(z + 1) = √(2π) (z + g + ½)^(z + ½) e^-(z + g + ½) A(z),  A(z) = c0 + Σ ck / (z + k).
 */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** sin(πx), reduced to [-1, 1] first so large arguments keep their precision and integers give exactly 0. */
function sinPi(x: number): number {
  let r = x % 2; // (-2, 2)
  if (r > 1) r -= 2;
  else if (r < -1) r += 2; // now [-1, 1]
  if (r === 0 || r === 1 || r === -1) return 0;
  if (r > 0.5) r = 1 - r; // sin(π r) = sin(π (1 − r))
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}

export const isNonPositiveInteger = (x: number): boolean => x <= 0 && Number.isInteger(x);

/** ln |Γ(x)|; +Infinity at the poles (0, −1, −2, …). Negative arguments go through the reflection formula. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (isNonPositiveInteger(x) || x === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // Γ(x) Γ(1 − x) = π / sin(πx)
    return LOG_PI - Math.log(Math.abs(sinPi(x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let k = 1; k < LANCZOS_COEFFICIENTS.length; k++) series += LANCZOS_COEFFICIENTS[k]! / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** The sign of Γ(x): 1 for x > 0, alternating between the negative poles; NaN at a pole. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (isNonPositiveInteger(x) || Number.isNaN(x)) return Number.NaN;
  return Math.ceil(-x) % 2 === 1 ? -1 : 1; // Γ < 0 on (−1, 0), > 0 on (−2, −1), …
}

/** Up to this n, ln (s)ₙ is summed from its factors instead of taken as a difference of log-gammas. */
const POCHHAMMER_PRODUCT_LIMIT = 64;

/**
 * ln (s)ₙ = ln Γ(s + n) − ln Γ(s) for s > 0 and an integer n ≥ 0. For small n it is the log of the
 * product s (s+1) … (s+n−1), which has no cancellation when s is large (ln Γ(s + n) and ln Γ(s) would
 * then be two large, nearly equal numbers).
 */
export function logPochhammer(s: number, n: number): number {
  if (n === 0) return 0;
  if (!Number.isInteger(n) || n > POCHHAMMER_PRODUCT_LIMIT) return logGamma(s + n) - logGamma(s);
  let product = 1;
  let log = 0;
  for (let k = 0; k < n; k++) {
    product *= s + k;
    if (product > 1e280 || product < 1e-280) {
      log += Math.log(product);
      product = 1;
    }
  }
  return log + Math.log(product);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export const logBeta = (a: number, b: number): number => logGamma(a) + logGamma(b) - logGamma(a + b);

/** ln Σ exp(vᵢ) without overflow; −Infinity for an empty list. */
export function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY || Number.isNaN(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** ln(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  const max = a > b ? a : b;
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY) return max;
  return max + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** ln(1 + exp(y)) without overflow or loss of precision. */
export const log1pExp = (y: number): number => (y > 0 ? y + Math.log1p(Math.exp(-y)) : Math.log1p(Math.exp(y)));

/** A real number as its sign and the natural log of its magnitude: value = sign · exp(log). */
export interface SignedLog {
  sign: number;
  log: number;
}

const ZERO: SignedLog = { sign: 0, log: Number.NEGATIVE_INFINITY };
const NOT_A_NUMBER: SignedLog = { sign: Number.NaN, log: Number.NaN };

export const signedLogValue = (v: SignedLog): number => (v.sign === 0 ? 0 : v.sign * Math.exp(v.log));

function addSigned(x: SignedLog, y: SignedLog): SignedLog {
  if (x.sign === 0) return y;
  if (y.sign === 0) return x;
  const [big, small] = x.log >= y.log ? [x, y] : [y, x];
  const ratio = Math.exp(small.log - big.log); // ≤ 1
  const scaled = big.sign + small.sign * ratio;
  if (scaled === 0) return ZERO;
  return { sign: Math.sign(scaled), log: big.log + Math.log(Math.abs(scaled)) };
}

/** 1 / Γ(x) as a signed log; zero at the poles. */
function reciprocalGamma(x: number): SignedLog {
  if (isNonPositiveInteger(x)) return ZERO;
  return { sign: gammaSign(x), log: -logGamma(x) };
}

function gammaSigned(x: number): SignedLog {
  return { sign: gammaSign(x), log: logGamma(x) };
}

function multiplySigned(...factors: SignedLog[]): SignedLog {
  let sign = 1;
  let log = 0;
  for (const f of factors) {
    if (f.sign === 0) return ZERO;
    sign *= f.sign;
    log += f.log;
  }
  return { sign, log };
}

const SERIES_EPSILON = 1e-17;
const SERIES_MAX_TERMS = 500_000;
const RESCALE_AT = 1e250;
const LOG_RESCALE = Math.log(RESCALE_AT);
/** Up to this |z| the power series is summed directly; beyond it, the 1 − z transformation is used. */
const DIRECT_SERIES_LIMIT = 0.9;
/** When c − a − b is this close to an integer, the 1 − z transformation is evaluated at two nearby c and interpolated. */
const INTEGER_GAP = 1e-5;

/**
 * Σ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ summed term by term, rescaling the running sum so that large
 * intermediate terms (large a, b) cannot overflow. Stops once the remaining tail, bounded by a
 * geometric series, is below SERIES_EPSILON of the sum. Terminates exactly when a or b is a
 * non-positive integer.
 */
function hyp2f1Series(a: number, b: number, c: number, z: number): SignedLog {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  // From this index on, a + n, b + n and c + n are all positive, so the term ratio no longer changes sign.
  const signsSettleAt = Math.max(0, Math.ceil(-Math.min(a, b, c)));
  const absZ = Math.abs(z);
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    if (term === 0) break; // the series terminates (or the terms underflowed)
    sum += term;
    if (Math.abs(sum) > RESCALE_AT || Math.abs(term) > RESCALE_AT) {
      sum /= RESCALE_AT;
      term /= RESCALE_AT;
      logScale += LOG_RESCALE;
    }
    if (n + 1 >= signsSettleAt) {
      const nextRatio = Math.abs((((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z);
      const rho = Math.max(nextRatio, absZ);
      if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= SERIES_EPSILON * Math.abs(sum)) {
        return sum === 0 ? ZERO : { sign: Math.sign(sum), log: Math.log(Math.abs(sum)) + logScale };
      }
    }
    if (!Number.isFinite(sum)) return NOT_A_NUMBER;
  }
  if (term !== 0) return NOT_A_NUMBER; // did not converge
  return sum === 0 ? ZERO : { sign: Math.sign(sum), log: Math.log(Math.abs(sum)) + logScale };
}

/**
 * The connection formula between z and 1 − z (Abramowitz & Stegun 15.3.6), for 0.9 < z < 1 and
 * m = c − a − b not an integer:
 *   F(a,b;c;z) = Γ(c)Γ(m)/(Γ(c−a)Γ(c−b)) F(a,b;1−m;1−z) + (1−z)^m Γ(c)Γ(−m)/(Γ(a)Γ(b)) F(c−a,c−b;1+m;1−z)
 */
function hyp2f1OneMinusZ(a: number, b: number, c: number, z: number): SignedLog {
  const m = c - a - b;
  const w = 1 - z;
  const first = multiplySigned(gammaSigned(c), gammaSigned(m), reciprocalGamma(c - a), reciprocalGamma(c - b));
  const second = multiplySigned(
    { sign: 1, log: m * Math.log(w) },
    gammaSigned(c),
    gammaSigned(-m),
    reciprocalGamma(a),
    reciprocalGamma(b),
  );
  const firstSeries = first.sign === 0 ? ZERO : hyp2f1Series(a, b, 1 - m, w);
  const secondSeries = second.sign === 0 ? ZERO : hyp2f1Series(c - a, c - b, 1 + m, w);
  return addSigned(multiplySigned(first, firstSeries), multiplySigned(second, secondSeries));
}

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for real a, b, c and real z ≤ 1, as a
 * signed log (sign, ln |value|), so huge values do not overflow.
 *
 * - z < 0: Pfaff's transformation F(a,b;c;z) = (1−z)^(−a) F(a, c−b; c; z/(z−1)) (or the same with a
 *   and b swapped, whichever leaves the smaller parameters) maps z into (0, 1).
 * - 0 ≤ z ≤ 0.9: the power series.
 * - 0.9 < z < 1: the 1 − z connection formula; when c − a − b is (nearly) an integer the formula is
 *   singular, so it is evaluated at c shifted to either side of the integer and interpolated.
 * - z = 1: Gauss's theorem when c − a − b > 0, +Infinity otherwise.
 * - a or b a non-positive integer: a polynomial, summed directly for any z.
 * - z > 1 (where the function is complex) or c a non-positive integer: NaN.
 */
export function hyp2f1Log(a: number, b: number, c: number, z: number): SignedLog {
  if (![a, b, c, z].every(Number.isFinite)) return NOT_A_NUMBER;
  if (z === 0 || a === 0 || b === 0) return { sign: 1, log: 0 };
  const degree = Math.min(isNonPositiveInteger(a) ? -a : Infinity, isNonPositiveInteger(b) ? -b : Infinity);
  if (degree !== Infinity) {
    // a polynomial of that degree: the series terminates, unless (c)ₙ reaches zero first
    if (isNonPositiveInteger(c) && -c < degree) return NOT_A_NUMBER;
    return hyp2f1Series(a, b, c, z);
  }
  if (isNonPositiveInteger(c)) return NOT_A_NUMBER;
  if (z > 1) return NOT_A_NUMBER;
  if (z < 0) {
    const w = z / (z - 1);
    const logPrefactorA = -a * Math.log1p(-z);
    const logPrefactorB = -b * Math.log1p(-z);
    // keep the parameter pair that is smaller in size: the series then has milder intermediate terms
    const keepA = Math.abs(a) + Math.abs(c - b) <= Math.abs(b) + Math.abs(c - a);
    const inner = keepA ? hyp2f1Log(a, c - b, c, w) : hyp2f1Log(b, c - a, c, w);
    if (inner.sign === 0 || Number.isNaN(inner.sign)) return inner;
    return { sign: inner.sign, log: inner.log + (keepA ? logPrefactorA : logPrefactorB) };
  }
  if (z === 1) {
    const m = c - a - b;
    if (m <= 0) return { sign: 1, log: Number.POSITIVE_INFINITY };
    return multiplySigned(gammaSigned(c), gammaSigned(m), reciprocalGamma(c - a), reciprocalGamma(c - b));
  }
  if (z <= DIRECT_SERIES_LIMIT) return hyp2f1Series(a, b, c, z);
  const m = c - a - b;
  const nearest = Math.round(m);
  if (Math.abs(m - nearest) >= INTEGER_GAP) return hyp2f1OneMinusZ(a, b, c, z);
  // F is analytic in c: interpolate linearly between c − m + (k ∓ gap), O(gap²) error.
  const cLow = a + b + nearest - INTEGER_GAP;
  const cHigh = a + b + nearest + INTEGER_GAP;
  const low = hyp2f1OneMinusZ(a, b, cLow, z);
  const high = hyp2f1OneMinusZ(a, b, cHigh, z);
  if (Number.isNaN(low.sign) || Number.isNaN(high.sign)) return NOT_A_NUMBER;
  // interpolate relative to the larger magnitude so that neither value overflows
  const reference = Math.max(low.sign === 0 ? -Infinity : low.log, high.sign === 0 ? -Infinity : high.log);
  if (reference === -Infinity) return ZERO;
  const lowScaled = low.sign === 0 ? 0 : low.sign * Math.exp(low.log - reference);
  const highScaled = high.sign === 0 ? 0 : high.sign * Math.exp(high.log - reference);
  const value = lowScaled + ((c - cLow) / (cHigh - cLow)) * (highScaled - lowScaled);
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  return value === 0 ? ZERO : { sign: Math.sign(value), log: Math.log(Math.abs(value)) + reference };
}

/** ₂F₁(a, b; c; z) as a plain number (may be ±Infinity when it overflows); see hyp2f1Log. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return signedLogValue(hyp2f1Log(a, b, c, z));
}
