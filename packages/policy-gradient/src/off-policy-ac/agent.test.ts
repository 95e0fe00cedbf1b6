import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, useCpuBackend, weightsOf } from '@tfrl/testing';
import { SAC } from '../sac/agent.js';
import { describeOffPolicyAgent } from '../sac/test-contract.js';
import { pendulumCheckpoint } from '../test-support.js';
import { OffPolicyActorCritic } from './agent.js';

beforeAll(useCpuBackend);

describeOffPolicyAgent('OffPolicyActorCritic', {
  create: (overrides = {}) => new OffPolicyActorCritic(overrides),
  fromCheckpoint: (cp) => OffPolicyActorCritic.fromCheckpoint(cp),
  foreign: () => pendulumCheckpoint(new SAC({ hiddenSizes: [8], batchSize: 8, learningStarts: 10, bufferSize: 100 })),
  algorithm: 'off-policy-ac',
});

describe('OffPolicyActorCritic with the likelihood-ratio actor gradient', () => {
  it('updates the actor without leaking a tensor', async () => {
    const agent = new OffPolicyActorCritic({ hiddenSizes: [8], batchSize: 8, learningStarts: 5, bufferSize: 100, actorGradient: 'likelihood-ratio', seed: 2 });
    const env = makeEnv('Pendulum-v1');
    await agent.learn({ env, totalSteps: 10 });
    const before = weightsOf(agent.learner!.actor.trainableVariables());
    await expectNoTensorLeak(() => agent.learn({ env, totalSteps: 2, continueRun: true }));
    expect(weightsOf(agent.learner!.actor.trainableVariables())).not.toEqual(before);
    expect(agent.updates).toBe(13); // 5 updates, then 4 × 2 steps in expectNoTensorLeak (1 warm-up + 3 runs)
    agent.dispose();
  });
});
