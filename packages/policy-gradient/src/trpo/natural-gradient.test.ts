import { describe, expect, it } from 'vitest';
import { backtrackingLineSearch, conjugateGradient, naturalStepScale, type LineSearchPoint } from './natural-gradient.js';

/** y = A·v for a dense row-major n×n matrix, counting the products. */
function dense(a: number[][]): { product: (v: Float64Array) => Float64Array; calls: () => number } {
  let calls = 0;
  return {
    product: (v) => {
      calls++;
      return Float64Array.from(a, (row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    },
    calls: () => calls,
  };
}

describe('conjugateGradient', () => {
  // A = [[4, 1], [1, 3]], b = [1, 2]: A⁻¹b = (1/11)·[[3, −1], [−1, 4]]·[1, 2] = [1/11, 7/11].
  // Iteration 1 by hand: r = p = b, Ap = [6, 7], rᵀr = 5, pᵀAp = 20, α = 1/4,
  //   x = [0.25, 0.5], r = [1 − 1.5, 2 − 1.75] = [−0.5, 0.25], r'ᵀr' = 0.3125.
  const A = [
    [4, 1],
    [1, 3],
  ];

  it('takes the hand-computed first step', () => {
    const { x, iterations, residualNormSquared } = conjugateGradient(dense(A).product, Float64Array.of(1, 2), { iterations: 1 });
    expect(Array.from(x)).toEqual([0.25, 0.5]);
    expect(iterations).toBe(1);
    expect(residualNormSquared).toBeCloseTo(0.3125, 14);
  });

  it('solves a 2×2 SPD system exactly in 2 iterations (Float32Array b)', () => {
    const op = dense(A);
    const { x, iterations, residualNormSquared } = conjugateGradient(op.product, Float32Array.of(1, 2), { iterations: 10 });
    expect(x[0]).toBeCloseTo(1 / 11, 12);
    expect(x[1]).toBeCloseTo(7 / 11, 12);
    expect(iterations).toBe(2); // stops on the residual tolerance
    expect(op.calls()).toBe(2);
    expect(residualNormSquared).toBeLessThan(1e-10);
  });

  it('solves a 4×4 SPD system to the exact solve', () => {
    // A = BᵀB + I for a fixed B; exact x by Gaussian elimination in float64.
    const B = [
      [1, 2, 0, -1],
      [0, 1, 3, 1],
      [2, -1, 1, 0],
      [1, 0, -2, 2],
    ];
    const M = B.map((_, i) => B.map((__, j) => B.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)));
    const b = [1, -2, 0.5, 3];
    const exact = solve(M, b);
    const { x } = conjugateGradient(dense(M).product, Float64Array.from(b), { iterations: 10, residualTolerance: 1e-24 });
    x.forEach((xi, i) => expect(xi).toBeCloseTo(exact[i]!, 9));
  });

  it('returns x = 0 without a product when b is already within tolerance', () => {
    const op = dense(A);
    const { x, iterations } = conjugateGradient(op.product, Float64Array.of(1, 2), { residualTolerance: 10 });
    expect(Array.from(x)).toEqual([0, 0]);
    expect(iterations).toBe(0);
    expect(op.calls()).toBe(0);
  });

  it('rejects bad options and an indefinite matrix', () => {
    expect(() => conjugateGradient(dense(A).product, Float64Array.of(1, 2), { iterations: 0 })).toThrow(/iterations must be an integer >= 1, got 0/);
    expect(() => conjugateGradient(dense(A).product, Float64Array.of(1, 2), { residualTolerance: -1 })).toThrow(/residualTolerance/);
    const negative = [
      [-1, 0],
      [0, -1],
    ];
    expect(() => conjugateGradient(dense(negative).product, Float64Array.of(1, 2))).toThrow(/not positive definite/);
    expect(() => conjugateGradient(() => new Float64Array(3), Float64Array.of(1, 2))).toThrow(/length 3, expected 2/);
  });
});

describe('naturalStepScale', () => {
  it('is √(2δ / sᵀFs)', () => {
    expect(naturalStepScale(0.01, 0.5)).toBeCloseTo(0.2, 15); // √(0.02 / 0.5) = √0.04
    expect(naturalStepScale(0.02, 1)).toBeCloseTo(0.2, 15); // √0.04
    expect(naturalStepScale(0.5, 4)).toBeCloseTo(0.5, 15); // √0.25
  });

  it('rejects a non-positive δ or sᵀFs', () => {
    expect(() => naturalStepScale(0, 1)).toThrow(/maxKl must be a finite number > 0, got 0/);
    expect(() => naturalStepScale(0.01, 0)).toThrow(/sᵀFs must be a finite number > 0, got 0/);
    expect(() => naturalStepScale(0.01, Number.NaN)).toThrow(/got NaN/);
  });
});

describe('backtrackingLineSearch', () => {
  /** A scripted policy: KL = c·f², improvement = given function of f; records the fractions asked. */
  function scripted(klAtFull: number, improvement: (f: number) => number) {
    const asked: number[] = [];
    const evaluate = (f: number): LineSearchPoint => {
      asked.push(f);
      return { kl: klAtFull * f * f, improvement: improvement(f) };
    };
    return { evaluate, asked };
  }

  it('accepts the largest β^k whose KL is within δ (improving surrogate)', () => {
    // KL = 0.05·f², δ = 0.02: f = 1 → 0.05, 0.8 → 0.032, 0.64 → 0.02048 (all > δ); 0.512 → 0.0131072 ≤ δ.
    const { evaluate, asked } = scripted(0.05, (f) => f);
    const result = backtrackingLineSearch(evaluate, { maxKl: 0.02, shrinkFactor: 0.8 });
    expect(result.accepted).toBe(true);
    expect(result.fraction).toBeCloseTo(0.512, 15);
    expect(result.iterations).toBe(4);
    expect(result.kl).toBeCloseTo(0.0131072, 15);
    expect(result.improvement).toBeCloseTo(0.512, 15);
    expect(asked.map((f) => Number(f.toFixed(6)))).toEqual([1, 0.8, 0.64, 0.512]);
  });

  it('accepts KL exactly at δ, and backs off a full step that makes the surrogate worse', () => {
    expect(backtrackingLineSearch(() => ({ kl: 0.01, improvement: 1 }), { maxKl: 0.01 }).fraction).toBe(1);
    // Overshoot: improvement = f·(0.9 − f) is negative at f = 1, positive at 0.5 (β = 0.5).
    const { evaluate, asked } = scripted(0.001, (f) => f * (0.9 - f));
    const result = backtrackingLineSearch(evaluate, { maxKl: 0.01, shrinkFactor: 0.5 });
    expect(result).toEqual({ accepted: true, fraction: 0.5, iterations: 2, kl: 0.00025, improvement: 0.2 });
    expect(asked).toEqual([1, 0.5]);
  });

  it('rejects every step when the surrogate never improves: no update, fraction 0', () => {
    const { evaluate, asked } = scripted(0.001, (f) => -f);
    const result = backtrackingLineSearch(evaluate, { maxKl: 0.01, shrinkFactor: 0.5, maxIterations: 3 });
    expect(result).toEqual({ accepted: false, fraction: 0, iterations: 3, kl: 0, improvement: 0 });
    expect(asked).toEqual([1, 0.5, 0.25]);
  });

  it('treats a non-finite KL or improvement as a rejection', () => {
    const points = [
      { kl: Number.NaN, improvement: 1 },
      { kl: 0.001, improvement: Number.POSITIVE_INFINITY },
      { kl: 0.001, improvement: 0.5 },
    ];
    let k = 0;
    const result = backtrackingLineSearch(() => points[k++]!, { maxKl: 0.01, shrinkFactor: 0.5 });
    expect(result.fraction).toBe(0.25);
    expect(result.iterations).toBe(3);
  });

  it('rejects bad options', () => {
    const evaluate = () => ({ kl: 0, improvement: 1 });
    expect(() => backtrackingLineSearch(evaluate, { maxKl: 0 })).toThrow(/maxKl must be a finite number > 0, got 0/);
    expect(() => backtrackingLineSearch(evaluate, { maxKl: 0.01, shrinkFactor: 1 })).toThrow(/shrinkFactor must be in \(0, 1\), got 1/);
    expect(() => backtrackingLineSearch(evaluate, { maxKl: 0.01, maxIterations: 0 })).toThrow(/maxIterations must be an integer >= 1, got 0/);
  });
});

/** Gaussian elimination with partial pivoting, float64. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}
