import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { CategoricalDistribution } from './categorical-distribution.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('CategoricalDistribution', () => {
  it('entropy of [0.5, 0.5] is ln 2, and of a one-hot-ish row about 0', () => {
    const logits = tf.tensor2d([[0, 0], [0, -100]]);
    const h = read(() => new CategoricalDistribution(logits).entropy());
    expect(h[0]).toBeCloseTo(Math.LN2, 6);
    expect(h[1]).toBeCloseTo(0, 6);
    logits.dispose();
  });

  it('logProb, probabilities and kl by hand', () => {
    const logits = tf.tensor2d([[0, Math.log(3)], [0, 0]]); // p = [0.25, 0.75] and [0.5, 0.5]
    const dist = new CategoricalDistribution(logits);
    const actions = tf.tensor1d([1, 0], 'int32');
    const logProb = read(() => dist.logProb(actions));
    expect(logProb[0]).toBeCloseTo(Math.log(0.75), 6);
    expect(logProb[1]).toBeCloseTo(Math.log(0.5), 6);
    const probs = read(() => dist.probabilities());
    expect(probs[0]).toBeCloseTo(0.25, 6);
    // KL([.5,.5] ‖ [.25,.75]) = .5 ln 2 + .5 ln(2/3)
    const swapped = tf.tensor2d([[0, 0], [0, Math.log(3)]]);
    const kl = read(() => new CategoricalDistribution(swapped).kl(dist));
    expect(kl[0]).toBeCloseTo(0.5 * Math.LN2 + 0.5 * Math.log(2 / 3), 6);
    expect(kl[1]).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 6);
    expect(() => dist.logProb(tf.tensor1d([0, 1]))).toThrow(/int32/);
    expect(Array.from(dist.mode())).toEqual([1, 0]);
    tf.dispose([logits, actions, swapped]);
  });

  it('kl(p, p) = 0 and entropy ≤ ln n for any logits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (batch, n, seed) => {
        const logits = tf.tensor2d(Rng.fromSeed(seed).fillNormal(new Float32Array(batch * n), 0, 3), [batch, n]);
        const dist = new CategoricalDistribution(logits);
        read(() => dist.kl(dist)).forEach((k) => expect(Math.abs(k)).toBeLessThan(1e-6));
        read(() => dist.entropy()).forEach((h) => expect(h).toBeLessThanOrEqual(Math.log(n) + 1e-6));
        logits.dispose();
      }),
      { numRuns: 40 },
    );
  });

  it('samples with the right frequencies, reproducibly, never a zero-probability action', () => {
    const logits = tf.tidy(() => tf.log(tf.tensor2d([[0.2, 0.8, 0], [0, 0, 1]])));
    const dist = new CategoricalDistribution(logits);
    const rng = Rng.fromSeed(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const [a, b] = dist.sample(rng);
      counts[a!]!++;
      expect(b).toBe(2);
    }
    expect(counts[2]).toBe(0);
    expect(counts[0]! / 4000).toBeGreaterThan(0.17);
    expect(counts[0]! / 4000).toBeLessThan(0.23);
    expect(Array.from(dist.sample(Rng.fromSeed(1)))).toEqual(Array.from(dist.sample(Rng.fromSeed(1))));
    logits.dispose();
  });

  it('leaks no tensor in sample, entropy or a policy-gradient Adam step', async () => {
    const rng = Rng.fromSeed(2);
    const weight = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(6)), [2, 3]));
    const x = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const actions = tf.tensor1d([0, 2, 1], 'int32');
    const advantages = tf.tensor1d([1, -1, 0.5]);
    const optimizer = tf.train.adam(1e-2);
    await expectNoTensorLeak(() => {
      const logits = tf.matMul(x, weight);
      new CategoricalDistribution(logits as tf.Tensor2D).sample(rng);
      new CategoricalDistribution(logits as tf.Tensor2D).mode();
      logits.dispose();
      optimizer.minimize(() => {
        const dist = new CategoricalDistribution(tf.matMul(x, weight) as tf.Tensor2D);
        return tf.sub(tf.neg(tf.mean(tf.mul(dist.logProb(actions), advantages))), tf.mul(0.01, tf.mean(dist.entropy()))) as tf.Scalar;
      }, false, [weight]);
    });
    optimizer.dispose();
    tf.dispose([weight, x, actions, advantages]);
  });
});
