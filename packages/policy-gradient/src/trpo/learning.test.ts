import { evaluatePolicy } from '@tfrl/core';
import { SyncVectorEnv, makeEnv } from '@tfrl/envs';
import { useWasmBackend } from '@tfrl/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRPO } from './agent.js';

// The wasm backend (fast updates). The long runs (3 seeds, mean ≥ 475 within 200k steps) are in
// bench/trpo.mjs; this one checks that the trust-region steps learn at all, quickly.
beforeAll(useWasmBackend);

describe('TRPO learns CartPole-v1', () => {
  it('reaches a deterministic evaluation mean ≥ 200 after 12,288 steps (8 envs × 256 steps per rollout, seed 0)', async () => {
    const agent = new TRPO({ seed: 0, nSteps: 256, maxKl: 0.02, gaeLambda: 0.98 });
    const env = new SyncVectorEnv(Array.from({ length: 8 }, () => () => makeEnv('CartPole-v1')));
    const kls: number[] = [];
    const report = await agent.learn({ env, totalSteps: 12_288, callbacks: [{ onUpdate: (_, m) => void kls.push(m.kl!) }] });
    expect(report.updates).toBe(6);
    kls.forEach((kl) => expect(kl).toBeLessThanOrEqual(0.02));
    const { meanReturn } = evaluatePolicy(makeEnv('CartPole-v1'), agent, { episodes: 10, seed: 100, deterministic: true });
    // A random policy averages ≈ 22.
    expect(meanReturn, `kl per update: ${kls.map((k) => k.toFixed(4)).join(', ')}`).toBeGreaterThanOrEqual(200);
    agent.dispose();
  }, 60_000);
});
