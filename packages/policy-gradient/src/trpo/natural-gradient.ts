// The maths of a natural-gradient step on flat parameter vectors (plain typed arrays, no tensors):
// solve F·s = g by conjugate gradients, scale s to the trust region, backtrack along it.

/** A flat vector of parameters, gradients or directions. */
export type FlatVector = Float32Array | Float64Array;

/** Options of {@link conjugateGradient}. */
export interface ConjugateGradientOptions {
  /** Most products with the matrix (CG iterations). Default 10. */
  readonly iterations?: number;
  /** Stop once the squared residual norm ‖b − A·x‖² falls below this. Default 1e-10. */
  readonly residualTolerance?: number;
}

/** What {@link conjugateGradient} returns. */
export interface ConjugateGradientResult {
  /** x ≈ A⁻¹·b. */
  readonly x: Float64Array;
  /** Iterations run (products with A). */
  readonly iterations: number;
  /** ‖b − A·x‖² of the recursion when it stopped. */
  readonly residualNormSquared: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Solves A·x = b for a symmetric positive-definite A given only as products `matrixVector(v)` =
 * A·v (Hestenes & Stiefel 1952; TRPO's Appendix C), starting from x = 0, in float64:
 *   r = p = b; repeat: α = rᵀr / pᵀAp; x += α·p; r −= α·Ap; p = r + (r'ᵀr' / rᵀr)·p
 * until `iterations` products or ‖r‖² < `residualTolerance`. Exact in n iterations for an n×n A.
 */
export function conjugateGradient(
  matrixVector: (v: Float64Array) => FlatVector,
  b: FlatVector,
  options: ConjugateGradientOptions = {},
): ConjugateGradientResult {
  const { iterations = 10, residualTolerance = 1e-10 } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`conjugateGradient: iterations must be an integer >= 1, got ${iterations}`);
  if (!(residualTolerance >= 0)) throw new RangeError(`conjugateGradient: residualTolerance must be >= 0, got ${residualTolerance}`);
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let done = 0;
  while (done < iterations && rr >= residualTolerance) {
    const ap = matrixVector(p);
    if (ap.length !== n) throw new RangeError(`conjugateGradient: the product has length ${ap.length}, expected ${n}`);
    const pAp = dot(p, ap);
    if (!(pAp > 0)) throw new RangeError(`conjugateGradient: pᵀAp = ${pAp}: the matrix is not positive definite (or not finite)`);
    const alpha = rr / pAp;
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * ap[i]!;
    }
    const next = dot(r, r);
    const beta = next / rr;
    for (let i = 0; i < n; i++) p[i] = r[i]! + beta * p[i]!;
    rr = next;
    done++;
  }
  return { x, iterations: done, residualNormSquared: rr };
}

/**
 * The step length β = √(2δ / sᵀFs) that puts θ + β·s on the boundary of the trust region
 * ½·(β·s)ᵀF(β·s) = δ, the quadratic model of KL(π_old ‖ π_new) ≤ δ (TRPO, Appendix C).
 */
export function naturalStepScale(maxKl: number, sFs: number): number {
  if (!(maxKl > 0 && Number.isFinite(maxKl))) throw new RangeError(`naturalStepScale: maxKl must be a finite number > 0, got ${maxKl}`);
  if (!(sFs > 0 && Number.isFinite(sFs))) throw new RangeError(`naturalStepScale: sᵀFs must be a finite number > 0, got ${sFs}`);
  return Math.sqrt((2 * maxKl) / sFs);
}

/** What the policy looks like at θ_old + fraction·fullStep, as {@link backtrackingLineSearch} asks. */
export interface LineSearchPoint {
  /** L(θ) − L(θ_old) of the surrogate objective (to maximise). */
  readonly improvement: number;
  /** Mean KL(π_old ‖ π_θ) over the batch. */
  readonly kl: number;
}

/** Options of {@link backtrackingLineSearch}. */
export interface LineSearchOptions {
  /** δ: the most KL a step may have. */
  readonly maxKl: number;
  /** Shrinking factor β in (0, 1) of each backtrack. Default 0.8 (SB3). */
  readonly shrinkFactor?: number;
  /** Fractions tried: 1, β, β², …, β^(maxIterations−1). Default 10. */
  readonly maxIterations?: number;
}

/** What {@link backtrackingLineSearch} returns. */
export interface LineSearchResult {
  readonly accepted: boolean;
  /** β^k of the accepted step; 0 when none was. */
  readonly fraction: number;
  /** Fractions tried (evaluations). */
  readonly iterations: number;
  /** KL and improvement of the accepted step; 0 and 0 when none was (the policy stays). */
  readonly kl: number;
  readonly improvement: number;
}

/**
 * TRPO's backtracking line search: tries the fractions 1, β, β², … of the full natural step and
 * accepts the first (the largest) whose mean KL is at most δ and whose surrogate improves
 * (improvement > 0); a point with a non-finite KL or improvement is rejected. `evaluate(fraction)`
 * moves the policy to θ_old + fraction·fullStep and measures it; when nothing is accepted the
 * caller puts θ_old back (no update).
 */
export function backtrackingLineSearch(evaluate: (fraction: number) => LineSearchPoint, options: LineSearchOptions): LineSearchResult {
  const { maxKl, shrinkFactor = 0.8, maxIterations = 10 } = options;
  if (!(maxKl > 0 && Number.isFinite(maxKl))) throw new RangeError(`backtrackingLineSearch: maxKl must be a finite number > 0, got ${maxKl}`);
  if (!(shrinkFactor > 0 && shrinkFactor < 1)) throw new RangeError(`backtrackingLineSearch: shrinkFactor must be in (0, 1), got ${shrinkFactor}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`backtrackingLineSearch: maxIterations must be an integer >= 1, got ${maxIterations}`);
  let fraction = 1;
  for (let k = 0; k < maxIterations; k++, fraction *= shrinkFactor) {
    const { improvement, kl } = evaluate(fraction);
    if (Number.isFinite(kl) && Number.isFinite(improvement) && kl <= maxKl && improvement > 0) {
      return { accepted: true, fraction, iterations: k + 1, kl, improvement };
    }
  }
  return { accepted: false, fraction: 0, iterations: maxIterations, kl: 0, improvement: 0 };
}
