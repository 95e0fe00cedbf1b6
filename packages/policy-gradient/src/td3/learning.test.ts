import { evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDPG } from '../ddpg/ddpg.js';
import { TD3 } from './td3.js';

// Short runs on the wasm backend; the full runs (3 seeds, −200 / −250) are bench/td3.mjs and bench/ddpg.mjs.
beforeAll(useWasmBackend);

/** Small, quick Pendulum settings (a random policy scores about −1,200 to −1,500). */
const quick = { hiddenSizes: [64, 64], batchSize: 128, gamma: 0.98, learningStarts: 500, bufferSize: 10_000 } as const;

describe.each([
  { name: 'TD3', make: () => new TD3({ ...quick, seed: 0 }) },
  { name: 'DDPG', make: () => new DDPG({ ...quick, seed: 0 }) },
])('$name learns Pendulum-v1', ({ make }) => {
  it('reaches a deterministic mean ≥ −800 over 10 episodes within 6,000 steps (seed 0)', async () => {
    const agent = make();
    const evalEnv = makeEnv('Pendulum-v1');
    const evaluations: number[] = [];
    const score = () => evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 100, deterministic: true }).meanReturn;
    const report = await agent.learn({
      env: makeEnv('Pendulum-v1'),
      totalSteps: 6_000,
      callbacks: [{ onStep: (s) => (s.step < 2_000 || s.step % 500 !== 0 ? true : (evaluations.push(Math.round(score())), evaluations.at(-1)! < -800)) }],
    });
    expect(report.stoppedEarly, `evaluations every 500 steps from 2,000: ${evaluations.join(', ')}`).toBe(true);
    expect(score()).toBeGreaterThanOrEqual(-800);
    agent.dispose();
  }, 120_000);
});
