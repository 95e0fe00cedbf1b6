import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import { expectNoTensorLeak } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDqnConfig, rainbow, type DqnConfig } from './config.js';
import { DqnLearner, type DqnBatch } from './learner.js';
import { createQNetwork } from './network.js';
import { useCpuBackend, weightsOf } from './test-setup.js';

beforeAll(useCpuBackend);

const INPUT = 3;
const ACTIONS = 2;

function makeLearner(config: DqnConfig, seed = 1): DqnLearner {
  const rng = Rng.fromSeed(seed);
  const online = createQNetwork({ ...config, inputSize: INPUT, actions: ACTIONS, hiddenSizes: [8], name: 'test/online' }, rng);
  return new DqnLearner(online, config, rng);
}

function makeBatch(size: number, seed: number, extras: { discounts?: boolean; weights?: boolean; masks?: boolean } = {}): DqnBatch {
  const rng = Rng.fromSeed(seed);
  const batch: DqnBatch = {
    size,
    observations: rng.fillNormal(new Float32Array(size * INPUT)),
    actions: Int32Array.from({ length: size }, () => rng.int(ACTIONS)),
    rewards: rng.fillUniform(new Float32Array(size), 0, 1),
    nextObservations: rng.fillNormal(new Float32Array(size * INPUT)),
    terminated: Uint8Array.from({ length: size }, () => (rng.uniform() < 0.2 ? 1 : 0)),
    ...(extras.discounts ? { discounts: Float32Array.from({ length: size }, () => 0.99 ** (1 + rng.int(3))) } : {}),
    ...(extras.weights ? { weights: rng.fillUniform(new Float32Array(size), 0.2, 1) } : {}),
    ...(extras.masks ? { nextMasks: Float32Array.from({ length: size * ACTIONS }, (_, i) => (i % ACTIONS === 0 ? 1 : rng.int(2))) } : {}),
  };
  return batch;
}

const flagSets = [false, true].flatMap((double) =>
  [false, true].flatMap((dueling) =>
    [false, true].flatMap((noisy) =>
      [false, true].map((distributional) => ({ double, dueling, noisy, distributional })),
    ),
  ),
);

describe('DqnLearner', () => {
  it.each(flagSets)('updates without leaking tensors: %o', async (flags) => {
    const config: DqnConfig = {
      ...defaultDqnConfig,
      ...flags,
      distributional: flags.distributional ? { atoms: 5, vMin: -1, vMax: 3 } : false,
      targetUpdateInterval: 2,
    };
    const learner = makeLearner(config);
    const before = weightsOf(learner.online.trainableVariables());
    const batch = makeBatch(8, 2, { discounts: true, weights: true, masks: true });
    await expectNoTensorLeak(() => learner.update(batch), { warmup: 1, runs: 3 });
    const { metrics, priorities } = learner.learn(batch);
    expect(Number.isFinite(metrics.loss!)).toBe(true);
    expect(Number.isFinite(metrics.gradNorm!)).toBe(true);
    expect(priorities).toHaveLength(8);
    expect(priorities.every((p) => p >= 0 && Number.isFinite(p))).toBe(true);
    expect(learner.updates).toBe(5);
    expect(weightsOf(learner.online.trainableVariables())).not.toEqual(before);
    learner.online.dispose();
    learner.target.dispose();
  });

  it('rainbow() learns on a batch', () => {
    const learner = makeLearner(rainbow());
    const batch = makeBatch(16, 3, { discounts: true, weights: true });
    const first = learner.update(batch).loss!;
    let last = first;
    for (let i = 0; i < 30; i++) last = learner.update(batch).loss!;
    expect(last).toBeLessThan(first);
  });

  it('drives the TD error of a fixed batch down (MSE, no target updates)', () => {
    const learner = makeLearner({ ...defaultDqnConfig, loss: 'mse', targetUpdateInterval: 10_000, learningRate: 1e-2 });
    const batch = makeBatch(16, 4);
    const first = learner.update(batch).loss!;
    for (let i = 0; i < 200; i++) learner.update(batch);
    expect(learner.update(batch).loss!).toBeLessThan(first / 10);
  });

  it('copies the online weights into the target every C updates, or averages them with τ', () => {
    const hard = makeLearner({ ...defaultDqnConfig, targetUpdateInterval: 3 });
    const batch = makeBatch(8, 5);
    const initialTarget = weightsOf(hard.target.trainableVariables());
    expect(initialTarget).toEqual(weightsOf(hard.online.trainableVariables()));
    hard.update(batch);
    hard.update(batch);
    expect(weightsOf(hard.target.trainableVariables())).toEqual(initialTarget);
    hard.update(batch);
    expect(weightsOf(hard.target.trainableVariables())).toEqual(weightsOf(hard.online.trainableVariables()));

    const soft = makeLearner({ ...defaultDqnConfig, targetUpdateInterval: 1, tau: 0.25 });
    const target0 = weightsOf(soft.target.trainableVariables());
    soft.update(batch);
    const online1 = weightsOf(soft.online.trainableVariables());
    const target1 = weightsOf(soft.target.trainableVariables());
    target1.forEach((x, i) => expect(x).toBeCloseTo(0.25 * online1[i]! + 0.75 * target0[i]!, 6));
  });

  it('refuses a non-finite loss before writing any weight', () => {
    const learner = makeLearner(defaultDqnConfig);
    learner.update(makeBatch(8, 6));
    const bad = makeBatch(8, 6);
    bad.rewards[3] = Number.NaN;
    const online = weightsOf(learner.online.trainableVariables());
    const target = weightsOf(learner.target.trainableVariables());
    const state = learner.getState();
    expect(() => learner.update(bad)).toThrow(/non-finite loss \(NaN\) at update 2/);
    expect(weightsOf(learner.online.trainableVariables())).toEqual(online);
    expect(weightsOf(learner.target.trainableVariables())).toEqual(target);
    expect(learner.getState()).toEqual(state);
  });

  it('checks the batch layout', () => {
    const learner = makeLearner(defaultDqnConfig);
    const batch = makeBatch(4, 7);
    expect(() => learner.update({ ...batch, rewards: new Float32Array(3) })).toThrow('batch rewards has length 3, expected 4');
    expect(() => learner.update({ ...batch, observations: new Float32Array(5) })).toThrow('batch observations has length 5, expected 12');
  });

  it('never writes into the batch', () => {
    const learner = makeLearner(rainbow());
    const batch = makeBatch(8, 8, { discounts: true, weights: true, masks: true });
    const copy = structuredClone(batch);
    learner.update(batch);
    expect(batch).toEqual(copy);
  });

  it('restores its update count and Adam state', () => {
    const a = makeLearner(defaultDqnConfig, 9);
    const b = makeLearner(defaultDqnConfig, 9);
    const batch = makeBatch(8, 10);
    for (let i = 0; i < 3; i++) a.update(batch);
    tf.tidy(() => b.online.trainableVariables().forEach((v, k) => v.assign(a.online.trainableVariables()[k]!)));
    b.setState(a.getState());
    a.update(batch);
    b.update(batch);
    expect(weightsOf(b.online.trainableVariables())).toEqual(weightsOf(a.online.trainableVariables()));
    expect(b.updates).toBe(4);
  });
});
