import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoClipLoss, valueLoss } from './loss.js';

beforeAll(useWasmBackend);

describe('PPO losses on the wasm backend', () => {
  it('clip to a range decayed to ~0 (1 − ε and 1 + ε the same float32) without garbage', () => {
    const [loss, vf] = tf.tidy(() => {
      const logProbs = tf.tensor1d([0.1, -0.2, 0.05]);
      const oldLogProbs = tf.tensor1d([0, 0, 0]);
      const advantages = tf.tensor1d([1, 2, -1]);
      const clipped = ppoClipLoss({ logProbs, oldLogProbs, advantages, clipRange: 1e-9 }).loss;
      const values = tf.tensor1d([1, 2, 3]);
      const v = valueLoss({ values, oldValues: tf.tensor1d([1.5, 2, 2]), returns: tf.tensor1d([0, 0, 0]), clipRange: 1e-9 });
      return [clipped.dataSync()[0]!, v.dataSync()[0]!];
    });
    // r = e^0.1, e^−0.2, e^0.05; clipped ratio = 1: min(r·A, A) = 1, e^−0.2·2, e^0.05·(−1).
    const expected = -(1 + Math.exp(-0.2) * 2 - Math.exp(0.05)) / 3;
    expect(loss).toBeCloseTo(expected, 6);
    // max((V − R)², (V_old − R)²) = max(1, 2.25), max(4, 4), max(9, 4).
    expect(vf).toBeCloseTo((2.25 + 4 + 9) / 3, 5);
  });
});
