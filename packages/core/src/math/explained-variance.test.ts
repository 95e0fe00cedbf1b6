import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explainedVariance } from './explained-variance.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
/** Arrays with at least two distinct values, so that Var[y] > 0. */
const varied = fc
  .array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 40 })
  .filter((xs) => xs.some((x) => Math.abs(x - xs[0]!) > 1e-3));

describe('explainedVariance', () => {
  it('matches hand-worked values', () => {
    const y = f64([1, 2, 3, 4]); // mean 2.5, Var[y] = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
    // residual [0, 0, 0, 1]: mean 0.25, Var = (3·0.0625 + 0.5625)/4 = 0.1875 → 1 − 0.1875/1.25 = 0.85
    expect(explainedVariance(f64([1, 2, 3, 3]), y)).toBeCloseTo(0.85, 12);
    // predicting the mean: residual = y − 2.5, Var = 1.25 → 0
    expect(explainedVariance(f64([2.5, 2.5, 2.5, 2.5]), y)).toBe(0);
    // predicting −y: residual = 2y, Var = 4·1.25 → 1 − 4 = −3
    expect(explainedVariance(f64([-1, -2, -3, -4]), y)).toBe(-3);
    // a constant offset is not penalised: Var[y − (y + 1)] = 0 → 1
    expect(explainedVariance(f64([2, 3, 4, 5]), y)).toBe(1);
  });

  it('is NaN when Var[y] = 0 or the arrays are empty', () => {
    expect(explainedVariance(f64([1, 2, 3]), f64([5, 5, 5]))).toBeNaN();
    expect(explainedVariance(new Float32Array(0), new Float32Array(0))).toBeNaN();
  });

  it('is 1 for y against itself and never above 1', () => {
    fc.assert(
      fc.property(varied, fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 40 }), (ys, noise) => {
        const y = new Float32Array(ys);
        expect(explainedVariance(y, y)).toBe(1);
        const prediction = f64(ys.map((v, i) => v + noise[i]!));
        expect(explainedVariance(prediction, y)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('rejects arrays of different lengths', () => {
    expect(() => explainedVariance(f64([1, 2]), f64([1, 2, 3]))).toThrow(
      new RangeError('explainedVariance: yPred has length 2, yTrue 3'),
    );
  });
});
