import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { assertFinite, clipByGlobalNorm, variableGrads } from './gradients.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('clipByGlobalNorm', () => {
  it('[3, 4] with max 1 → [0.6, 0.8], norm 5', () => {
    const g = tf.tensor1d([3, 4]);
    const { clipped, globalNorm } = clipByGlobalNorm([g], 1);
    expect(globalNorm).toBeCloseTo(5, 6);
    expect(Array.from(clipped[0]!.dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.8]);
    tf.dispose([g, ...clipped]);
  });

  it('uses the norm over all tensors together, keeps names, and leaves small gradients as they are', () => {
    const grads = { a: tf.tensor1d([1, 2]), b: tf.tensor2d([[2]]) }; // ‖g‖ = 3
    const big = clipByGlobalNorm(grads, 1.5);
    expect(big.globalNorm).toBeCloseTo(3, 6);
    expect(Object.keys(big.clipped)).toEqual(['a', 'b']);
    expect(Array.from(big.clipped['a']!.dataSync())).toEqual([0.5, 1]);
    expect(Array.from(big.clipped['b']!.dataSync())).toEqual([1]);
    expect(big.clipped['b']!.shape).toEqual([1, 1]);
    const small = clipByGlobalNorm(grads, 10);
    expect(Array.from(small.clipped['a']!.dataSync())).toEqual([1, 2]);
    expect(small.clipped['a']).not.toBe(grads.a); // always new tensors the caller owns
    expect(clipByGlobalNorm([], 1)).toEqual({ clipped: [], globalNorm: 0 });
    expect(() => clipByGlobalNorm([], 0)).toThrow(/maxNorm/);
    tf.dispose([...Object.values(grads), ...Object.values(big.clipped), ...Object.values(small.clipped)]);
  });

  it('the clipped norm is min(‖g‖, maxNorm) and directions are kept', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0.01, max: 10, noNaN: true }), (seed, maxNorm) => {
        const rng = Rng.fromSeed(seed);
        const grads = [tf.tensor1d(rng.fillNormal(new Float32Array(3))), tf.tensor2d(rng.fillNormal(new Float32Array(4)), [2, 2])];
        const { clipped, globalNorm } = clipByGlobalNorm(grads, maxNorm);
        const after = clipByGlobalNorm(clipped, 1e9);
        expect(after.globalNorm).toBeCloseTo(Math.min(globalNorm, maxNorm), 4);
        tf.dispose([...grads, ...clipped, ...after.clipped]);
      }),
      { numRuns: 30 },
    );
  });

  it('creates only the returned tensors', async () => {
    const grads = [tf.tensor1d([3, 4]), tf.tensor1d([12])];
    await expectNoTensorLeak(() => {
      const { clipped } = clipByGlobalNorm(grads, 1);
      tf.dispose(clipped);
    });
    tf.dispose(grads);
  });
});

describe('assertFinite', () => {
  it('returns finite values and refuses NaN and Infinity with a clear message', () => {
    expect(assertFinite(1.5, 'dqn')).toBe(1.5);
    const loss = tf.scalar(2);
    expect(assertFinite(loss, 'dqn')).toBe(2);
    expect(() => assertFinite(NaN, 'dqn loss')).toThrow('non-finite loss (NaN) in dqn loss: refusing to apply the update');
    const bad = tf.tensor1d([1, Infinity]);
    expect(() => assertFinite(bad, 'ppo')).toThrow('non-finite loss (Infinity) in ppo: refusing to apply the update');
    tf.dispose([loss, bad]);
  });
});

describe('variableGrads', () => {
  it('returns the loss and the gradient of every variable', () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'variable-grads-w');
    const { value, grads } = variableGrads(() => tf.sum(tf.mul(w, w)) as tf.Scalar, [w]); // ∂Σw²/∂w = 2w
    expect(value.dataSync()[0]).toBe(5);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([2, 4]);
    tf.dispose([value, grads[w.name]!, w]);
  });

  it('says how to register gradients when tfjs has none for an op', () => {
    const sumGradient = tf.getGradient('Sum')!;
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'variable-grads-missing');
    tf.unregisterGradient('Sum');
    try {
      expect(() => variableGrads(() => tf.sum(w) as tf.Scalar, [w])).toThrow(/import '@tensorflow\/tfjs-layers'/);
    } finally {
      tf.registerGradient(sumGradient);
      w.dispose();
    }
  });

  it('passes other errors through unchanged', () => {
    const w = tf.variable(tf.tensor1d([1]), true, 'variable-grads-other');
    expect(() => variableGrads(() => { throw new TypeError('boom'); }, [w])).toThrow(TypeError);
    w.dispose();
  });
});
