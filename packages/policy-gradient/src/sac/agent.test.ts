import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '@tfrl/envs';
import { useCpuBackend } from '@tfrl/testing';
import { OffPolicyActorCritic } from '../off-policy-ac/agent.js';
import { pendulumCheckpoint } from '../test-support.js';
import { SAC } from './agent.js';
import { describeOffPolicyAgent } from './test-contract.js';

beforeAll(useCpuBackend);

describeOffPolicyAgent('SAC', {
  create: (overrides = {}) => new SAC(overrides),
  fromCheckpoint: (cp) => SAC.fromCheckpoint(cp),
  foreign: () => pendulumCheckpoint(new OffPolicyActorCritic({ hiddenSizes: [8], batchSize: 8, learningStarts: 10, bufferSize: 100 })),
  algorithm: 'sac',
});

describe('SAC', () => {
  it('learns the temperature: α moves from its initial value, and stays fixed without autoEntropy', async () => {
    const tiny = { hiddenSizes: [8], batchSize: 8, learningStarts: 10, bufferSize: 100, initialEntropyCoefficient: 0.5 };
    const auto = new SAC(tiny);
    const fixed = new SAC({ ...tiny, autoEntropy: false });
    for (const agent of [auto, fixed]) await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 30 });
    expect(auto.learner!.entropyCoefficient).not.toBeCloseTo(0.5, 4);
    expect(fixed.learner!.entropyCoefficient).toBeCloseTo(0.5, 6);
    expect(auto.learner!.targetEntropy).toBe(-1);
    auto.dispose();
    fixed.dispose();
  });

  it('reports the update metrics to onUpdate callbacks', async () => {
    const agent = new SAC({ hiddenSizes: [8], batchSize: 8, learningStarts: 5, bufferSize: 100 });
    const seen: Record<string, number>[] = [];
    await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 8, callbacks: [{ onUpdate: (_state, metrics) => void seen.push(metrics) }] });
    expect(seen).toHaveLength(3);
    for (const key of ['criticLoss', 'actorLoss', 'temperatureLoss', 'entropyCoefficient']) expect(Number.isFinite(seen[0]![key])).toBe(true);
    agent.dispose();
  });
});
