import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { CategoricalHead, createSupport, qValues } from './categorical-head.js';
import { useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('createSupport and qValues', () => {
  it('z_i = vMin + iΔz', () => {
    expect(Array.from(createSupport(-10, 10, 5))).toEqual([-10, -5, 0, 5, 10]);
    expect(createSupport(-10, 10, 51)[25]).toBeCloseTo(0, 5);
    expect(() => createSupport(0, 1, 1)).toThrow(/atoms/);
    expect(() => createSupport(1, 1, 3)).toThrow(/vMin < vMax/);
  });

  it('Q = Σ_z z·p (by hand)', () => {
    const probs = tf.tensor3d([[[0.5, 0.5, 0], [0, 0, 1]]]);
    const q = tf.tidy(() => qValues(probs, new Float32Array([-1, 0, 1])));
    expect(Array.from(q.dataSync())).toEqual([-0.5, 1]);
    const q2 = tf.tidy(() => qValues(probs, tf.tensor1d([0, 2, 4])));
    expect(Array.from(q2.dataSync())).toEqual([1, 4]);
    tf.dispose([probs, q, q2]);
  });
});

describe('CategoricalHead', () => {
  it('produces logits [batch, actions, atoms] and probabilities that sum to 1 over atoms', () => {
    const rng = Rng.fromSeed(1);
    for (const dueling of [false, true]) {
      const head = new CategoricalHead({ inputSize: 4, actions: 3, atoms: 5, rng, dueling, name: `c51_${dueling}` });
      const x = tf.tensor2d(rng.fillNormal(new Float32Array(8)), [2, 4]);
      const logits = tf.tidy(() => head.apply(x));
      expect(logits.shape).toEqual([2, 3, 5]);
      const sums = tf.tidy(() => tf.sum(head.probabilities(x), -1));
      Array.from(sums.dataSync()).forEach((s) => expect(s).toBeCloseTo(1, 5));
      const logSums = tf.tidy(() => tf.sum(tf.exp(head.logProbabilities(x)), -1));
      Array.from(logSums.dataSync()).forEach((s) => expect(s).toBeCloseTo(1, 5));
      expect(head.trainableVariables()).toHaveLength(dueling ? 4 : 2);
      if (dueling) {
        // the advantage's mean over actions cancels: mean_a logits = value stream
        const [value, adv] = [head.trainableVariables()[2]!, head.trainableVariables()[0]!];
        const expected = tf.tidy(() => tf.add(tf.matMul(x, value), head.trainableVariables()[3]!));
        const mean = tf.tidy(() => tf.mean(logits, 1));
        Array.from(mean.dataSync()).forEach((m, i) => expect(m).toBeCloseTo(expected.dataSync()[i]!, 5));
        expect(adv.shape).toEqual([4, 15]);
        tf.dispose([expected, mean]);
      }
      tf.dispose([x, logits, sums, logSums]);
      head.dispose();
    }
  });

  it('leaks no tensor in forward or a C51 cross-entropy Adam step (noisy, dueling)', async () => {
    const rng = Rng.fromSeed(4);
    const head = new CategoricalHead({ inputSize: 3, actions: 2, atoms: 7, rng, dueling: true, noisy: true });
    const support = createSupport(-1, 1, 7);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(6)), [2, 3]);
    const target = tf.tidy(() => tf.softmax(tf.tensor3d(rng.fillNormal(new Float32Array(28)), [2, 2, 7])));
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => qValues(head.probabilities(x), support)));
      head.resetNoise(rng);
      optimizer.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(target, head.logProbabilities(x)), -1))) as tf.Scalar, false, head.trainableVariables());
    });
    optimizer.dispose();
    tf.dispose([x, target]);
    head.dispose();
  });
});
