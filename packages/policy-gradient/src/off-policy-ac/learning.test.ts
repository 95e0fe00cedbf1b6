import { evalCallback, evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { OffPolicyActorCritic } from './agent.js';

// The wasm backend (fast updates). The longer benchmark (−400 within 30k steps, 3 seeds) is bench/off-policy-ac.mjs.
beforeAll(useWasmBackend);

describe('OffPolicyActorCritic learns Pendulum-v1', () => {
  it('reaches a deterministic evaluation mean ≥ −800 within 4,000 steps (batch 128, seed 0)', async () => {
    // A random policy scores about −1,200 to −1,600 here.
    const agent = new OffPolicyActorCritic({ seed: 0, hiddenSizes: [64, 64], batchSize: 128, learningStarts: 500 });
    const evalEnv = makeEnv('Pendulum-v1');
    const evaluations: number[] = [];
    const report = await agent.learn({
      env: makeEnv('Pendulum-v1'),
      totalSteps: 4_000,
      callbacks: [
        evalCallback({
          env: evalEnv,
          policy: agent,
          everySteps: 500,
          episodes: 5,
          seed: 10_000,
          onResult: (result) => (evaluations.push(Math.round(result.meanReturn)), result.meanReturn < -800),
        }),
      ],
    });
    expect(report.stoppedEarly, `evaluations: ${evaluations.join(', ')}`).toBe(true);
    expect(evaluatePolicy(evalEnv, agent, { episodes: 5, seed: 10_000 }).meanReturn).toBeGreaterThanOrEqual(-800);
    agent.dispose();
  }, 120_000);
});
