import { evalCallback, evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DQN } from './agent.js';
import { useWasmBackend } from './test-setup.js';

// The wasm backend: 4–20× faster updates than cpu (PERFORMANCE.md). The long runs (3 seeds,
// ≥ 475, Rainbow, Acrobot) are in bench/learning.mjs.
beforeAll(useWasmBackend);

describe('DQN learns CartPole-v1', () => {
  it.each([0, 1, 2])('reaches a greedy evaluation mean ≥ 150 within 15,000 steps (default config, seed %i)', async (seed) => {
    const agent = new DQN({ seed });
    const evalEnv = makeEnv('CartPole-v1');
    const evaluations: number[] = [];
    const report = await agent.learn({
      env: makeEnv('CartPole-v1'),
      totalSteps: 15_000,
      callbacks: [
        evalCallback({
          env: evalEnv,
          policy: agent,
          everySteps: 2_500,
          episodes: 10,
          seed: 100,
          onResult: (result) => (evaluations.push(result.meanReturn), result.meanReturn < 150),
        }),
      ],
    });
    expect(report.stoppedEarly, `evaluations: ${evaluations.join(', ')}`).toBe(true);
    expect(evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 100 }).meanReturn).toBeGreaterThanOrEqual(150);
    agent.dispose();
  }, 120_000);
});
