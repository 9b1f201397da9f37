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
import { hyp2f1Log, log1pExp, logPochhammer } from './special';

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

/** Log-parameters are searched in [−LOG_BOUND, LOG_BOUND], i.e. every parameter in [e^−10, e^10]. */
const LOG_BOUND = 10;

const fromLog = (theta: readonly number[]): BgNbdParams => ({
  r: Math.exp(theta[0]!),
  alpha: Math.exp(theta[1]!),
  a: Math.exp(theta[2]!),
  b: Math.exp(theta[3]!),
});

/**
 * Maximum-likelihood estimates of (r, α, a, b): Nelder–Mead with restarts over the log-parameters,
 * which keeps them positive, bounded to [−10, 10]. Starts from r = α = a = b = 1.
 */
export function fitBgNbd(customers: readonly RecencyFrequency[]): BgNbdFit {
  if (customers.length === 0) throw new RangeError('fitBgNbd: no customers');
  const groups = groupCustomers(customers);
  const count = customers.length;
  // per customer, so that the tolerances mean the same for small and large data sets
  const objective = (theta: readonly number[]): number => -bgnbdLogLikelihood(fromLog(theta), groups) / count;
  const result = minimize(objective, [0, 0, 0, 0], { lower: -LOG_BOUND, upper: LOG_BOUND });
  const params = fromLog(result.x);
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
 * Within this distance of a = 1 the (a+b+x−1)/(a−1) · [1 − G] form loses precision (G → 1), so it is
 * evaluated at a = 1 ± A_GAP and 1 ± 2·A_GAP and interpolated by a cubic (error O(A_GAP⁴)).
 */
const A_GAP = 1e-3;
const A_NODES = [-2, -1, 1, 2].map((k) => 1 + k * A_GAP);

/**
 * E[Y(t) | alive at T, x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − G] with
 *   G = ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))
 *     = ₂F₁(a−1, r+x; a+b+x−1; −t/(α+T))     (Pfaff's transformation),
 * the second form being the one handed to hyp2f1Log, which applies Pfaff's transformation on a − 1
 * and so sums a series with the small numerator parameters a − 1 and a + b − 1 − r even when x is large.
 */
function expectedPurchasesIfAlive({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  const direct = (aa: number): number => {
    const c = aa + b + x - 1;
    const g = hyp2f1Log(aa - 1, r + x, c, -t / (alpha + T));
    const gValue = g.sign === 0 ? 0 : g.sign * Math.exp(g.log);
    return (c * (1 - gValue)) / (aa - 1);
  };
  if (Math.abs(a - 1) >= A_GAP) return direct(a);
  // (a+b+x−1)/(a−1) · [1 − G] has a removable singularity at a = 1: interpolate across it (Lagrange form).
  const values = A_NODES.map(direct);
  let result = 0;
  A_NODES.forEach((node, i) => {
    let weight = 1;
    A_NODES.forEach((other, j) => {
      if (j !== i) weight *= (a - other) / (node - other);
    });
    result += weight * values[i]!;
  });
  return result;
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
