/**
 * Adaptive Gauss–Kronrod quadrature (the 7/15-point pair of QUADPACK's qk15) for smooth integrands
 * on a finite interval. Pure, no I/O.
 *
 * Integrates two functions over the same points at once (a numerator and a denominator, as for an
 * expectation under an unnormalised density), and splits the interval with the largest error
 * estimate of the first until the total error is within the relative tolerance.
 */

/** Kronrod nodes on [0, 1] (symmetric), the last one the centre. */
const KRONROD_NODES = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
] as const;
const KRONROD_WEIGHTS = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
] as const;
/** Gauss weights of the embedded 7-point rule, at Kronrod nodes 1, 3, 5 and 7 (the centre). */
const GAUSS_WEIGHTS = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327] as const;

interface Piece {
  lo: number;
  hi: number;
  value: number;
  weight: number;
  error: number;
}

/** Values of the two integrands at a point: [f · w, w]. */
export type PairIntegrand = (x: number) => readonly [number, number];

function kronrod(f: PairIntegrand, lo: number, hi: number): Piece {
  const centre = (lo + hi) / 2;
  const half = (hi - lo) / 2;
  let kronrodValue = 0;
  let kronrodWeight = 0;
  let gaussValue = 0;
  for (let i = 0; i < KRONROD_NODES.length; i++) {
    const offset = half * KRONROD_NODES[i]!;
    const [v1, w1] = f(centre - offset);
    const [v2, w2] = offset === 0 ? [0, 0] : f(centre + offset);
    kronrodValue += KRONROD_WEIGHTS[i]! * (v1 + v2);
    kronrodWeight += KRONROD_WEIGHTS[i]! * (w1 + w2);
    if (i % 2 === 1) gaussValue += GAUSS_WEIGHTS[(i - 1) / 2]! * (v1 + v2);
  }
  return { lo, hi, value: kronrodValue * half, weight: kronrodWeight * half, error: Math.abs((kronrodValue - gaussValue) * half) };
}

export interface PairQuadrature {
  /** ∫ f · w */
  value: number;
  /** ∫ w */
  weight: number;
  /** estimated absolute error of value */
  error: number;
  pieces: number;
}

/**
 * ∫ f·w and ∫ w over the union of the intervals between consecutive `breaks` (sorted, at least two),
 * refined until the estimated error of ∫ f·w is at most relativeTolerance · |∫ f·w| or maxPieces
 * intervals are in use.
 */
export function integratePair(f: PairIntegrand, breaks: readonly number[], relativeTolerance: number, maxPieces = 2000): PairQuadrature {
  if (breaks.length < 2) throw new RangeError('integratePair: need at least two break points');
  const pieces: Piece[] = [];
  for (let i = 1; i < breaks.length; i++) if (breaks[i]! > breaks[i - 1]!) pieces.push(kronrod(f, breaks[i - 1]!, breaks[i]!));
  const totals = () => {
    let value = 0;
    let weight = 0;
    let error = 0;
    for (const piece of pieces) {
      value += piece.value;
      weight += piece.weight;
      error += piece.error;
    }
    return { value, weight, error };
  };
  let sum = totals();
  while (sum.error > relativeTolerance * Math.abs(sum.value) && pieces.length < maxPieces) {
    let worst = 0;
    for (let i = 1; i < pieces.length; i++) if (pieces[i]!.error > pieces[worst]!.error) worst = i;
    const { lo, hi } = pieces[worst]!;
    const middle = (lo + hi) / 2;
    if (!(middle > lo && middle < hi)) break; // cannot split further in double precision
    pieces.splice(worst, 1, kronrod(f, lo, middle), kronrod(f, middle, hi));
    sum = totals();
  }
  return { ...sum, pieces: pieces.length };
}
