import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, it } from 'vitest';
import { cartPoleLearningRun } from '../test-support.js';
import { Reinforce } from './agent.js';

// The wasm backend (fast); the long runs (3 seeds, ≥ 475 within 300k steps) are in bench/reinforce.mjs.
beforeAll(useWasmBackend);

describe('REINFORCE learns CartPole-v1', () => {
  it.each([0, 1])('reaches a deterministic evaluation mean ≥ 200 within 40,000 steps (default config, 4 sub-envs, seed %i)', async (seed) => {
    // A random policy averages about 22 on CartPole.
    await cartPoleLearningRun(new Reinforce({ seed }), 4, 200);
  }, 60_000);
});
