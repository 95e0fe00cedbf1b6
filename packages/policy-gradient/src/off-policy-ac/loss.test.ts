import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { read, useCpuBackend } from '@tfrl/testing';
import { offPolicyActorLoss, offPolicyQTarget } from './loss.js';

beforeAll(useCpuBackend);

const t = (values: number[]) => tf.tensor1d(values);

describe('offPolicyQTarget', () => {
  it('is r + γ(1 − done)·Q(s′, a′), row by row', () => {
    // 1 + 0.9·2 = 2.8; terminal: −1; 0.5 + 0.9·(−4) = −3.1.
    const y = read(() => offPolicyQTarget({ rewards: t([1, -1, 0.5]), terminated: t([0, 1, 0]), nextQ: t([2, 7, -4]), gamma: 0.9 }));
    expect(y[0]).toBeCloseTo(2.8, 6);
    expect(y[1]).toBeCloseTo(-1, 6);
    expect(y[2]).toBeCloseTo(-3.1, 6);
  });
});

describe('offPolicyActorLoss', () => {
  it('reparameterized: mean(β log π − Q)', () => {
    // (0.1·(−2) − 3 + 0.1·1 − (−1))/2 = (−3.2 + 1.1)/2 = −1.05.
    expect(read(() => offPolicyActorLoss({ logProbs: t([-2, 1]), q: t([3, -1]), kind: 'reparameterized', entropyCoefficient: 0.1 }))[0]).toBeCloseTo(-1.05, 6);
  });

  it('likelihood-ratio: −mean(log π·Q), gradient −Q/N on log π, β unused', () => {
    // −((−2)·3 + 1·(−1))/2 = 3.5.
    const logProbs = t([-2, 1]);
    const q = t([3, -1]);
    expect(read(() => offPolicyActorLoss({ logProbs, q, kind: 'likelihood-ratio', entropyCoefficient: 0.1 }))[0]).toBeCloseTo(3.5, 6);
    const grad = tf.grad((x: tf.Tensor) => offPolicyActorLoss({ logProbs: x as tf.Tensor1D, q, kind: 'likelihood-ratio', entropyCoefficient: 0 }))(logProbs);
    expect(Array.from(grad.dataSync())).toEqual([-1.5, 0.5]);
    tf.dispose([logProbs, q, grad]);
  });
});
