import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { read, useCpuBackend } from '@tfrl/testing';
import { sacActorLoss, sacCriticLoss, sacQTarget, sacTemperatureLoss } from './loss.js';

beforeAll(useCpuBackend);

const t = (values: number[]) => tf.tensor1d(values);

describe('sacQTarget', () => {
  it('is r + γ(1 − done)(min(Q1′, Q2′) − α log π′), row by row', () => {
    // Row 0: min(3, 4) = 3, 3 − 0.5·(−1) = 3.5, 1 + 0.9·3.5 = 4.15. Row 1: terminal: −2.
    const y = read(() => sacQTarget({ rewards: t([1, -2]), terminated: t([0, 1]), nextQ1: t([3, 5]), nextQ2: t([4, 1]), nextLogProbs: t([-1, 2]), alpha: 0.5, gamma: 0.9 }));
    expect(y[0]).toBeCloseTo(4.15, 6);
    expect(y[1]).toBeCloseTo(-2, 6);
  });

  it('takes α as a scalar tensor and picks the smaller critic per row', () => {
    // Row 0: min(2, 1) = 1, 1 − 2·0.25 = 0.5, 0 + 1·0.5. Row 1: min(−1, 0) = −1, −1 − 2·(−1) = 1, 1 + 1.
    const y = read(() => sacQTarget({ rewards: t([0, 1]), terminated: t([0, 0]), nextQ1: t([2, -1]), nextQ2: t([1, 0]), nextLogProbs: t([0.25, -1]), alpha: tf.scalar(2), gamma: 1 }));
    expect(y[0]).toBeCloseTo(0.5, 6);
    expect(y[1]).toBeCloseTo(2, 6);
  });
});

describe('sacCriticLoss', () => {
  it('is ½(mean((Q1 − y)²) + mean((Q2 − y)²))', () => {
    // mean(0, 1) = 0.5 and mean(1, 9) = 5: ½·5.5 = 2.75.
    expect(read(() => sacCriticLoss({ q1: t([1, 2]), q2: t([0, 4]), targets: t([1, 1]) }))[0]).toBeCloseTo(2.75, 6);
  });
});

describe('sacActorLoss', () => {
  it('is mean(α log π − min(Q1, Q2))', () => {
    // Row 0: 0.2·(−1) − 2 = −2.2; row 1: 0.2·0.5 − (−2) = 2.1; mean −0.05.
    expect(read(() => sacActorLoss({ logProbs: t([-1, 0.5]), q1: t([2, -1]), q2: t([3, -2]), alpha: 0.2 }))[0]).toBeCloseTo(-0.05, 6);
  });

  it('sends the gradient through the smaller critic only', () => {
    const q1 = t([2, -1]);
    const q2 = t([3, -2]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => sacActorLoss({ logProbs: t([0, 0]), q1: a as tf.Tensor1D, q2: b as tf.Tensor1D, alpha: 1 }))([q1, q2]);
    expect(Array.from(grads[0]!.dataSync(), (x) => x + 0)).toEqual([-0.5, 0]);
    expect(Array.from(grads[1]!.dataSync(), (x) => x + 0)).toEqual([0, -0.5]);
    tf.dispose([q1, q2, ...grads]);
  });
});

describe('sacTemperatureLoss', () => {
  it('is −log α·mean(log π + H̄), with gradient −mean(log π + H̄) on log α', () => {
    // log π + H̄ = [−2, −1], mean −1.5; log α = log 0.5: loss = −(log 0.5)(−1.5) = 1.5·log 0.5 = −1.0397…
    const logAlpha = tf.scalar(Math.log(0.5));
    const logProbs = t([-1, 0]);
    expect(read(() => sacTemperatureLoss({ logAlpha, logProbs, targetEntropy: -1 }))[0]).toBeCloseTo(1.5 * Math.log(0.5), 6);
    // The entropy 0.5 is above the target −1: the gradient 1.5 > 0 makes gradient descent lower α.
    const grad = tf.grad((x: tf.Tensor) => sacTemperatureLoss({ logAlpha: x as tf.Scalar, logProbs, targetEntropy: -1 }))(logAlpha);
    expect(grad.dataSync()[0]).toBeCloseTo(1.5, 6);
    tf.dispose([logAlpha, logProbs, grad]);
  });
});
