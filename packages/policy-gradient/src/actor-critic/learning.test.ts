import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCriticAgent } from './agent.js';

// The wasm backend (fast); the long runs (3 seeds, target ≥ 475 within 300k steps) are in bench/actor-critic.mjs.
beforeAll(useWasmBackend);

describe('one-step Actor-Critic learns CartPole-v1', () => {
  it.each([0, 1])('reaches a deterministic evaluation mean ≥ 100 within 40,000 steps (default config, 8 sub-envs, seed %i)', async (seed) => {
    const agent = new ActorCriticAgent({ seed });
    const evalEnv = makeEnv('CartPole-v1');
    const evaluations: number[] = [];
    const report = await agent.learn({
      env: new CartPoleVectorEnv({ numEnvs: 8 }),
      totalSteps: 40_000,
      callbacks: [
        {
          onStep: (state) => {
            if (state.step % 5_000 !== 0) return true;
            const { meanReturn } = evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 10_000, deterministic: true });
            evaluations.push(meanReturn);
            return meanReturn < 100;
          },
        },
      ],
    });
    // A random policy averages about 22 on CartPole.
    expect(report.stoppedEarly, `evaluations: ${evaluations.join(', ')}`).toBe(true);
    expect(evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 10_000 }).meanReturn).toBeGreaterThanOrEqual(100);
    agent.dispose();
  }, 60_000);
});
