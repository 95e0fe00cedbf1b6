import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { DuelingHead, duelingCombine } from './dueling-head.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('duelingCombine', () => {
  it('Q = V + A − mean_a A on a 2×3 advantage (by hand)', () => {
    const q = tf.tidy(() => duelingCombine(tf.tensor2d([[1], [2]]), tf.tensor2d([[1, 2, 3], [4, 5, 9]])));
    // row 0: mean A = 2 → 1 + [1,2,3] − 2; row 1: mean A = 6 → 2 + [4,5,9] − 6
    expect(Array.from(q.dataSync())).toEqual([0, 1, 2, 0, 1, 5]);
    q.dispose();
  });

  it('mean over actions of Q is V, and Q keeps the advantage ordering', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (batch, actions, seed) => {
        const rng = Rng.fromSeed(seed);
        const value = rng.fillNormal(new Float32Array(batch));
        const advantage = rng.fillNormal(new Float32Array(batch * actions));
        const [meanQ, q] = tf.tidy(() => {
          const out = duelingCombine(tf.tensor2d(value, [batch, 1]), tf.tensor2d(advantage, [batch, actions]));
          return [tf.mean(out, 1).dataSync(), out.dataSync()];
        });
        value.forEach((v, b) => expect(Math.abs(meanQ![b]! - v)).toBeLessThan(1e-5));
        for (let b = 0; b < batch; b++) {
          for (let a = 1; a < actions; a++) {
            const dq = q![b * actions + a]! - q![b * actions]!;
            const da = advantage[b * actions + a]! - advantage[b * actions]!;
            expect(Math.abs(dq - da)).toBeLessThan(1e-5);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('DuelingHead', () => {
  it('maps features [batch, in] to Q [batch, actions], plain or noisy', () => {
    const rng = Rng.fromSeed(2);
    const head = new DuelingHead({ inputSize: 5, actions: 3, rng });
    const noisy = new DuelingHead({ inputSize: 5, actions: 3, rng, noisy: true, name: 'noisy_dueling' });
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(10)), [2, 5]);
    const q = tf.tidy(() => head.apply(x));
    expect(q.shape).toEqual([2, 3]);
    expect(head.trainableVariables().map((v) => v.shape)).toEqual([[5, 1], [1], [5, 3], [3]]);
    expect(noisy.trainableVariables()).toHaveLength(8);
    const a = tf.tidy(() => noisy.apply(x)).dataSync();
    const det = tf.tidy(() => noisy.apply(x, { deterministic: true })).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(det));
    noisy.resetNoise(rng);
    tf.dispose([x, q]);
    head.dispose();
    noisy.dispose();
  });

  it('leaks no tensor in forward or an Adam step (noisy)', async () => {
    const rng = Rng.fromSeed(9);
    const head = new DuelingHead({ inputSize: 4, actions: 2, rng, noisy: 0.5 });
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(12)), [3, 4]);
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => head.apply(x)));
      head.resetNoise(rng);
      optimizer.minimize(() => tf.mean(tf.square(head.apply(x))) as tf.Scalar, false, head.trainableVariables());
    });
    optimizer.dispose();
    x.dispose();
    head.dispose();
  });
});
