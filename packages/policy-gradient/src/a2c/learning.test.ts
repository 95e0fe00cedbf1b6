import { evaluatePolicy } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { A2C } from './agent.js';
import type { A2cConfig } from './config.js';

// The wasm backend (fast for small nets). The full runs (seeds 0–2, mean ≥ 475 within 500k steps)
// are in bench/a2c.mjs. A random policy scores about 22 on CartPole-v1.
beforeAll(useWasmBackend);

async function trainUntil(config: Partial<A2cConfig>, threshold: number, budget: number): Promise<{ evaluations: number[]; final: number }> {
  const agent = new A2C(config);
  const policy = { act: (observation: Float32Array) => agent.act(observation, { deterministic: true }) as number };
  const evalEnv = makeEnv('CartPole-v1');
  const evaluations: number[] = [];
  await agent.learn({
    env: new CartPoleVectorEnv({ numEnvs: 8 }),
    totalSteps: budget,
    callbacks: [
      {
        onStep(state) {
          if (state.step % 5_000 !== 0) return true;
          const { meanReturn } = evaluatePolicy(evalEnv, policy, { episodes: 10, seed: 100, deterministic: true });
          evaluations.push(Math.round(meanReturn));
          return meanReturn < threshold;
        },
      },
    ],
  });
  const final = evaluatePolicy(evalEnv, policy, { episodes: 10, seed: 100, deterministic: true }).meanReturn;
  agent.dispose();
  return { evaluations, final };
}

describe('A2C learns CartPole-v1 (8 sub-envs)', () => {
  it('separate networks (default config, seed 0): a deterministic mean ≥ 300 within 40,000 steps', async () => {
    const { evaluations, final } = await trainUntil({ seed: 0 }, 300, 40_000);
    expect(final, `evaluations: ${evaluations.join(', ')}`).toBeGreaterThanOrEqual(300);
  }, 60_000);

  it("RMSProp as SB3's A2C (seed 0): a deterministic mean ≥ 300 within 40,000 steps", async () => {
    const { evaluations, final } = await trainUntil({ seed: 0, optimizer: 'rmsprop' }, 300, 40_000);
    expect(final, `evaluations: ${evaluations.join(', ')}`).toBeGreaterThanOrEqual(300);
  }, 60_000);

  it('a shared trunk (seed 1): a deterministic mean ≥ 100 within 40,000 steps', async () => {
    const { evaluations, final } = await trainUntil({ seed: 1, sharedTrunk: true }, 100, 40_000);
    expect(final, `evaluations: ${evaluations.join(', ')}`).toBeGreaterThanOrEqual(100);
  }, 60_000);
});
