import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, it } from 'vitest';
import { cartPoleLearningRun } from '../test-support.js';
import { ActorCriticAgent } from './agent.js';

// The wasm backend (fast); the long runs (3 seeds, target ≥ 475 within 300k steps) are in bench/actor-critic.mjs.
beforeAll(useWasmBackend);

describe('one-step Actor-Critic learns CartPole-v1', () => {
  it.each([0, 1])('reaches a deterministic evaluation mean ≥ 100 within 40,000 steps (default config, 8 sub-envs, seed %i)', async (seed) => {
    // A random policy averages about 22 on CartPole.
    await cartPoleLearningRun(new ActorCriticAgent({ seed }), 8, 100);
  }, 60_000);
});
