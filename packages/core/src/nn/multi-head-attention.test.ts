import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { MultiHeadAttention } from './multi-head-attention.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

/** W = I and b = 0 for the Q, K, V and output projections. */
function setIdentity(attention: MultiHeadAttention, size: number): void {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = attention.trainableVariables();
  tf.tidy(() => {
    for (const w of [wq, wk, wv, wo]) w!.assign(tf.eye(size));
    for (const b of [bq, bk, bv, bo]) b!.assign(tf.zeros([size]));
  });
}

const close = (actual: ArrayLike<number>, expected: number[], digits = 5): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('MultiHeadAttention', () => {
  const x = (): tf.Tensor3D => tf.tensor3d([[[1, 0], [0, 1]]]); // 1 batch, 2 tokens

  it('one head with identity projections on 2 tokens (by hand), with and without a key mask', () => {
    const attention = new MultiHeadAttention({ inputSize: 2, modelSize: 2, heads: 1, rng: Rng.fromSeed(0) });
    setIdentity(attention, 2);
    const input = x();
    // logits = x xᵀ/√2 = diag(1/√2): token 0 weights (σ(1/√2), 1 − σ(1/√2)) over values e₀, e₁
    const p = 1 / (1 + Math.exp(-1 / Math.SQRT2)); // 0.66976…
    close(read(() => attention.apply(input)), [p, 1 - p, 1 - p, p]);
    // key 1 masked: both tokens attend to token 0 only
    close(read(() => attention.apply(input, { mask: new Float32Array([1, 0]) })), [1, 0, 1, 0]);
    const mask = tf.tensor2d([[0, 1]], [1, 2], 'bool');
    close(read(() => attention.apply(input, { mask })), [0, 1, 0, 1]);
    expect(() => tf.tidy(() => attention.apply(input, { mask: new Float32Array([1, 0, 1]) }))).toThrow();
    tf.dispose([input, mask]);
    attention.dispose();
  });

  it('two heads with identity projections split the features (by hand)', () => {
    const attention = new MultiHeadAttention({ inputSize: 2, modelSize: 2, heads: 2, rng: Rng.fromSeed(0) });
    setIdentity(attention, 2);
    const input = x();
    // head 0 sees feature 0: logits [[1,0],[0,0]]; head 1 sees feature 1: [[0,0],[0,1]]
    const p = 1 / (1 + Math.exp(-1)); // 0.73106
    close(read(() => attention.apply(input)), [p, 0.5, 0.5, p]);
    input.dispose();
    attention.dispose();
  });

  it('residual + layer norm: every token comes out with mean 0 and variance 1', () => {
    const rng = Rng.fromSeed(3);
    const attention = new MultiHeadAttention({ inputSize: 4, modelSize: 4, heads: 2, rng, residual: true, layerNorm: true });
    expect(attention.trainableVariables()).toHaveLength(10);
    const input = tf.tensor3d(rng.fillNormal(new Float32Array(2 * 3 * 4)), [2, 3, 4]);
    const y = read(() => attention.apply(input));
    for (let t = 0; t < 6; t++) {
      const row = Array.from(y.subarray(t * 4, t * 4 + 4));
      const mean = row.reduce((a, b) => a + b, 0) / 4;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 3);
    }
    expect(() => new MultiHeadAttention({ inputSize: 3, modelSize: 4, heads: 2, rng, residual: true })).toThrow(/residual/);
    expect(() => new MultiHeadAttention({ inputSize: 4, modelSize: 5, heads: 2, rng })).toThrow(/multiple/);
    input.dispose();
    attention.dispose();
  });

  it('a masked token has no influence on the others', () => {
    const attention = new MultiHeadAttention({ inputSize: 3, modelSize: 4, heads: 2, rng: Rng.fromSeed(9) });
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = Rng.fromSeed(seed);
        const a = rng.fillNormal(new Float32Array(9));
        const b = Float32Array.from(a);
        b.set(rng.fillNormal(new Float32Array(3), 0, 10), 6); // change token 2 only
        const mask = new Uint8Array([1, 1, 0]);
        const ya = read(() => attention.apply(tf.tensor3d(a, [1, 3, 3]), { mask }));
        const yb = read(() => attention.apply(tf.tensor3d(b, [1, 3, 3]), { mask }));
        for (let i = 0; i < 8; i++) expect(ya[i]).toBeCloseTo(yb[i]!, 5); // tokens 0 and 1 (token 2 still queries)
      }),
      { numRuns: 20 },
    );
    attention.dispose();
  });

  it('leaks no tensor in a masked forward or an Adam step', async () => {
    const rng = Rng.fromSeed(5);
    const attention = new MultiHeadAttention({ inputSize: 4, modelSize: 4, heads: 2, rng, residual: true, layerNorm: true });
    const input = tf.tensor3d(rng.fillNormal(new Float32Array(2 * 3 * 4)), [2, 3, 4]);
    const mask = new Float32Array([1, 1, 0, 1, 0, 1]);
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => attention.apply(input, { mask })));
      optimizer.minimize(() => tf.mean(tf.square(attention.apply(input, { mask }))) as tf.Scalar, false, attention.trainableVariables());
    });
    optimizer.dispose();
    input.dispose();
    attention.dispose();
  });
});
