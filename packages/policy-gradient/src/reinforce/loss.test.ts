import * as tf from '@tensorflow/tfjs-core';
import { read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { reinforceAdvantages, reinforceLoss, reinforceReturns, updateRunningMean } from './loss.js';

beforeAll(useCpuBackend);

const close = (actual: ArrayLike<number>, expected: number[], digits = 5) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('reinforceReturns', () => {
  // Two episodes: r = [1, 2, 3] and [4, 5], γ = 0.5.
  const rewards = Float32Array.of(1, 2, 3, 4, 5);
  const offsets = Int32Array.of(0, 3, 5);

  it('reward-to-go: G_t of each episode, cut at the episode boundary', () => {
    // Episode 1: G_2 = 3, G_1 = 2 + 0.5·3 = 3.5, G_0 = 1 + 0.5·3.5 = 2.75; episode 2: G_1 = 5, G_0 = 4 + 2.5 = 6.5.
    close(reinforceReturns(rewards, offsets, 0.5, 'reward-to-go'), [2.75, 3.5, 3, 6.5, 5]);
  });

  it('episode: the whole return G_0 on every step of the episode', () => {
    close(reinforceReturns(rewards, offsets, 0.5, 'episode'), [2.75, 2.75, 2.75, 6.5, 6.5]);
  });

  it('γ = 1 sums the rewards; an empty batch gives an empty array', () => {
    close(reinforceReturns(rewards, offsets, 1, 'reward-to-go'), [6, 5, 3, 9, 5]);
    expect(reinforceReturns(new Float32Array(0), Int32Array.of(0), 0.9, 'episode')).toHaveLength(0);
  });

  it('rejects offsets that do not cover the rewards', () => {
    expect(() => reinforceReturns(rewards, Int32Array.of(0, 3), 0.5, 'episode')).toThrow(RangeError);
    expect(() => reinforceReturns(rewards, Int32Array.of(0, 4, 3, 5), 0.5, 'episode')).toThrow('must not decrease');
  });
});

describe('updateRunningMean', () => {
  const first = updateRunningMean({ mean: 0, count: 0 }, Float32Array.of(1, 3), 'exponential', 0.9);

  it('the first batch sets the mean', () => {
    expect(first).toEqual({ mean: 2, count: 2 });
  });

  it("'exponential': b ← d·b + (1 − d)·mean(batch)", () => {
    const next = updateRunningMean(first, Float32Array.of(4, 6), 'exponential', 0.9);
    expect(next.mean).toBeCloseTo(0.9 * 2 + 0.1 * 5, 12);
    expect(next.count).toBe(4);
  });

  it("'average': the mean of every return seen", () => {
    const next = updateRunningMean(first, Float32Array.of(4, 6), 'average', 0.9);
    expect(next).toEqual({ mean: 3.5, count: 4 });
    expect(updateRunningMean(next, Float32Array.of(0.5), 'average', 0).mean).toBeCloseTo(14.5 / 5, 12);
  });

  it('an empty batch changes nothing', () => {
    expect(updateRunningMean(first, new Float32Array(0), 'average', 0.9)).toBe(first);
  });
});

describe('reinforceAdvantages', () => {
  const returns = Float32Array.of(1, 2, 3);

  it('subtracts no baseline, a scalar one, or one per step', () => {
    close(reinforceAdvantages(returns, null, false), [1, 2, 3]);
    close(reinforceAdvantages(returns, 2, false), [-1, 0, 1]);
    close(reinforceAdvantages(returns, Float32Array.of(0.5, 1, 1), false), [0.5, 1, 2]);
  });

  it('normalises to mean 0, population std 1', () => {
    // std of [−1, 0, 1] is √(2/3); 1/√(2/3) = 1.2247449.
    close(reinforceAdvantages(returns, 2, true), [-1.2247449, 0, 1.2247449]);
    close(reinforceAdvantages(returns, null, true), [-1.2247449, 0, 1.2247449]);
  });

  it('rejects baselines of another length', () => {
    expect(() => reinforceAdvantages(returns, Float32Array.of(1, 2), false)).toThrow('2 baselines for 3 returns');
  });
});

describe('reinforceLoss', () => {
  it('−mean(log π·Â) − β·mean H, with hand-computed values and gradient', () => {
    // log π = [−0.5, −1], Â = [2, 1]: −mean(−1, −1) = 1; mean H = 0.5; β = 0.1 → 0.95.
    const logProbs = () => tf.tensor1d([-0.5, -1]);
    const advantages = () => tf.tensor1d([2, 1]);
    const entropy = () => tf.tensor1d([0.6, 0.4]);
    const f = (lp: tf.Tensor1D) => reinforceLoss({ logProbs: lp, advantages: advantages(), entropy: entropy(), entropyCoefficient: 0.1 });
    expect(read(() => f(logProbs()).loss)[0]).toBeCloseTo(0.95, 6);
    expect(read(() => f(logProbs()).policyLoss)[0]).toBeCloseTo(1, 6);
    expect(read(() => f(logProbs()).entropy)[0]).toBeCloseTo(0.5, 6);
    // ∂L/∂log π_t = −Â_t / T.
    close(read(() => tf.grad((lp: tf.Tensor) => f(lp as tf.Tensor1D).loss)(logProbs())), [-1, -0.5], 6);
  });

  it('without entropy the loss is the policy loss; β > 0 without entropy is an error', () => {
    const input = () => ({ logProbs: tf.tensor1d([-2, -1]), advantages: tf.tensor1d([1, -3]) });
    // −mean(−2, 3) = −0.5.
    expect(read(() => reinforceLoss(input()).loss)[0]).toBeCloseTo(-0.5, 6);
    expect(() => tf.tidy(() => reinforceLoss({ ...input(), entropyCoefficient: 0.1 }).loss)).toThrow('needs the entropy');
    expect(() => tf.tidy(() => reinforceLoss({ ...input(), entropyCoefficient: -1 }).loss)).toThrow(RangeError);
  });
});
