import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import { read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { td3ActorLoss, td3CriticLoss, td3Target, targetPolicySmoothing } from './loss.js';
import { ExplorationNoise, ornsteinUhlenbeckStep } from './noise.js';

beforeAll(useCpuBackend);

const close = (got: ArrayLike<number>, want: readonly number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
};

describe('td3Target', () => {
  const rewards = () => tf.tensor1d([1, 0.5, -1]);
  const terminated = () => tf.tensor1d([0, 1, 0]);
  const q1 = () => tf.tensor1d([2, 3, -4]);
  const q2 = () => tf.tensor1d([1.5, 5, -2]);

  it('is r + γ(1 − terminated)·min(Q1′, Q2′) with two critics (TD3)', () => {
    // min = [1.5, 3, −4]; y = [1 + 0.9·1.5, 0.5 (terminal), −1 + 0.9·(−4)]
    close(read(() => td3Target({ rewards: rewards(), terminated: terminated(), nextQ: [q1(), q2()], gamma: 0.9 })), [2.35, 0.5, -4.6]);
  });

  it("is DDPG's r + γ(1 − terminated)·Q′ with one critic", () => {
    close(read(() => td3Target({ rewards: rewards(), terminated: terminated(), nextQ: [q1()], gamma: 0.9 })), [2.8, 0.5, -4.6]);
  });

  it('does not bootstrap at γ = 0 and refuses an empty list of critics', () => {
    close(read(() => td3Target({ rewards: rewards(), terminated: terminated(), nextQ: [q1(), q2()], gamma: 0 })), [1, 0.5, -1]);
    expect(() => td3Target({ rewards: tf.tensor1d([1]), terminated: tf.tensor1d([0]), nextQ: [], gamma: 0.9 })).toThrow(RangeError);
  });
});

describe('targetPolicySmoothing', () => {
  it('clips the noise to ±c, then the sum to [−1, 1]', () => {
    // noise [[0.3, −0.7], [−0.1, 0.45]] → clipped [[0.3, −0.5], [−0.1, 0.45]]
    // sums [[1.2, −0.7], [−1.05, 0.45]] → [[1, −0.7], [−1, 0.45]]
    const out = read(() => targetPolicySmoothing(tf.tensor2d([[0.9, -0.2], [-0.95, 0]]), tf.tensor2d([[0.3, -0.7], [-0.1, 0.45]]), 0.5));
    close(out, [1, -0.7, -1, 0.45]);
  });
});

describe('td3CriticLoss and td3ActorLoss', () => {
  it('sums one mean squared error per critic', () => {
    // critic 1: ((1−1)² + (2−3)²)/2 = 0.5; critic 2: ((0−1)² + (4−3)²)/2 = 1
    const y = () => tf.tensor1d([1, 3]);
    close(read(() => td3CriticLoss([tf.tensor1d([1, 2]), tf.tensor1d([0, 4])], y())), [1.5]);
    close(read(() => td3CriticLoss([tf.tensor1d([1, 2])], y())), [0.5]);
  });

  it('is −mean Q1(s, μ(s)) and pushes Q up', () => {
    close(read(() => td3ActorLoss(tf.tensor1d([1, 2, 6]))), [-3]);
    const grad = read(() => tf.grad((q: tf.Tensor) => td3ActorLoss(q as tf.Tensor1D))(tf.tensor1d([1, 2, 6])));
    close(grad, [-1 / 3, -1 / 3, -1 / 3]);
  });
});

describe('ornsteinUhlenbeckStep', () => {
  it('takes x + θ(0 − x)dt + σ√dt·ε', () => {
    // θ 0.15, σ 0.2, dt 0.01: σ√dt = 0.02
    // 0.5 − 0.15·0.5·0.01 + 0.02·1 = 0.51925;  −1 + 0.15·0.01 + 0.02·(−2) = −1.0385
    close(ornsteinUhlenbeckStep([0.5, -1], [1, -2], { theta: 0.15, sigma: 0.2, dt: 0.01 }), [0.51925, -1.0385]);
    // θ·dt = 1 jumps to the mean; σ = 0 is the plain decay
    close(ornsteinUhlenbeckStep([3], [0.5], { theta: 2, sigma: 1, dt: 0.5 }), [0.5 * Math.sqrt(0.5)]);
    close(ornsteinUhlenbeckStep([2], [9], { theta: 0.5, sigma: 0, dt: 0.1 }), [1.9]);
    expect(() => ornsteinUhlenbeckStep([1, 2], [1], { theta: 1, sigma: 1, dt: 1 })).toThrow(RangeError);
  });

  it('ExplorationNoise follows the OU steps with ε from the Rng, per sub-env reset to 0', () => {
    const parameters = { kind: 'ornstein-uhlenbeck', sigma: 0.3, theta: 0.15, dt: 0.01 } as const;
    const noise = new ExplorationNoise(parameters, 2, 1);
    const rng = Rng.fromSeed(7);
    const mirror = Rng.fromSeed(7);
    let x: Float32Array = new Float32Array(2);
    for (let t = 0; t < 5; t++) {
      x = ornsteinUhlenbeckStep(x, [Math.fround(mirror.normal()), Math.fround(mirror.normal())], parameters); // ε stored as float32
      expect(Array.from(noise.sample(rng))).toEqual(Array.from(x));
    }
    noise.resetEnv(1);
    expect(noise.state[0]).toBe(x[0]);
    expect(noise.state[1]).toBe(0);
  });

  it('Gaussian ExplorationNoise is σ·ε', () => {
    const noise = new ExplorationNoise({ kind: 'gaussian', sigma: 0.5 }, 1, 3);
    const mirror = Rng.fromSeed(3);
    const want = [0, 1, 2].map(() => Math.fround(0.5 * Math.fround(mirror.normal())));
    close(noise.sample(Rng.fromSeed(3)), want);
  });
});
