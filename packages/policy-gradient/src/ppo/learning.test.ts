import { evalCallback, evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { PPO } from './agent.js';

// The wasm backend (fast updates). The long runs (3 seeds, ≥ 475 within 100k steps) are in bench/ppo.mjs.
beforeAll(useWasmBackend);

describe('PPO learns CartPole-v1', () => {
  it('reaches a deterministic evaluation mean ≥ 200 within 20,000 steps (default config, 8 envs, seed 0)', async () => {
    const agent = new PPO({ seed: 0 });
    const evalEnv = makeEnv('CartPole-v1');
    const evaluations: number[] = [];
    const report = await agent.learn({
      env: new CartPoleVectorEnv({ numEnvs: 8 }),
      totalSteps: 20_000,
      callbacks: [
        evalCallback({
          env: evalEnv,
          policy: agent,
          everySteps: 5_000,
          episodes: 10,
          seed: 100,
          onResult: (result) => (evaluations.push(result.meanReturn), result.meanReturn < 200),
        }),
      ],
    });
    expect(report.stoppedEarly, `evaluations: ${evaluations.join(', ')}`).toBe(true);
    // A random policy averages about 22.
    expect(evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 100 }).meanReturn).toBeGreaterThanOrEqual(200);
    agent.dispose();
  }, 60_000);
});
