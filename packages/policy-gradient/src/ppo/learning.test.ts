import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, it } from 'vitest';
import { expectLearnsTo } from '../test-support.js';
import { PPO } from './agent.js';

// The wasm backend (fast updates). The long runs (3 seeds, ≥ 475 within 100k steps) are in bench/ppo.mjs.
beforeAll(useWasmBackend);

describe('PPO learns CartPole-v1', () => {
  it('reaches a deterministic evaluation mean ≥ 200 within 20,000 steps (default config, 8 envs, seed 0)', async () => {
    // A random policy averages about 22.
    await expectLearnsTo(new PPO({ seed: 0 }), {
      env: new CartPoleVectorEnv({ numEnvs: 8 }),
      evalEnv: makeEnv('CartPole-v1'),
      totalSteps: 20_000,
      everySteps: 5_000,
      episodes: 10,
      seed: 100,
      threshold: 200,
    });
  }, 60_000);
});
