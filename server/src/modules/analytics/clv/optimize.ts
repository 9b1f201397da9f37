/**
 * A derivative-free minimizer for the maximum-likelihood fits: Nelder–Mead inside a box, restarted
 * from its best point until a restart no longer improves. Pure, no I/O.
 *
 * The box keeps the search from running off to infinity (the fits search over log-parameters in
 * [-10, 10]); points outside it are projected onto it. A non-finite objective value (NaN, ±Infinity)
 * counts as worse than any finite one, so the simplex moves away from it; a start point with a
 * non-finite value stops the search at once.
 *
 * A run ends when the simplex has shrunk to xTol with values within fTol of each other, or when its
 * best value has not improved by more than fTol for STALL_ITERATIONS iterations: that happens when
 * the objective's rounding noise is larger than fTol (a likelihood at extreme parameters), or on a
 * ridge along the bound. The restart that follows checks that nothing better is nearby.
 */

export type Objective = (x: readonly number[]) => number;

export interface MinimizeOptions {
  /** lower bound of every coordinate (default -10) */
  lower?: number;
  /** upper bound of every coordinate (default 10) */
  upper?: number;
  /** edge length of each new simplex (default 0.5) */
  initialStep?: number;
  /** stop a run when the simplex's values differ by at most fTol · (1 + |best|) … (default 1e-12) */
  fTol?: number;
  /** … and its vertices lie within xTol of the best one in every coordinate (default 1e-9) */
  xTol?: number;
  /** over all runs (default 20 000) */
  maxEvaluations?: number;
  /** further runs after the first (default 20) */
  maxRestarts?: number;
}

export type MinimizeStatus = 'converged' | 'max-evaluations' | 'non-finite-start';

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  restarts: number;
  status: MinimizeStatus;
}

interface Vertex {
  x: number[];
  f: number;
}

const STALL_ITERATIONS = 200;

// Standard Nelder–Mead coefficients: reflection, expansion, contraction, shrink.
const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

/** Minimizes f from start; see the file comment. */
export function minimize(f: Objective, start: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  const lower = options.lower ?? -10;
  const upper = options.upper ?? 10;
  const step = options.initialStep ?? 0.5;
  const fTol = options.fTol ?? 1e-12;
  const xTol = options.xTol ?? 1e-9;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 20;
  if (!(lower < upper)) throw new RangeError('minimize: lower must be below upper');
  if (start.length === 0) throw new RangeError('minimize: start must have at least one coordinate');

  let evaluations = 0;
  const project = (x: readonly number[]): number[] => x.map((v) => (Number.isNaN(v) ? (lower + upper) / 2 : Math.min(upper, Math.max(lower, v))));
  const evaluate = (x: readonly number[]): Vertex => {
    const point = project(x);
    evaluations++;
    const value = f(point);
    return { x: point, f: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };

  let best = evaluate(start);
  if (best.f === Number.POSITIVE_INFINITY) {
    return { x: best.x, value: Number.NaN, evaluations, restarts: 0, status: 'non-finite-start' };
  }

  let restarts = 0;
  for (;;) {
    const run = nelderMead(best, evaluate, () => evaluations, { step, fTol, xTol, maxEvaluations, lower, upper });
    const improvement = best.f - run.best.f;
    if (run.best.f < best.f) best = run.best;
    if (run.hitLimit) return { x: best.x, value: best.f, evaluations, restarts, status: 'max-evaluations' };
    // A restart that no longer improves means the first run did not stop on a false convergence.
    if (restarts > 0 && improvement <= fTol * (1 + Math.abs(best.f))) break;
    if (restarts >= maxRestarts) break;
    restarts++;
  }
  return { x: best.x, value: best.f, evaluations, restarts, status: 'converged' };
}

interface RunSettings {
  step: number;
  fTol: number;
  xTol: number;
  maxEvaluations: number;
  lower: number;
  upper: number;
}

function nelderMead(
  start: Vertex,
  evaluate: (x: readonly number[]) => Vertex,
  evaluationsSoFar: () => number,
  settings: RunSettings,
): { best: Vertex; hitLimit: boolean } {
  const n = start.x.length;
  const simplex: Vertex[] = [start];
  for (let i = 0; i < n; i++) {
    const x = [...start.x];
    // step away from the nearer bound so the new vertex is not projected back onto the start
    x[i] = x[i]! + settings.step <= settings.upper ? x[i]! + settings.step : x[i]! - settings.step;
    simplex.push(evaluate(x));
  }

  let lastImprovement = { f: Number.POSITIVE_INFINITY, iteration: 0 };
  for (let iteration = 0; ; iteration++) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (evaluationsSoFar() >= settings.maxEvaluations) return { best, hitLimit: true };
    const tolerance = settings.fTol * (1 + Math.abs(best.f));
    if (best.f < lastImprovement.f - tolerance) lastImprovement = { f: best.f, iteration };
    else if (iteration - lastImprovement.iteration > STALL_ITERATIONS) return { best, hitLimit: false };
    const spread = worst.f - best.f;
    let size = 0;
    for (const vertex of simplex) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(vertex.x[j]! - best.x[j]!));
    if (spread <= tolerance && size <= settings.xTol) return { best, hitLimit: false };
    if (best.f === Number.POSITIVE_INFINITY) return { best, hitLimit: false }; // nothing finite left to compare

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]!.x[j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (c - worst.x[j]!));

    const reflected = evaluate(along(REFLECT));
    if (reflected.f < best.f) {
      const expanded = evaluate(along(EXPAND));
      simplex[n] = expanded.f < reflected.f ? expanded : reflected;
      continue;
    }
    if (reflected.f < simplex[n - 1]!.f) {
      simplex[n] = reflected;
      continue;
    }
    if (reflected.f < worst.f) {
      const outside = evaluate(along(REFLECT * CONTRACT));
      if (outside.f <= reflected.f) {
        simplex[n] = outside;
        continue;
      }
    } else {
      const inside = evaluate(along(-CONTRACT));
      if (inside.f < worst.f) {
        simplex[n] = inside;
        continue;
      }
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = evaluate(simplex[i]!.x.map((v, j) => best.x[j]! + SHRINK * (v - best.x[j]!)));
    }
  }
}
