import { evaluatePolicy } from '@tfrl/core';
import { makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { A3C } from './agent.js';
import { a3cWorkerUrl, testEnvsModule } from './test-worker.js';

let workerUrl: URL;
beforeAll(async () => {
  await useWasmBackend();
  workerUrl = a3cWorkerUrl();
}, 120_000);

describe('A3C learning', () => {
  // Asynchronous updates make runs differ from one another even with a fixed seed; with the
  // default config 2 workers pass a greedy mean of 300 within ~20–40k steps (bench/a3c.mjs).
  it('2 workers learn CartPole-v1 well above a random policy (~22)', async () => {
    const agent = new A3C({ seed: 0, numWorkers: 2 });
    const evalEnv = makeEnv('CartPole-v1');
    const evaluate = () => evaluatePolicy(evalEnv, agent, { episodes: 10, seed: 10_000, deterministic: true }).meanReturn;
    let nextEval = 5_000;
    const report = await agent.learn({
      env: { module: testEnvsModule, export: 'registered', options: { id: 'CartPole-v1' } },
      totalSteps: 60_000,
      workerUrl,
      callbacks: [
        {
          onUpdate(state) {
            if (state.step < nextEval) return true;
            nextEval = state.step + 5_000;
            return evaluate() < 300;
          },
        },
      ],
    });
    const meanReturn = evaluate();
    expect(report.steps).toBeGreaterThan(0);
    expect(meanReturn).toBeGreaterThanOrEqual(100);
    agent.dispose();
  }, 90_000);
});
