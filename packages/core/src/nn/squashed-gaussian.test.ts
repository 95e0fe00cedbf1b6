import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { TanhSquashedGaussian } from './squashed-gaussian.js';
import { read, useCpuBackend } from './test-setup.js';

beforeAll(useCpuBackend);

describe('TanhSquashedGaussian', () => {
  it('log π(a) = log N(u) − log|da/du|, |da/du| by central finite differences (with Box bounds)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
        fc.boolean(),
        (u, bounded) => {
          const low = [-2, 0];
          const high = [2, 10];
          const squash = (x: number, d: number): number => (bounded ? low[d]! + ((Math.tanh(x) + 1) * (high[d]! - low[d]!)) / 2 : Math.tanh(x));
          const h = 1e-4;
          let logDet = 0;
          u.forEach((x, d) => (logDet += Math.log((squash(x + h, d) - squash(x - h, d)) / (2 * h))));
          const mean = tf.tensor2d([[0.3, -0.2]]);
          const logStd = tf.tensor1d([0.1, -0.4]);
          const dist = new TanhSquashedGaussian(mean, logStd, bounded ? { low, high } : undefined);
          const uTensor = tf.tensor2d([u]);
          const logN = read(() => dist.base.logProb(uTensor))[0]!;
          const logPi = read(() => dist.logProbFromPreTanh(uTensor))[0]!;
          expect(Math.abs(logPi - (logN - logDet))).toBeLessThan(2e-4);
          tf.dispose([mean, logStd, uTensor]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('stays exact where tanh saturates: log(1 − tanh²(30)) = 2(log 2 − 30 − softplus(−60))', () => {
    const dist = new TanhSquashedGaussian(tf.tensor2d([[0]]), tf.tensor1d([0]));
    const u = tf.tensor2d([[30]]);
    const logN = read(() => dist.base.logProb(u))[0]!;
    const logPi = read(() => dist.logProbFromPreTanh(u))[0]!;
    expect(Number.isFinite(logPi)).toBe(true);
    expect(logPi).toBeCloseTo(logN + 58.61370563888011, 3);
    tf.dispose([dist.base.mean, dist.base.logStd, u]);
  });

  it('logProb(action) inverts the squash (atanh) and agrees with the pre-tanh form', () => {
    const mean = tf.tensor2d([[0.2, -0.5], [1, 0]]);
    const logStd = tf.tensor2d([[0, -1], [0.5, 0.2]]);
    const dist = new TanhSquashedGaussian(mean, logStd, { low: -3, high: [1, 5] });
    const u = tf.tensor2d([[0.4, -1.1], [1.5, 0.3]]);
    const fromU = read(() => dist.logProbFromPreTanh(u));
    const fromAction = read(() => dist.logProb(tf.add(tf.tensor1d([-1, 1]), tf.mul(tf.tensor1d([2, 4]), tf.tanh(u))) as tf.Tensor2D));
    fromU.forEach((v, i) => expect(fromAction[i]).toBeCloseTo(v, 3));
    const mode = read(() => dist.mode());
    const tanhMean = [Math.tanh(0.2), Math.tanh(-0.5), Math.tanh(1), Math.tanh(0)];
    tanhMean.forEach((t, i) => expect(mode[i]).toBeCloseTo(i % 2 === 0 ? -1 + 2 * t : 1 + 4 * t, 5));
    expect(() => new TanhSquashedGaussian(mean, logStd, { low: [0, 0], high: [1, 0] })).toThrow(/low < high/);
    expect(() => new TanhSquashedGaussian(mean, logStd, { low: [0], high: 1 })).toThrow(/1 entries/);
    tf.dispose([mean, logStd, u]);
  });

  it('samples inside the bounds, with gradients to mean and logStd', () => {
    const mean = tf.tensor2d([[0, 3], [-3, 0]]);
    const logStd = tf.tensor1d([1, 1]);
    const bounds = { low: [0, -1], high: [1, 1] };
    const actions = read(() => new TanhSquashedGaussian(mean, logStd, bounds).sample(Rng.fromSeed(2)));
    actions.forEach((a, i) => {
      expect(a).toBeGreaterThanOrEqual(bounds.low[i % 2]!);
      expect(a).toBeLessThanOrEqual(bounds.high[i % 2]!);
    });
    const grads = tf.tidy(() =>
      tf.grads((m, s) => {
        const { action, logProb } = new TanhSquashedGaussian(m as tf.Tensor2D, s as tf.Tensor1D, bounds).sampleWithLogProb(Rng.fromSeed(2));
        return tf.add(tf.sum(action), tf.sum(logProb));
      })([mean, logStd]),
    );
    grads.forEach((g) => {
      const values = g.dataSync();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0);
    });
    tf.dispose([mean, logStd, ...grads]);
  });

  it('leaks no tensor in sampling or a SAC-style Adam step', async () => {
    const mean = tf.variable(tf.tensor2d([[0.1, -0.2]]));
    const logStd = tf.variable(tf.tensor1d([0, -0.5]));
    const rng = Rng.fromSeed(6);
    const optimizer = tf.train.adam(1e-3);
    await expectNoTensorLeak(() => {
      const dist = new TanhSquashedGaussian(mean as tf.Tensor2D, logStd as tf.Tensor1D, { low: -2, high: 2 });
      tf.dispose(tf.tidy(() => dist.logProb(dist.sample(rng))));
      tf.dispose(tf.tidy(() => dist.mode()));
      optimizer.minimize(() => {
        const { action, logProb } = dist.sampleWithLogProb(rng);
        return tf.sub(tf.mul(0.2, tf.mean(logProb)), tf.mean(tf.sum(action, -1))) as tf.Scalar;
      }, false, [mean, logStd]);
    });
    optimizer.dispose();
    tf.dispose([mean, logStd]);
  });
});
