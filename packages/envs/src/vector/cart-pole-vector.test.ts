import type { AutoresetMode } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../registry.js';
import { CartPoleVectorEnv } from './cart-pole-vector.js';
import { expectSameRun } from './expect-same-run.js';
import { SyncVectorEnv } from './sync-vector-env.js';

describe('CartPoleVectorEnv', () => {
  for (const autoresetMode of ['next-step', 'same-step', 'disabled'] as AutoresetMode[]) {
    it(`equals a SyncVectorEnv of CartPole-v1 envs seeded alike (${autoresetMode})`, async () => {
      const kernel = new CartPoleVectorEnv({ numEnvs: 6, maxEpisodeSteps: 16, autoresetMode });
      const reference = new SyncVectorEnv(
        Array.from({ length: 6 }, () => () => makeEnv('CartPole-v1', { maxEpisodeSteps: 16 })),
        { autoresetMode },
      );
      // Random actions end most episodes by termination within 10–40 steps, so a limit of 16
      // ends some by truncation.
      const counts = await expectSameRun(kernel, reference, { steps: 400, seed: 42, infos: false, maskedResetEvery: 97 });
      expect(counts.terminated).toBeGreaterThan(10);
      expect(counts.truncated).toBeGreaterThan(10);
    });
  }

  it('truncates at maxEpisodeSteps (500 by default) and uses the Sutton–Barto reward on request', async () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2, maxEpisodeSteps: 3 });
    expect(env.maxEpisodeSteps).toBe(3);
    expect(new CartPoleVectorEnv({ numEnvs: 1 }).maxEpisodeSteps).toBe(500);
    await env.reset({ seed: 0 });
    await env.step(Int32Array.of(0, 1));
    await env.step(Int32Array.of(1, 0));
    const third = await env.step(Int32Array.of(0, 1));
    expect(Array.from(third.truncated)).toEqual([1, 1]);
    expect(Array.from(third.terminated)).toEqual([0, 0]);
    const suttonBarto = new CartPoleVectorEnv({ numEnvs: 1, suttonBartoReward: true });
    await suttonBarto.reset({ seed: 0 });
    expect(Array.from((await suttonBarto.step(Int32Array.of(1))).rewards)).toEqual([0]);
  });

  it('validates actions and options; infos are one frozen array', async () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    await expect(env.step(Int32Array.of(0, 1))).rejects.toThrow(/not been reset/);
    const reset = await env.reset({ seed: 1 });
    expect(Object.isFrozen(reset.infos)).toBe(true);
    expect(reset.infos).toEqual([{}, {}]);
    await expect(env.step(Int32Array.of(0, 2))).rejects.toThrow(/action 2 of sub-env 1/);
    await expect(env.step(Float32Array.of(0, 1))).rejects.toThrow(TypeError);
    await expect(env.step(Int32Array.of(0))).rejects.toThrow(RangeError);
    expect(() => new CartPoleVectorEnv({ numEnvs: 0 })).toThrow(RangeError);
    expect(() => new CartPoleVectorEnv({ numEnvs: 1, maxEpisodeSteps: 0 })).toThrow(RangeError);
    expect(() => new CartPoleVectorEnv({ numEnvs: 1, autoresetMode: 'always' as AutoresetMode })).toThrow(RangeError);
    await env.close();
    await env.close();
    await expect(env.reset()).rejects.toThrow(/closed/);
  });
});
