import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { DiagGaussian } from './diagonal-gaussian.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('DiagGaussian', () => {
  it('logProb and entropy of a known point (by hand)', () => {
    // μ = (0, 0), σ = (1, 2), x = (1, 2): each dim is one σ away
    const mean = tf.tensor2d([[0, 0]]);
    const logStd = tf.tensor1d([0, Math.log(2)]);
    const dist = new DiagGaussian(mean, logStd);
    const x = tf.tensor2d([[1, 2]]);
    const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);
    expect(read(() => dist.logProb(x))[0]).toBeCloseTo(-0.5 - halfLog2Pi + (-0.5 - Math.LN2 - halfLog2Pi), 5);
    expect(read(() => dist.entropy())[0]).toBeCloseTo(2 * (0.5 + halfLog2Pi) + Math.LN2, 5);
    expect(Array.from(read(() => dist.mode()))).toEqual([0, 0]);
    expect(() => new DiagGaussian(mean, tf.tensor1d([0, 0, 0]))).toThrow(/logStd/);
    tf.dispose([mean, logStd, x]);
  });

  it('kl(N(0,1) ‖ N(1,2²)) = ln 2 + 2/8 − 1/2, and kl(p, p) = 0', () => {
    const p = new DiagGaussian(tf.tensor2d([[0]]), tf.tensor2d([[0]]));
    const q = new DiagGaussian(tf.tensor2d([[1]]), tf.tensor2d([[Math.log(2)]]));
    expect(read(() => p.kl(q))[0]).toBeCloseTo(Math.LN2 + 0.25 - 0.5, 5);
    expect(read(() => q.kl(q))[0]).toBeCloseTo(0, 6);
    tf.dispose([p.mean, p.logStd, q.mean, q.logStd]);
  });

  it('samples match μ and σ (seeded) with a [d] or [batch, d] logStd', () => {
    const n = 4000;
    const mean = tf.tidy(() => tf.tile(tf.tensor2d([[1, -2]]), [n, 1])) as tf.Tensor2D;
    const logStd = tf.tensor1d([Math.log(0.5), Math.log(3)]);
    const samples = read(() => new DiagGaussian(mean, logStd).sample(Rng.fromSeed(3)));
    for (const [d, mu, sigma] of [[0, 1, 0.5], [1, -2, 3]] as const) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) sum += samples[i * 2 + d]!;
      const m = sum / n;
      for (let i = 0; i < n; i++) sq += (samples[i * 2 + d]! - m) ** 2;
      expect(Math.abs(m - mu)).toBeLessThan(4 * sigma / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(sq / n) - sigma)).toBeLessThan(0.05 * sigma);
    }
    const again = read(() => new DiagGaussian(mean, logStd).sample(Rng.fromSeed(3)));
    expect(again).toEqual(samples);
    const entropy = read(() => new DiagGaussian(mean, logStd).entropy());
    expect(entropy.length).toBe(n);
    tf.dispose([mean, logStd]);
  });

  it('reparameterised sample passes gradients to mean (1) and logStd (σ·ε = x − μ)', () => {
    const mean = tf.tensor2d([[0.5, -1], [2, 0]]);
    const logStd = tf.tensor2d([[0, 0.3], [-0.2, 1]]);
    const [gMean, gLogStd, sample] = tf.tidy(() => {
      const grads = tf.grads((m, s) => tf.sum(new DiagGaussian(m as tf.Tensor2D, s as tf.Tensor2D).sample(Rng.fromSeed(8))))([mean, logStd]);
      return [...grads, new DiagGaussian(mean, logStd).sample(Rng.fromSeed(8))];
    });
    expect(Array.from(gMean!.dataSync())).toEqual([1, 1, 1, 1]);
    const expected = read(() => tf.sub(sample!, mean));
    Array.from(gLogStd!.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
    tf.dispose([mean, logStd, gMean!, gLogStd!, sample!]);
  });

  it('leaks no tensor in sample/logProb or an Adam step on a reparameterised loss', async () => {
    const mean = tf.variable(tf.tensor2d([[0, 1, 2]]));
    const logStd = tf.variable(tf.tensor1d([0, -1, 0.5]));
    const rng = Rng.fromSeed(1);
    const optimizer = tf.train.adam(1e-2);
    await expectNoTensorLeak(() => {
      const dist = new DiagGaussian(mean as tf.Tensor2D, logStd as tf.Tensor1D);
      tf.dispose(tf.tidy(() => dist.logProb(dist.sample(rng))));
      optimizer.minimize(() => tf.add(tf.sum(tf.square(dist.sample(rng))), tf.mul(0.1, tf.sum(dist.kl(dist)))) as tf.Scalar, false, [mean, logStd]);
    });
    optimizer.dispose();
    tf.dispose([mean, logStd]);
  });
});
