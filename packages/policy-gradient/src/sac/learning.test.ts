import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, it } from 'vitest';
import { pendulumLearningRun } from '../test-support.js';
import { SAC } from './agent.js';

// The wasm backend (fast updates). The full benchmark (−200 within 20k steps, 3 seeds) is bench/sac.mjs.
beforeAll(useWasmBackend);

describe('SAC learns Pendulum-v1', () => {
  it('reaches a deterministic evaluation mean ≥ −800 within 4,000 steps (batch 128, α from 0.2, seed 0)', async () => {
    // A random policy scores about −1,200 to −1,600 here; seed 0 reaches −159 at step 3,000 (~11 s of CPU).
    await pendulumLearningRun(new SAC({ seed: 0, hiddenSizes: [64, 64], batchSize: 128, learningStarts: 500, initialEntropyCoefficient: 0.2 }));
  }, 120_000);
});
