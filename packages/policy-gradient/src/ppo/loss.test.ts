import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoClipLoss, valueLoss } from './loss.js';

beforeAll(useCpuBackend);

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

// Hand-worked example, ε = 0.2, log π_old = 0, so r = exp(log π):
//   r     A    r·A    clip(r)·A   min    clip active?  ∂L/∂log π = −r·A/5 where the unclipped term is the min
//   1.5   1    1.5    1.2         1.2    yes           0   (clipped term chosen)
//   0.5   1    0.5    0.8         0.5    yes           −0.1 (unclipped chosen: the pessimistic bound lets it through)
//   0.5  −1   −0.5   −0.8        −0.8    yes           0   (clipped term chosen)
//   1.1  −2   −2.2   −2.2        −2.2    no            0.44
//   0.9  −1   −0.9   −0.9        −0.9    no            0.18
// loss = −(1.2 + 0.5 − 0.8 − 2.2 − 0.9)/5 = 0.44; clipFraction = 3/5;
// approxKl = mean((r − 1) − ln r) = (0.0945349 + 2·0.1931472 + 0.0046898 + 0.0053605)/5 = 0.0981759.
const ratios = [1.5, 0.5, 0.5, 1.1, 0.9];
const advantages = [1, 1, -1, -2, -1];

describe('ppoClipLoss', () => {
  it('matches the hand-computed loss, clip fraction and approximate KL', () => {
    tf.tidy(() => {
      const result = ppoClipLoss({
        logProbs: tf.tensor1d(ratios.map(Math.log)),
        oldLogProbs: tf.zeros([5]) as tf.Tensor1D,
        advantages: tf.tensor1d(advantages),
        clipRange: 0.2,
      });
      expect(result.loss.dataSync()[0]).toBeCloseTo(0.44, 6);
      expect(result.clipFraction.dataSync()[0]).toBeCloseTo(0.6, 6);
      expect(result.approxKl.dataSync()[0]).toBeCloseTo(0.0981759, 6);
    });
  });

  it('passes gradient only through the rows whose unclipped term is the minimum', () => {
    tf.tidy(() => {
      const oldLogProbs = tf.zeros([5]) as tf.Tensor1D;
      const grad = tf.grad((logProbs: tf.Tensor) =>
        ppoClipLoss({ logProbs: logProbs as tf.Tensor1D, oldLogProbs, advantages: tf.tensor1d(advantages), clipRange: 0.2 }).loss,
      )(tf.tensor1d(ratios.map(Math.log)));
      const expected = [0, -0.1, 0, 0.44, 0.18];
      values(grad).forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
    });
  });

  it('is −mean(A) with no clipping and zero KL when the policy has not moved', () => {
    tf.tidy(() => {
      const logProbs = tf.tensor1d([-0.3, -1.2, -0.7]);
      const result = ppoClipLoss({ logProbs, oldLogProbs: logProbs, advantages: tf.tensor1d([2, -1, 5]), clipRange: 0.1 });
      expect(result.loss.dataSync()[0]).toBeCloseTo(-2, 6);
      expect(result.clipFraction.dataSync()[0]).toBe(0);
      expect(result.approxKl.dataSync()[0]).toBe(0);
    });
  });

  it('rejects a clip range <= 0', () => {
    tf.tidy(() => {
      const x = tf.zeros([2]) as tf.Tensor1D;
      expect(() => ppoClipLoss({ logProbs: x, oldLogProbs: x, advantages: x, clipRange: 0 })).toThrow(RangeError);
    });
  });
});

// V = [1, 2, 3, 4], R = [2, 0, 4, 0], V_old = [0, 2.2, 2, 2], ε = 0.5:
//   plain (V − R)²          = [1, 4, 1, 16]            mean 5.5,   ∂/∂V = 2(V − R)/4 = [−0.5, 1, −0.5, 2]
//   clip(V, V_old ± ε)      = [0.5, 2, 2.5, 2.5]
//   (V_clip − R)²           = [2.25, 4, 2.25, 6.25]
//   max of the two          = [2.25, 4, 2.25, 16]      mean 6.125, ∂/∂V = [0 (clipped), 1, 0 (clipped), 2]
describe('valueLoss', () => {
  const input = () => ({ values: tf.tensor1d([1, 2, 3, 4]), returns: tf.tensor1d([2, 0, 4, 0]), oldValues: tf.tensor1d([0, 2.2, 2, 2]) });

  it('plain: mean squared error and its gradient', () => {
    tf.tidy(() => {
      const { values: v, returns } = input();
      expect(valueLoss({ values: v, returns }).dataSync()[0]).toBeCloseTo(5.5, 6);
      const grad = tf.grad((x: tf.Tensor) => valueLoss({ values: x as tf.Tensor1D, returns }))(v);
      values(grad).forEach((g, i) => expect(g).toBeCloseTo([-0.5, 1, -0.5, 2][i]!, 6));
    });
  });

  it('clipped: the pessimistic maximum and a gradient only where the unclipped error is larger', () => {
    tf.tidy(() => {
      const { values: v, returns, oldValues } = input();
      expect(valueLoss({ values: v, returns, oldValues, clipRange: 0.5 }).dataSync()[0]).toBeCloseTo(6.125, 6);
      const grad = tf.grad((x: tf.Tensor) => valueLoss({ values: x as tf.Tensor1D, returns, oldValues, clipRange: 0.5 }))(v);
      values(grad).forEach((g, i) => expect(g).toBeCloseTo([0, 1, 0, 2][i]!, 5));
    });
  });

  it('null clip range is the plain loss; a clip range needs old values and must be > 0', () => {
    tf.tidy(() => {
      const { values: v, returns, oldValues } = input();
      expect(valueLoss({ values: v, returns, oldValues, clipRange: null }).dataSync()[0]).toBeCloseTo(5.5, 6);
      expect(() => valueLoss({ values: v, returns, clipRange: 0.5 })).toThrow('oldValues');
      expect(() => valueLoss({ values: v, returns, oldValues, clipRange: -1 })).toThrow(RangeError);
    });
  });
});
