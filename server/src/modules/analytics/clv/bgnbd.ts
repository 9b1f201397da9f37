/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
 * Way", Marketing Science 24(2)): while alive a customer buys at Poisson rate λ, and after each
 * purchase drops out with probability p; λ ~ Gamma(r, α) and p ~ Beta(a, b) across customers.
 * Pure functions, no I/O.
 *
 * A customer is summarised as (x, tₓ, T): x repeat purchases, the last at tₓ, observed for T, all in
 * one time unit measured from the first purchase.
 */
import { minimize, type MinimizeStatus } from './optimize';
import { integratePair } from './quadrature';
import { log1pExp, logPochhammer } from './special';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface RecencyFrequency {
  /** repeat purchases (an integer ≥ 0) */
  x: number;
  /** time of the last purchase since the first (0 when x = 0) */
  tx: number;
  /** time from the first purchase to the end of observation (≥ tx) */
  T: number;
}

function checkCustomer({ x, tx, T }: RecencyFrequency): void {
  if (!(Number.isInteger(x) && x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T))) {
    throw new RangeError(`invalid customer: x=${x}, tx=${tx}, T=${T} (need integer x ≥ 0 and 0 ≤ tx ≤ T < ∞)`);
  }
}

function checkParams({ r, alpha, a, b }: BgNbdParams): void {
  if (![r, alpha, a, b].every((v) => v > 0 && Number.isFinite(v))) {
    throw new RangeError(`BG/NBD parameters must be positive and finite: r=${r}, alpha=${alpha}, a=${a}, b=${b}`);
  }
}

/**
 * One customer's log-likelihood (FHL 2005, eq. 6):
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
 *     + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+tₓ)^(r+x))
 * rearranged for precision as
 *   ln L = ln (r)ₓ + ln (b)ₓ − ln (a+b)ₓ − r ln(1 + T/α) − x ln(α+T) + ln(1 + odds),
 *   ln odds = ln a − ln(b+x−1) + (r+x) ln(1 + (T−tₓ)/(α+tₓ))   (−∞ when x = 0),
 * where (s)ₓ is the rising factorial Γ(s+x)/Γ(s) and the odds are the second term over the first.
 */
export function bgnbdCustomerLogLikelihood(params: BgNbdParams, customer: RecencyFrequency): number {
  const { x } = customer;
  return customerTerm(params, customer, logCountAndDropoutPart(params, x), logOddsConstant(params, x));
}

/** ln (r)ₓ + ln (b)ₓ − ln (a+b)ₓ: the part of ln L that depends on x alone. */
const logCountAndDropoutPart = ({ r, a, b }: BgNbdParams, x: number): number => logPochhammer(r, x) + logPochhammer(b, x) - logPochhammer(a + b, x);

/** ln a − ln(b+x−1), or −∞ when x = 0 (no purchase after which the customer could have dropped out). */
const logOddsConstant = ({ a, b }: BgNbdParams, x: number): number => (x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY);

/** ln of the second likelihood term over the first: the log-odds that the customer dropped out after the last purchase. */
const logDropoutOdds = (params: BgNbdParams, { x, tx, T }: RecencyFrequency, oddsConstant = logOddsConstant(params, x)): number =>
  x > 0 ? oddsConstant + (params.r + x) * Math.log1p((T - tx) / (params.alpha + tx)) : Number.NEGATIVE_INFINITY;

function customerTerm(params: BgNbdParams, customer: RecencyFrequency, xPart: number, oddsConstant: number): number {
  const { r, alpha } = params;
  const { x, T } = customer;
  const stillAlive = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T);
  return xPart + stillAlive + log1pExp(logDropoutOdds(params, customer, oddsConstant));
}

/** Customers with the same (x, tₓ, T) share one likelihood term; weight = how many there are. Sorted by x. */
export interface WeightedRecencyFrequency extends RecencyFrequency {
  weight: number;
}

export function groupCustomers(customers: readonly RecencyFrequency[]): WeightedRecencyFrequency[] {
  const groups = new Map<string, WeightedRecencyFrequency>();
  for (const c of customers) {
    checkCustomer(c);
    const key = `${c.x}|${c.tx}|${c.T}`;
    const group = groups.get(key);
    if (group) group.weight++;
    else groups.set(key, { x: c.x, tx: c.tx, T: c.T, weight: 1 });
  }
  return [...groups.values()].sort((p, q) => p.x - q.x);
}

/**
 * Sum of the customers' log-likelihoods (bgnbdCustomerLogLikelihood, weighted). The terms that depend
 * on x alone are computed once per run of equal x, so customers sorted by x (as groupCustomers
 * returns them) cost a few logarithms each.
 */
export function bgnbdLogLikelihood(params: BgNbdParams, customers: readonly (RecencyFrequency & { weight?: number })[]): number {
  checkParams(params);
  let cachedX = Number.NaN;
  let xPart = 0;
  let oddsConstant = 0;
  let total = 0;
  // an indexed loop: this is the fits' inner loop, and it stays fast when compiled to older targets
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    if (c.x !== cachedX) {
      cachedX = c.x;
      xPart = logCountAndDropoutPart(params, c.x);
      oddsConstant = logOddsConstant(params, c.x);
    }
    total += (c.weight ?? 1) * customerTerm(params, c, xPart, oddsConstant);
  }
  return total;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  evaluations: number;
  status: MinimizeStatus;
}

/**
 * The search runs over θ = (ln r, ln(r/α), logit(a/(a+b)), ln(a+b)): the shape and the log mean of
 * the purchase-rate Gamma, the mean and the log "precision" of the dropout Beta. Where the data show
 * no heterogeneity the maximum lies at infinity along r, α → ∞ with r/α fixed, or a, b → ∞ with
 * a/(a+b) fixed; in these coordinates such a ridge runs along one axis, so the search walks to the
 * box's edge in that coordinate and settles there instead of crawling along a diagonal valley. Every
 * θ is kept in [−THETA_BOUND, THETA_BOUND], so no parameter can run off: r and a+b lie in
 * [e^−10, e^10], the mean rate r/α in [e^−10, e^10] per time unit, the mean dropout a/(a+b) in
 * [1/(1+e^10), 1/(1+e^−10)].
 */
export const THETA_BOUND = 10;

export function paramsFromTheta(theta: readonly number[]): BgNbdParams {
  const [logShape, logMeanRate, logitDropout, logPrecision] = theta as [number, number, number, number];
  const precision = Math.exp(logPrecision);
  return {
    r: Math.exp(logShape),
    alpha: Math.exp(logShape - logMeanRate),
    a: precision / (1 + Math.exp(-logitDropout)),
    b: precision / (1 + Math.exp(logitDropout)),
  };
}

export function thetaFromParams({ r, alpha, a, b }: BgNbdParams): number[] {
  return [Math.log(r), Math.log(r / alpha), Math.log(a / b), Math.log(a + b)];
}

/**
 * Maximum-likelihood estimates of (r, α, a, b): Nelder–Mead with restarts over θ (see THETA_BOUND),
 * from r = a = b = 1 and α = 1 / the customers' mean purchase rate Σx / ΣT. The result's status says
 * whether the search converged or ran out of evaluations.
 */
export function fitBgNbd(customers: readonly RecencyFrequency[]): BgNbdFit {
  if (customers.length === 0) throw new RangeError('fitBgNbd: no customers');
  const groups = groupCustomers(customers);
  const count = customers.length;
  let purchases = 0;
  let time = 0;
  for (const group of groups) {
    purchases += group.weight * group.x;
    time += group.weight * group.T;
  }
  const clamp = (v: number) => Math.min(THETA_BOUND - 1, Math.max(-THETA_BOUND + 1, v));
  const logMeanRate = purchases > 0 && time > 0 ? clamp(Math.log(purchases / time)) : 0;
  // per customer, so that the tolerances mean the same for small and large data sets
  const objective = (theta: readonly number[]): number => -bgnbdLogLikelihood(paramsFromTheta(theta), groups) / count;
  const result = minimize(objective, [0, logMeanRate, 0, Math.LN2], { lower: -THETA_BOUND, upper: THETA_BOUND });
  const params = paramsFromTheta(result.x);
  return { params, logLikelihood: bgnbdLogLikelihood(params, groups), evaluations: result.evaluations, status: result.status };
}

/**
 * P(alive | x, tₓ, T) = 1 / (1 + [x > 0] a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x))  (FHL 2005, eq. 13),
 * computed from the log-odds so that it stays within [0, 1] for any inputs.
 */
export function probabilityAlive(params: BgNbdParams, customer: RecencyFrequency): number {
  checkParams(params);
  checkCustomer(customer);
  return Math.exp(-log1pExp(logDropoutOdds(params, customer)));
}

/**
 * E[Y(t) | alive at T, x, T]: given that the customer is alive at T, λ ~ Gamma(k = r+x, α+T) and
 * p ~ Beta(a, b' = b+x), independently. FHL (2005) write the answer as
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))], a difference of
 * two nearly equal numbers whose ₂F₁ needs hundreds of thousands of terms, or a 1 − z transformation
 * that cancels catastrophically, once a and b are large (a fit with little heterogeneity in dropout
 * runs b to thousands), and which has a removable singularity at a = 1. Instead it is computed from
 * the model directly, in one of two ways, both free of cancellation:
 *
 * - A series of positive terms. Without dropout the purchases in (T, T+t] would number N, negative
 *   binomial: P(N = n) = (k)ₙ/n! (1−w)^k wⁿ with s = t/(α+T), w = s/(1+s). With dropout the customer
 *   makes the j-th of them with probability (1−p)^(j−1), and E_p[(1−p)^j] = (b')ⱼ/(a+b')ⱼ, so
 *     E = Σ_{n≥1} P(N = n) Sₙ,   Sₙ = Σ_{j<n} (b')ⱼ/(a+b')ⱼ.
 *   The number of terms grows with the mean k·s of N and with 1/(1−w) = 1+s.
 * - Where that would take more than SERIES_MAX_TERMS terms, the integral over p,
 *     E = ∫ (1 − (1+ps)^(−k))/p · Beta(p; a, b') dp    (E[Y | λ, p] = (1 − e^(−λpt))/p, averaged over λ),
 *   whose integrand is bounded (by k·s) and smooth; see expectedPurchasesIfAliveByIntegral.
 */
function expectedPurchasesIfAlive({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  const k = r + x;
  const bx = b + x;
  const s = t / (alpha + T);
  const mean = k * s;
  const termsNeeded = mean + 12 * Math.sqrt(mean * (1 + s)) + 40 * (1 + s);
  if (termsNeeded <= SERIES_MAX_TERMS) {
    const series = expectedPurchasesIfAliveBySeries(k, a, bx, s);
    if (series !== null) return series;
  }
  return expectedPurchasesIfAliveByIntegral(k, a, bx, s);
}

/** Beyond this many terms the series gives way to the integral (a few microseconds against tens). */
const SERIES_MAX_TERMS = 20_000;
const SERIES_TOLERANCE = 1e-15;
const RESCALE = 1e200;
const LOG_RESCALE = Math.log(RESCALE);

/** Σ P(N = n) Sₙ (see expectedPurchasesIfAlive), or null if it did not converge within twice SERIES_MAX_TERMS terms. */
export function expectedPurchasesIfAliveBySeries(k: number, a: number, bx: number, s: number): number | null {
  if (s === 0) return 0;
  const w = s / (1 + s);
  // P(N = n) = term · e^logScale; the scale absorbs (1−w)^k, which underflows for large k·ln(1+s)
  let logScale = -k * Math.log1p(s);
  let term = 1;
  let sum = 0;
  let cumulative = 0; // Sₙ
  let survive = 1; // (b')ₙ/(a+b')ₙ
  for (let n = 1; n <= 2 * SERIES_MAX_TERMS; n++) {
    term *= ((k + n - 1) / n) * w;
    cumulative += survive;
    survive *= (bx + n - 1) / (a + bx + n - 1);
    sum += term * cumulative;
    if (term > RESCALE || sum > RESCALE) {
      term /= RESCALE;
      sum /= RESCALE;
      logScale += LOG_RESCALE;
    }
    // later terms shrink at least geometrically by q, and Sₘ ≤ Sₙ + (m−n)·(b')ₙ/(a+b')ₙ
    const q = Math.max(((k + n) / (n + 1)) * w, w);
    if (q < 1) {
      const tail = term * ((cumulative * q) / (1 - q) + (survive * q) / ((1 - q) * (1 - q)));
      if (tail <= SERIES_TOLERANCE * sum) return sum * Math.exp(logScale);
    }
  }
  return null;
}

/**
 * ∫ (1 − (1+ps)^(−k))/p · Beta(p; a, b') dp over u = ln(p/(1−p)), where the Beta weight becomes
 * p^a (1−p)^(b') du: log-concave, with its mode at ln(a/b') and tails falling off as e^(a·u) and
 * e^(−b'·u). The weight is taken relative to its mode and normalised by its own integral over the
 * same points, so neither B(a, b') nor the truncation of the tails enters the ratio. The range ends
 * where the weight, times the integrand's largest possible ratio k·s / (1 − (1+s)^(−k)), is e^−50 of
 * its peak; break points double away from the mode, so that a sharp peak (large a, b') and a long
 * shallow tail (tiny a) are both resolved before adaptive refinement.
 */
export function expectedPurchasesIfAliveByIntegral(k: number, a: number, bx: number, s: number): number {
  if (s === 0) return 0;
  const logWeight = (u: number): number => -a * log1pExp(-u) - bx * log1pExp(u);
  const perP = (p: number): number => (p < 1e-300 ? k * s : -Math.expm1(-k * Math.log1p(p * s)) / p);
  const mode = Math.log(a / bx);
  const peak = logWeight(mode);
  const margin = 50 + Math.log((k * s) / perP(1));
  const edge = (direction: 1 | -1): number => {
    let inside = 0;
    let outside = 1;
    while (logWeight(mode + direction * outside) > peak - margin) {
      inside = outside;
      outside *= 2;
    }
    for (let i = 0; i < 60 && outside - inside > 1e-9 * outside; i++) {
      const middle = (inside + outside) / 2;
      if (logWeight(mode + direction * middle) > peak - margin) inside = middle;
      else outside = middle;
    }
    return mode + direction * outside;
  };
  const lo = edge(-1);
  const hi = edge(1);
  // the weight's scale at the mode: 1 / sqrt(−ℓ''), ℓ'' = −(a + b') p(1−p) at p = a/(a+b')
  const width = Math.min(1, 1 / Math.sqrt((a * bx) / (a + bx)));
  const breaks = [mode];
  for (let d = width; mode - d > lo; d *= 2) breaks.unshift(mode - d);
  breaks.unshift(lo);
  for (let d = width; mode + d < hi; d *= 2) breaks.push(mode + d);
  breaks.push(hi);
  const result = integratePair(
    (u) => {
      const w = Math.exp(logWeight(u) - peak);
      return [w === 0 ? 0 : perP(1 / (1 + Math.exp(-u))) * w, w];
    },
    breaks,
    1e-12,
  );
  return result.value / result.weight;
}

/**
 * Expected purchases in the next t time units, E[Y(t) | x, tₓ, T] (FHL 2005, eq. 10):
 * P(alive) · E[Y(t) | alive]. Finite and ≥ 0 for all valid inputs.
 */
export function expectedPurchases(params: BgNbdParams, customer: RecencyFrequency, t: number): number {
  checkParams(params);
  checkCustomer(customer);
  if (!(t >= 0 && Number.isFinite(t))) throw new RangeError(`horizon must be finite and ≥ 0, got ${t}`);
  if (t === 0) return 0;
  const ifAlive = expectedPurchasesIfAlive(params, customer.x, customer.T, t);
  if (Number.isNaN(ifAlive) || ifAlive === Number.POSITIVE_INFINITY) {
    throw new Error(`BG/NBD expected purchases did not evaluate (x=${customer.x}, tx=${customer.tx}, T=${customer.T}, t=${t})`);
  }
  if (ifAlive <= 0) return 0; // rounding can dip below zero when t is tiny
  return Math.exp(Math.log(ifAlive) - log1pExp(logDropoutOdds(params, customer)));
}
