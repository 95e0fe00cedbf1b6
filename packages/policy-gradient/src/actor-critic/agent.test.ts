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
import { ActorCriticAgent } from './agent.js';
import { actorCriticAgentConfig, type ActorCriticAgentConfig } from './config.js';
import { ActorCriticLearner, type OneStepBatch } from './learner.js';

beforeAll(useCpuBackend);

const small: Partial<ActorCriticAgentConfig> = { hiddenSizes: [8] };

const cartPoleNetwork = (config: ActorCriticAgentConfig): ActorCritic => testNetwork(config, { sharedTrunk: config.sharedTrunk, withValue: true });

/** Four transitions. */
function batchOf(rewards: number[]): OneStepBatch {
  const rng = Rng.fromSeed(3);
  return {
    size: 4,
    observations: rng.fillNormal(new Float32Array(16)),
    actions: Int32Array.of(0, 1, 1, 0),
    rewards: Float32Array.from(rewards),
    nextObservations: rng.fillNormal(new Float32Array(16)),
    terminated: Uint8Array.of(0, 0, 1, 0),
  };
}

describe('ActorCriticLearner', () => {
  for (const sharedTrunk of [false, true]) {
    it(`${sharedTrunk ? 'shared trunk' : 'separate networks'}: an update moves actor and critic and leaks no tensor`, async () => {
      const config = actorCriticAgentConfig({ ...small, sharedTrunk });
      const network = cartPoleNetwork(config);
      const learner = new ActorCriticLearner(network, config);
      const before = [weightsOf(network.policyNet.trainableVariables()), weightsOf(network.valueNet!.trainableVariables())];
      const metrics = learner.update(batchOf([1, 1, 1, 1]));
      expect(Number.isFinite(metrics.policyLoss) && Number.isFinite(metrics.valueLoss)).toBe(true);
      expect(weightsOf(network.policyNet.trainableVariables())).not.toEqual(before[0]);
      expect(weightsOf(network.valueNet!.trainableVariables())).not.toEqual(before[1]);
      expect(metrics.valueGradNorm === undefined).toBe(sharedTrunk);
      await expectNoTensorLeak(() => learner.update(batchOf([1, 1, 1, 1])));
      network.dispose();
    });
  }

  it('the critic regresses V(s) towards the TD targets (terminal: the reward)', () => {
    const config = actorCriticAgentConfig({ ...small, sharedTrunk: false, valueLearningRate: 1e-2 });
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    expectValueLossFalls(learner, network, { ...batchOf([1, 1, 1, 1]), terminated: Uint8Array.of(1, 1, 1, 1) }, 4);
  });

  it('a non-finite loss throws before any weight is written', () => {
    const config = actorCriticAgentConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    expectNonFiniteLossThrows(learner, network, batchOf([1, Number.POSITIVE_INFINITY, 1, 1]));
  });

  it('rejects batches of the wrong shape', () => {
    const config = actorCriticAgentConfig(small);
    const network = cartPoleNetwork(config);
    const learner = new ActorCriticLearner(network, config);
    expect(() => learner.update({ ...batchOf([1, 1, 1, 1]), nextObservations: new Float32Array(3) })).toThrow('batch nextObservations has length 3, expected 16');
    network.dispose();
  });
});

describe('ActorCriticAgent', () => {
  it('is deterministic: the same seed gives the same weights, another seed others', async () => {
    await expectSameSeedSameCartPoleRun(ActorCriticAgent, small);
  });

  const resumeCases: [string, Partial<ActorCriticAgentConfig>, () => Env<unknown, unknown> | CartPoleVectorEnv | PendulumVectorEnv, number, number][] = [
    ['CartPole, 2 sub-envs (next-step), separate networks', { ...small, sharedTrunk: false }, () => new CartPoleVectorEnv({ numEnvs: 2 }), 400, 240],
    ['CartPole, 3 sub-envs (same-step), shared trunk', { ...small, sharedTrunk: true, entropyCoefficient: 0.01 }, () => new CartPoleVectorEnv({ numEnvs: 3, autoresetMode: 'same-step' }), 402, 201],
    ['CartPole, one env (same-step)', { ...small }, () => makeEnv('CartPole-v1') as Env<unknown, unknown>, 300, 137],
    ['Pendulum (Box), 2 sub-envs, truncation at 200', { ...small }, () => new PendulumVectorEnv({ numEnvs: 2 }), 600, 420],
  ];
  for (const [name, config, makeTrainEnv, total, at] of resumeCases) {
    it(`${name}: save in mid-run -> load -> continue equals an uninterrupted run bit for bit`, async () => {
      await expectResumeEqualsStraightRun(ActorCriticAgent, config, makeTrainEnv, total, at);
    });
  }

  for (const autoresetMode of ['same-step', 'next-step'] as const) {
    it(`${autoresetMode} autoreset: truncated episodes bootstrap from their last observation; reset rows are no transitions`, async () => {
      const agent = new ActorCriticAgent({ ...small });
      const env = new CartPoleVectorEnv({ numEnvs: 2, maxEpisodeSteps: 3, autoresetMode });
      await agent.learn({ env, totalSteps: 0 });
      const learner = (agent as unknown as { model: { learner: ActorCriticLearner } }).model.learner;
      const batches: OneStepBatch[] = [];
      const update = learner.update.bind(learner);
      learner.update = (batch: OneStepBatch) => (batches.push(structuredClone(batch)), update(batch));
      await agent.learn({ env, totalSteps: 16, continueRun: true });
      // same-step: a transition per vector step; next-step: the 4th step of each cycle is the reset step.
      expect(batches).toHaveLength(autoresetMode === 'same-step' ? 8 : 6);
      const perEpisode = 3;
      for (let k = 0; k < batches.length; k++) {
        const batch = batches[k]!;
        expect(batch.size).toBe(2);
        // Three steps cannot drop the pole: the episodes end by truncation, never terminated.
        expect(Array.from(batch.terminated)).toEqual([0, 0]);
        const next = batches[k + 1];
        if (next === undefined) continue;
        if (k % perEpisode === perEpisode - 1) {
          // The last transition's s′ is the episode's last observation, not the next episode's first.
          expect(batch.nextObservations).not.toEqual(next.observations);
        } else {
          expect(batch.nextObservations).toEqual(next.observations);
        }
      }
      agent.dispose();
    });
  }

  it("'new-episodes' continues counters and weights on a freshly reset env", async () => {
    await expectNewEpisodesContinue(ActorCriticAgent, small);
  });

  it('acts: Discrete actions with the start shift, Box actions within the bounds, the mode deterministically', async () => {
    await expectActsOnCartPoleAndPendulum(ActorCriticAgent, small);
  });

  it('rejects NaN observations, wrong sizes, acting before learning and unsupported action spaces', async () => {
    await expectRejectsBadInput(ActorCriticAgent, small, 'ActorCriticAgent', 'ActorCriticAgentConfig');
  });

  it('learns and acts without leaking tensors', async () => {
    await expectCartPoleLeakFree(ActorCriticAgent, { ...small });
  });

  it('rejects corrupt and mismatched checkpoints with a CheckpointError', async () => {
    const agent = new ActorCriticAgent(small);
    await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 100 });
    const cp = agent.toCheckpoint();
    expectCheckpointErrors((bad) => ActorCriticAgent.fromCheckpoint(bad), [
      ...commonCorruptions(cp),
      ['bad pending resets', withManifest(cp, (m) => ({ ...m, extra: { ...m.extra, run: { ...(m.extra!.run as object), pendingResets: [0, 2] } } })), /pendingResets/],
      ['a reinforce checkpoint', withManifest(cp, (m) => ({ ...m, algorithm: 'reinforce' })), /algorithm/],
    ]);
    agent.dispose();
  });
});
