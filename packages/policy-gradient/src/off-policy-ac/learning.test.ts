import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, it } from 'vitest';
import { pendulumLearningRun } from '../test-support.js';
import { OffPolicyActorCritic } from './agent.js';

// The wasm backend (fast updates). The longer benchmark (−400 within 30k steps, 3 seeds) is bench/off-policy-ac.mjs.
beforeAll(useWasmBackend);

describe('OffPolicyActorCritic learns Pendulum-v1', () => {
  it('reaches a deterministic evaluation mean ≥ −800 within 4,000 steps (batch 128, seed 0)', async () => {
    // A random policy scores about −1,200 to −1,600 here.
    await pendulumLearningRun(new OffPolicyActorCritic({ seed: 0, hiddenSizes: [64, 64], batchSize: 128, learningStarts: 500 }));
  }, 120_000);
});
