import * as tf from '@tensorflow/tfjs-core';
import { read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorCriticLoss, oneStepTransitions, tdErrors } from './loss.js';

beforeAll(useCpuBackend);

const close = (actual: ArrayLike<number>, expected: number[], digits = 5) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('tdErrors', () => {
  it('y = r + γ·V(s′)·(1 − terminated), δ = y − V(s): hand-computed', () => {
    // y0 = 1 + 0.9·3 = 3.7, δ0 = 1.7; y1 = 0.5 + 0.9·4 = 4.1, δ1 = 3.1; terminal: y2 = 2, δ2 = 1.5.
    const { targets, deltas } = tdErrors({
      rewards: [1, 0.5, 2],
      values: [2, 1, 0.5],
      nextValues: [3, 4, 10],
      terminated: Uint8Array.of(0, 0, 1),
      gamma: 0.9,
    });
    close(targets, [3.7, 4.1, 2]);
    close(deltas, [1.7, 3.1, 1.5]);
  });

  it('γ = 0 makes the target the reward', () => {
    close(tdErrors({ rewards: [1, -1], values: [0.5, 0.5], nextValues: [9, 9], terminated: [0, 0], gamma: 0 }).deltas, [0.5, -1.5]);
  });

  it('rejects columns of other lengths and γ outside [0, 1]', () => {
    expect(() => tdErrors({ rewards: [1, 2], values: [1], nextValues: [1, 2], terminated: [0, 0], gamma: 0.9 })).toThrow('values has length 1, rewards 2');
    expect(() => tdErrors({ rewards: [1], values: [1], nextValues: [1], terminated: [0], gamma: 1.1 })).toThrow(RangeError);
  });
});

describe('actorCriticLoss', () => {
  const input = () => ({
    logProbs: tf.tensor1d([-0.2, -1.5]),
    advantages: tf.tensor1d([1, -2]),
    values: tf.tensor1d([0.5, 1]),
    targets: tf.tensor1d([1.5, 0]),
    entropy: tf.tensor1d([0.7, 0.3]),
    entropyCoefficient: 0.5,
  });

  it('actor −mean(δ·log π) − β·mean H and critic mean((V − y)²): hand-computed', () => {
    // −mean(−0.2, 3.0) = −1.4; − 0.5·0.5 → −1.65. Critic: mean(1², 1²) = 1.
    expect(read(() => actorCriticLoss(input()).policyLoss)[0]).toBeCloseTo(-1.65, 6);
    expect(read(() => actorCriticLoss(input()).valueLoss)[0]).toBeCloseTo(1, 6);
    expect(read(() => actorCriticLoss(input()).entropy)[0]).toBeCloseTo(0.5, 6);
  });

  it('gradients: ∂actor/∂log π = −δ/n, ∂critic/∂V = 2(V − y)/n', () => {
    close(read(() => tf.grad((lp: tf.Tensor) => actorCriticLoss({ ...input(), logProbs: lp as tf.Tensor1D }).policyLoss)(tf.tensor1d([-0.2, -1.5]))), [-0.5, 1], 6);
    close(read(() => tf.grad((v: tf.Tensor) => actorCriticLoss({ ...input(), values: v as tf.Tensor1D }).valueLoss)(tf.tensor1d([0.5, 1]))), [-1, 1], 6);
  });

  it('needs the entropy for β > 0', () => {
    expect(() => tf.tidy(() => actorCriticLoss({ ...input(), entropy: undefined as never }).policyLoss)).toThrow('needs the entropy');
  });
});

describe('oneStepTransitions', () => {
  it("next-step autoreset: skips the reset rows, s′ is the step's observation, marks the rows due a reset", () => {
    const pendingResets = Uint8Array.of(0, 1, 0);
    const { rows, nextObservations } = oneStepTransitions({
      observationSize: 1,
      nextObservations: Float32Array.of(10, 20, 30),
      terminated: Uint8Array.of(1, 0, 0),
      truncated: Uint8Array.of(0, 0, 1),
      pendingResets,
    });
    expect(Array.from(rows)).toEqual([0, 2]);
    expect(Array.from(nextObservations)).toEqual([10, 30]);
    expect(Array.from(pendingResets)).toEqual([1, 0, 1]);
  });

  it('same-step autoreset: every row is a transition; ended episodes bootstrap from finalObservations', () => {
    const { rows, nextObservations } = oneStepTransitions({
      observationSize: 2,
      nextObservations: Float32Array.of(1, 1, 2, 2, 3, 3),
      finalObservations: Float32Array.of(10, 11, 0, 0, 30, 31),
      terminated: Uint8Array.of(1, 0, 0),
      truncated: Uint8Array.of(0, 0, 1),
      pendingResets: null,
    });
    expect(Array.from(rows)).toEqual([0, 1, 2]);
    expect(Array.from(nextObservations)).toEqual([10, 11, 2, 2, 30, 31]);
    expect(() =>
      oneStepTransitions({ observationSize: 1, nextObservations: Float32Array.of(1), terminated: Uint8Array.of(1), truncated: Uint8Array.of(0), pendingResets: null }),
    ).toThrow('needs finalObservations');
  });
});
