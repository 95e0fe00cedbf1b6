import { evalCallback, evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAC } from './agent.js';

// The wasm backend (fast updates). The full benchmark (−200 within 20k steps, 3 seeds) is bench/sac.mjs.
beforeAll(useWasmBackend);

describe('SAC learns Pendulum-v1', () => {
  it('reaches a deterministic evaluation mean ≥ −800 within 4,000 steps (batch 128, α from 0.2, seed 0)', async () => {
    // A random policy scores about −1,200 to −1,600 here; seed 0 reaches −159 at step 3,000 (~11 s of CPU).
    const agent = new SAC({ seed: 0, hiddenSizes: [64, 64], batchSize: 128, learningStarts: 500, initialEntropyCoefficient: 0.2 });
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
