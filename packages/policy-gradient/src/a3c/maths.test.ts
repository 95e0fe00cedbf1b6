import * as tf from '@tensorflow/tfjs-core';
import { read, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { a3cLoss, a3cTargets, clipFlatGradient, scheduledLearningRate, sharedAdamStep, sharedRmsPropStep } from './maths.js';
import { CONTROL, SharedState } from './shared.js';

beforeAll(async () => {
  await useCpuBackend();
});

describe('a3cTargets', () => {
  it('bootstraps the n-step returns from V(s_{t+n}) (hand-computed, γ = 0.5)', () => {
    // R2 = 3 + 0.5·10 = 8, R1 = 2 + 0.5·8 = 6, R0 = 1 + 0.5·6 = 4; A = R − V.
    const { returns, advantages } = a3cTargets([1, 2, 3], [0.5, 1, 1.5], 10, 0.5);
    expect(Array.from(returns)).toEqual([4, 6, 8]);
    expect(Array.from(advantages)).toEqual([3.5, 5, 6.5]);
  });

  it('uses R = 0 after a terminal state', () => {
    // R2 = 3, R1 = 2 + 1.5 = 3.5, R0 = 1 + 1.75 = 2.75.
    const { returns } = a3cTargets([1, 2, 3], [0, 0, 0], 0, 0.5);
    expect(Array.from(returns)).toEqual([2.75, 3.5, 3]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => a3cTargets([1, 2], [0], 0, 0.9)).toThrow(/2 rewards but 1 values/);
  });
});

describe('a3cLoss', () => {
  it('combines policy, value and entropy terms (hand-computed)', () => {
    // policy = −mean(−0.5·1, −1·−1) = −0.25; value = mean(1², 1²) = 1; H = 0.5;
    // loss = −0.25 + 0.5·1 − 0.1·0.5 = 0.2.
    const parts = (key: 'loss' | 'policyLoss' | 'valueLoss' | 'entropy') =>
      read(() =>
        a3cLoss({
          logProbs: tf.tensor1d([-0.5, -1]),
          values: tf.tensor1d([1, 2]),
          entropy: tf.tensor1d([0.6, 0.4]),
          returns: tf.tensor1d([2, 1]),
          advantages: tf.tensor1d([1, -1]),
          vfCoef: 0.5,
          entCoef: 0.1,
        })[key],
      )[0]!;
    expect(parts('policyLoss')).toBeCloseTo(-0.25, 6);
    expect(parts('valueLoss')).toBeCloseTo(1, 6);
    expect(parts('entropy')).toBeCloseTo(0.5, 6);
    expect(parts('loss')).toBeCloseTo(0.2, 6);
  });

  it('passes no gradient through the advantages into the values', () => {
    const values = tf.variable(tf.tensor1d([1, 2]));
    const grads = tf.variableGrads(
      () =>
        a3cLoss({ logProbs: tf.tensor1d([-0.5, -1]), values, entropy: tf.tensor1d([0, 0]), returns: tf.tensor1d([2, 1]), advantages: tf.tensor1d([1, -1]), vfCoef: 1, entCoef: 0 })
          .loss,
      [values],
    );
    // d/dV mean((R − V)²) = −(R − V) = [−1, 1]; nothing from the policy term.
    expect(Array.from(grads.grads[values.name]!.dataSync())).toEqual([-1, 1]);
    tf.dispose([values, grads.value, ...Object.values(grads.grads)]);
  });
});

describe('shared optimizers on flat arrays', () => {
  it('RMSProp: g ← αg + (1 − α)Δ², θ ← θ − ηΔ/(√g + ε) (hand-computed)', () => {
    const params = Float32Array.of(1, -2);
    const g = Float32Array.of(0, 4);
    sharedRmsPropStep(params, g, Float32Array.of(2, -1), { learningRate: 0.1, decay: 0.9, epsilon: 0 });
    // g = (0.4, 3.7); θ = (1 − 0.2/√0.4, −2 + 0.1/√3.7).
    expect(g[0]).toBeCloseTo(0.4, 6);
    expect(g[1]).toBeCloseTo(3.7, 6);
    expect(params[0]).toBeCloseTo(0.683772, 5);
    expect(params[1]).toBeCloseTo(-1.9480125, 5);
  });

  it('Adam with bias correction: two steps of Δ = 2 move θ by η each (hand-computed)', () => {
    const params = Float32Array.of(1);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    sharedAdamStep(params, m, v, Float32Array.of(2), { learningRate: 0.1, epsilon: 0, t: 1 });
    expect(m[0]).toBeCloseTo(0.2, 6);
    expect(v[0]).toBeCloseTo(0.004, 6);
    expect(params[0]).toBeCloseTo(0.9, 6);
    sharedAdamStep(params, m, v, Float32Array.of(2), { learningRate: 0.1, epsilon: 0, t: 2 });
    expect(m[0]).toBeCloseTo(0.38, 6);
    expect(params[0]).toBeCloseTo(0.8, 5);
    expect(() => sharedAdamStep(params, m, v, Float32Array.of(2), { learningRate: 0.1, epsilon: 0, t: 0 })).toThrow(/t must be an integer >= 1/);
  });

  it('updates the views of a SharedState in place', () => {
    const shared = SharedState.create(2, 'adam');
    shared.params.set([1, 1]);
    sharedAdamStep(shared.params, shared.stats.subarray(0, 2), shared.stats.subarray(2), Float32Array.of(2, -2), { learningRate: 0.1, epsilon: 0, t: 1 });
    expect(Array.from(shared.params).map((x) => Number(x.toFixed(5)))).toEqual([0.9, 1.1]);
    expect(shared.stats[0]).toBeCloseTo(0.2, 6);
    expect(shared.stats[3]).toBeCloseTo(0.004, 6);
  });

  it('clips a flat gradient to a global norm', () => {
    const grad = Float32Array.of(3, 4);
    expect(clipFlatGradient(grad, 1)).toBe(5);
    expect(Array.from(grad).map((x) => Number(x.toFixed(6)))).toEqual([0.6, 0.8]);
    const free = Float32Array.of(3, 4);
    expect(clipFlatGradient(free, null)).toBe(5);
    expect(Array.from(free)).toEqual([3, 4]);
  });

  it('anneals the learning rate linearly to 0, or keeps it', () => {
    expect(scheduledLearningRate(1, 'constant', 0.9)).toBe(1);
    expect(scheduledLearningRate(1, 'linear', 0.25)).toBe(0.75);
    expect(scheduledLearningRate(1, 'linear', 1.5)).toBe(0);
  });
});

describe('SharedState', () => {
  it('hands out exactly the budget of steps, and none after a stop', () => {
    const shared = SharedState.create(3, 'rmsprop');
    shared.beginRun(3);
    expect([shared.claimStep(), shared.claimStep(), shared.claimStep(), shared.claimStep()]).toEqual([true, true, true, false]);
    expect(shared.steps).toBe(3);
    shared.beginRun(5);
    shared.requestStop();
    expect(shared.claimStep()).toBe(false);
    expect(() => shared.beginRun(-1)).toThrow(RangeError);
    expect(() => SharedState.attach(new SharedArrayBuffer(8), 3, 'rmsprop')).toThrow(/expected/);
  });

  it('holds workers at the start line until all arrived, and lets them go on a stop', () => {
    const shared = SharedState.create(3, 'rmsprop');
    shared.beginRun(10);
    expect(shared.arriveAndWait(1)).toBe(true);
    shared.beginRun(10);
    Atomics.add(shared.control, CONTROL.ready, 1); // another worker is already waiting
    expect(shared.arriveAndWait(2)).toBe(true);
    expect(Atomics.load(shared.control, CONTROL.ready)).toBe(2);
    shared.beginRun(10);
    shared.requestStop();
    expect(shared.arriveAndWait(2)).toBe(false);
  });
});
