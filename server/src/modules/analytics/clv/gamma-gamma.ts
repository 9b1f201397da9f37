/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4); Fader & Hardie
 * 2013, "The Gamma-Gamma Model of Monetary Value"): a customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, v) across customers. Pure functions, no I/O.
 *
 * A customer contributes x ≥ 1 repeat transactions with mean value mₓ > 0.
 */
import { minimize, type MinimizeStatus } from './optimize';
import { logGamma } from './special';

export interface GammaGammaParams {
  p: number;
  q: number;
  /** the scale parameter called γ in the papers */
  v: number;
}

export interface FrequencyMonetary {
  /** repeat transactions */
  x: number;
  /** their mean value */
  monetary: number;
}

function checkParams({ p, q, v }: GammaGammaParams): void {
  if (![p, q, v].every((value) => value > 0 && Number.isFinite(value))) {
    throw new RangeError(`Gamma-Gamma parameters must be positive and finite: p=${p}, q=${q}, v=${v}`);
  }
}

function checkFitCustomer({ x, monetary }: FrequencyMonetary): void {
  if (!(Number.isInteger(x) && x >= 1 && monetary > 0 && Number.isFinite(monetary))) {
    throw new RangeError(`invalid Gamma-Gamma customer: x=${x}, monetary=${monetary} (need integer x ≥ 1 and a finite monetary > 0)`);
  }
}

/**
 * One customer's log-density of mₓ given x:
 *   f(mₓ | x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · mₓ^(px−1) · x^(px) / (v + x mₓ)^(px+q)
 * (the mean of x Gamma(p, ν) values is Gamma(px, νx); integrating ν over Gamma(q, v) gives this),
 * rearranged for precision as
 *   ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) − q ln(1 + x mₓ/v) − px ln(1 + v/(x mₓ)) − ln mₓ.
 */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, customer: FrequencyMonetary): number {
  return customerTerm(params, customer, logGammaPart(params, customer.x));
}

/** ln Γ(px+q) − ln Γ(px) − ln Γ(q): the part that depends on x alone. */
const logGammaPart = ({ p, q }: GammaGammaParams, x: number): number => logGamma(p * x + q) - logGamma(p * x) - logGamma(q);

function customerTerm({ p, q, v }: GammaGammaParams, { x, monetary }: FrequencyMonetary, xPart: number): number {
  const total = x * monetary;
  return xPart - q * Math.log1p(total / v) - p * x * Math.log1p(v / total) - Math.log(monetary);
}

/**
 * Sum of the customers' log-likelihoods. The terms that depend on x alone are computed once per run
 * of equal x, so customers sorted by x (as fitGammaGamma passes them) cost three logarithms each.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: readonly FrequencyMonetary[]): number {
  checkParams(params);
  let cachedX = Number.NaN;
  let xPart = 0;
  let total = 0;
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    if (c.x !== cachedX) {
      cachedX = c.x;
      xPart = logGammaPart(params, c.x);
    }
    total += customerTerm(params, c, xPart);
  }
  return total;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  evaluations: number;
  status: MinimizeStatus;
}

const LOG_BOUND = 10;

const fromLog = (theta: readonly number[]): GammaGammaParams => ({ p: Math.exp(theta[0]!), q: Math.exp(theta[1]!), v: Math.exp(theta[2]!) });

/**
 * Maximum-likelihood estimates of (p, q, v) from customers with at least one repeat transaction and a
 * positive mean repeat value: Nelder–Mead with restarts over the log-parameters in [−10, 10], from
 * p = q = v = 1.
 */
export function fitGammaGamma(customers: readonly FrequencyMonetary[]): GammaGammaFit {
  if (customers.length === 0) throw new RangeError('fitGammaGamma: no customers');
  customers.forEach(checkFitCustomer);
  const count = customers.length;
  const byX = [...customers].sort((c, d) => c.x - d.x);
  const objective = (theta: readonly number[]): number => -gammaGammaLogLikelihood(fromLog(theta), byX) / count;
  const result = minimize(objective, [0, 0, 0], { lower: -LOG_BOUND, upper: LOG_BOUND });
  const params = fromLog(result.x);
  return { params, logLikelihood: gammaGammaLogLikelihood(params, byX), evaluations: result.evaluations, status: result.status };
}

/**
 * The population mean spend per transaction, E[Z] = p v / (q − 1); +Infinity when q ≤ 1 (the
 * mixing distribution has no finite mean then).
 */
export function populationMeanSpend(params: GammaGammaParams): number {
  checkParams(params);
  return params.q > 1 ? (params.p * params.v) / (params.q - 1) : Number.POSITIVE_INFINITY;
}

/**
 * E[M | x, mₓ] = p (v + x mₓ) / (p x + q − 1): the posterior mean of ν is Gamma(px + q, v + x mₓ),
 * so this weighs the population mean against the customer's own mean. For x = 0 it is the
 * population mean. +Infinity when p x + q ≤ 1.
 */
export function expectedAverageSpend(params: GammaGammaParams, { x, monetary }: FrequencyMonetary): number {
  checkParams(params);
  if (!(Number.isInteger(x) && x >= 0 && monetary >= 0 && Number.isFinite(monetary))) {
    throw new RangeError(`invalid customer: x=${x}, monetary=${monetary}`);
  }
  const { p, q, v } = params;
  const shape = p * x + q - 1;
  if (shape <= 0) return Number.POSITIVE_INFINITY;
  return (p * (v + x * monetary)) / shape;
}
