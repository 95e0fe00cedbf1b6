import { Rng, type Env } from '@tfrl/core';
import { CartPoleVectorEnv, PendulumVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActorCritic } from '../common/actor-critic.js';
import {
  cartPoleNetwork as testNetwork,
  commonCorruptions,
  expectActsOnCartPoleAndPendulum,
  expectCartPoleLeakFree,
  expectCheckpointErrors,
  expectNewEpisodesContinue,
  expectNonFiniteLossThrows,
  expectRejectsBadInput,
  expectResumeEqualsStraightRun,
  expectSameSeedSameCartPoleRun,
  expectValueLossFalls,
  withManifest,
} from '../test-support.js';
import { Reinforce } from './agent.js';
import { reinforceConfig, type ReinforceConfig } from './config.js';
import { ReinforceLearner, type ReinforceBatch } from './learner.js';

beforeAll(useCpuBackend);

const small: Partial<ReinforceConfig> = { hiddenSizes: [8], episodesPerUpdate: 2, valueGradientSteps: 2 };

const cartPoleNetwork = (config: ReinforceConfig): ActorCritic => testNetwork(config, { sharedTrunk: false, withValue: config.baseline === 'value' });

/** Two episodes of 3 and 2 steps. */
function batchOf(rewards: number[]): ReinforceBatch {
  const rng = Rng.fromSeed(3);
  return {
    size: 5,
    offsets: Int32Array.of(0, 3, 5),
    observations: rng.fillNormal(new Float32Array(20)),
    actions: Int32Array.of(0, 1, 1, 0, 1),
    rewards: Float32Array.from(rewards),
  };
}

describe('ReinforceLearner', () => {
  for (const baseline of ['none', 'running-mean', 'value'] as const) {
    it(`baseline '${baseline}': an update moves the policy and leaks no tensor`, async () => {
      const config = reinforceConfig({ ...small, baseline });
      const network = cartPoleNetwork(config);
      const learner = new ReinforceLearner(network, config);
      const before = weightsOf(network.policyVariables());
      const metrics = learner.update(batchOf([1, 2, 3, 1, 1]));
      expect(Number.isFinite(metrics.loss)).toBe(true);
      expect(weightsOf(network.policyVariables())).not.toEqual(before);
      if (baseline === 'value') expect(metrics.valueLoss).toBeGreaterThan(0);
      // The first batch sets the running mean: its rewards-to-go (γ = 0.99) are
      // [5.9203, 4.97, 3, 1.99, 1], mean 16.8803 / 5.
      if (baseline === 'running-mean') expect(learner.runningMeanBaseline).toBeCloseTo(16.8803 / 5, 4);
      await expectNoTensorLeak(() => learner.update(batchOf([1, 2, 3, 1, 1])));
      network.dispose();
    });
  }

  it('the value baseline regresses V(s) towards the rewards-to-go', () => {
    const config = reinforceConfig({ ...small, baseline: 'value', valueGradientSteps: 1, valueLearningRate: 1e-2 });
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    expectValueLossFalls(learner, network, batchOf([1, 1, 1, 1, 1]), 2);
  });

  it('a non-finite loss throws before any weight is written', () => {
    const config = reinforceConfig({ ...small, baseline: 'value' });
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    expectNonFiniteLossThrows(learner, network, batchOf([1, Number.NaN, 1, 1, 1]));
  });

  it('rejects batches of the wrong shape', () => {
    const config = reinforceConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ReinforceLearner(network, config);
    expect(() => learner.update({ ...batchOf([1, 1, 1, 1, 1]), actions: Int32Array.of(0, 1) })).toThrow('batch actions has length 2, expected 5');
    network.dispose();
  });
});

describe('Reinforce', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    await expectSameSeedSameCartPoleRun(Reinforce, small);
  });

  const resumeCases: [string, Partial<ReinforceConfig>, () => Env<unknown, unknown> | CartPoleVectorEnv | PendulumVectorEnv, number, number][] = [
    ['CartPole, 2 sub-envs (next-step), value baseline', { ...small }, () => new CartPoleVectorEnv({ numEnvs: 2 }), 600, 360],
    ['CartPole, one env (same-step), running mean over whole-episode returns', { ...small, baseline: 'running-mean', returnKind: 'episode', runningMean: 'average' }, () => makeEnv('CartPole-v1') as Env<unknown, unknown>, 600, 333],
    ['Pendulum (Box), 2 sub-envs', { ...small, episodesPerUpdate: 1, entropyCoefficient: 0.01 }, () => new PendulumVectorEnv({ numEnvs: 2 }), 1_000, 650],
  ];
  for (const [name, config, makeTrainEnv, total, at] of resumeCases) {
    it(`${name}: save in mid-run -> load -> continue equals an uninterrupted run bit for bit`, async () => {
      await expectResumeEqualsStraightRun(Reinforce, config, makeTrainEnv, total, at);
    });
  }

  it("'new-episodes' continues counters and weights on a freshly reset env", async () => {
    await expectNewEpisodesContinue(Reinforce, small);
  });

  it('acts: Discrete actions with the start shift, Box actions within the bounds, the mode deterministically', async () => {
    await expectActsOnCartPoleAndPendulum(Reinforce, small);
  });

  it('rejects NaN observations, wrong sizes, acting before learning and unsupported action spaces', async () => {
    await expectRejectsBadInput(Reinforce, small, 'Reinforce', 'ReinforceConfig');
  });

  it('learns and acts without leaking tensors', async () => {
    await expectCartPoleLeakFree(Reinforce, { ...small, episodesPerUpdate: 1 });
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = new Reinforce(small);
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 100 });
    const cp = agent.toCheckpoint();
    expectCheckpointErrors((bad) => Reinforce.fromCheckpoint(bad), [
      ...commonCorruptions(cp),
      ['a bad running mean', withManifest(cp, (m) => ({ ...m, extra: { ...m.extra, runningMean: { mean: 'x', count: 1 } } })), /extra.runningMean/],
    ]);
    agent.dispose();
  });
});
