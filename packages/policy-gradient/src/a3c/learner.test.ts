import type { Env } from '@tfrl/core';
import { Rng } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { a3cConfig, type A3cConfig } from './config.js';
import { A3cActorLearner, createA3cNetwork, parameterCount, readFlat, type A3cModelSpec } from './learner.js';
import { CONTROL, SharedState } from './shared.js';

beforeAll(async () => {
  await useCpuBackend();
});

const model: A3cModelSpec = { observationSize: 4, action: { kind: 'discrete', n: 2, start: 0 } };

/** A learner in this thread on `env`, with θ drawn from seed 1. */
function learnerFor(env: Env<unknown, unknown>, overrides: Partial<A3cConfig> = {}, budget = 1_000): A3cActorLearner {
  const config = a3cConfig({ hiddenSizes: [8], tMax: 5, ...overrides });
  const init = createA3cNetwork(config, model, Rng.fromSeed(1), 'test/init');
  const shared = SharedState.create(parameterCount(init.trainableVariables()), config.optimizer);
  readFlat(init.trainableVariables(), shared.params);
  init.dispose();
  shared.beginRun(budget);
  return new A3cActorLearner(
    { index: 3, config, model, buffer: shared.buffer, paramCount: shared.paramCount, rngState: Rng.fromSeed(2).getState(), schedule: { offset: 0, span: budget } },
    env,
  );
}

describe('A3cActorLearner', () => {
  it('takes t_max steps, applies one update to the shared θ and counts it', () => {
    for (const optimizer of ['rmsprop', 'adam'] as const) {
      const learner = learnerFor(makeEnv('CartPole-v1'), { optimizer });
      const before = Float32Array.from(learner.shared.params);
      const result = learner.rollout()!;
      expect(result.steps).toBeGreaterThanOrEqual(1);
      expect(result.steps).toBeLessThanOrEqual(5);
      expect(learner.shared.steps).toBe(result.steps);
      expect(learner.shared.updates).toBe(1);
      expect(Atomics.load(learner.shared.control, CONTROL.optimizerSteps)).toBe(1);
      expect(Array.from(learner.shared.params)).not.toEqual(Array.from(before));
      expect(learner.shared.stats.some((x) => x !== 0)).toBe(true);
      for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'gradNorm', 'learningRate']) expect(Number.isFinite(result.metrics[key])).toBe(true);
      learner.dispose();
    }
  });

  it('stops at episode ends with the episode reported, and at the budget', () => {
    const learner = learnerFor(makeEnv('CartPole-v1'), { tMax: 50 }, 300);
    const episodes: number[] = [];
    let rollouts = 0;
    for (let r = learner.rollout(); r !== null; r = learner.rollout()) {
      rollouts++;
      episodes.push(...r.episodes.map((e) => e.length));
      expect(r.steps).toBeLessThanOrEqual(50);
    }
    expect(learner.shared.steps).toBe(300);
    expect(learner.shared.updates).toBe(rollouts);
    expect(episodes.length).toBeGreaterThan(0); // a near-random CartPole policy falls well within 300 steps
    expect(episodes.every((length) => length >= 1 && length <= 300)).toBe(true);
    learner.dispose();
  });

  it('leaks no tensor over rollouts', async () => {
    const learner = learnerFor(makeEnv('CartPole-v1'), {}, 10_000);
    await expectNoTensorLeak(() => learner.rollout());
    learner.dispose();
  });

  it('refuses a non-finite loss before writing θ or the optimizer state', () => {
    const cartPole = makeEnv('CartPole-v1');
    const env: Env<unknown, unknown> = {
      observationSpace: cartPole.observationSpace,
      actionSpace: cartPole.actionSpace,
      reset: (options) => cartPole.reset(options),
      step: (action) => ({ ...cartPole.step(action as number), reward: Number.NaN }),
    };
    const learner = learnerFor(env);
    const params = Float32Array.from(learner.shared.params);
    expect(() => learner.rollout()).toThrow(/non-finite loss \(NaN\) in A3C worker 3/);
    expect(Array.from(learner.shared.params)).toEqual(Array.from(params));
    expect(learner.shared.stats.every((x) => x === 0)).toBe(true);
    expect(learner.shared.updates).toBe(0);
    learner.dispose();
  });

  it('rejects an env whose observations do not fit the network', () => {
    expect(() => learnerFor(makeEnv('Pendulum-v1'))).toThrow(/3 observation values, the agent was built for 4/);
  });
});
