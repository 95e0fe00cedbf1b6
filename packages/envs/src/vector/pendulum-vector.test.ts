import type { AutoresetMode } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../registry.js';
import { expectSameRun } from './expect-same-run.js';
import { PendulumVectorEnv } from './pendulum-vector.js';
import { SyncVectorEnv } from './sync-vector-env.js';

describe('PendulumVectorEnv', () => {
  for (const autoresetMode of ['next-step', 'same-step', 'disabled'] as AutoresetMode[]) {
    it(`equals a SyncVectorEnv of Pendulum-v1 envs seeded alike (${autoresetMode})`, async () => {
      const kernel = new PendulumVectorEnv({ numEnvs: 5, maxEpisodeSteps: 30, autoresetMode });
      const reference = new SyncVectorEnv(
        Array.from({ length: 5 }, () => () => makeEnv('Pendulum-v1', { maxEpisodeSteps: 30 })),
        { autoresetMode },
      );
      // Torques beyond ±2 check the clipping too.
      const counts = await expectSameRun(kernel, reference, {
        steps: 300,
        seed: 9,
        action: (rng) => rng.uniform(-3, 3),
        continuous: true,
        infos: false,
        maskedResetEvery: 97,
      });
      expect(counts.truncated).toBeGreaterThan(40);
      expect(counts.terminated).toBe(0);
    });
  }

  it('defaults to 200 steps, rejects non-finite torques and passes g on', async () => {
    expect(new PendulumVectorEnv({ numEnvs: 1 }).maxEpisodeSteps).toBe(200);
    const env = new PendulumVectorEnv({ numEnvs: 2, g: 9.81 });
    await env.reset({ seed: 0 });
    await expect(env.step(Float32Array.of(0, Number.NaN))).rejects.toThrow(/sub-env 1 is not a finite number/);
    await expect(env.step(Int32Array.of(0, 0))).rejects.toThrow(TypeError);
    const reference = new SyncVectorEnv([0, 1].map(() => () => makeEnv('Pendulum-v1', { g: 9.81 })));
    await reference.reset({ seed: 0 });
    const actions = Float32Array.of(1, -1);
    expect((await env.step(actions)).observations).toEqual((await reference.step(actions)).observations);
    expect(() => new PendulumVectorEnv({ numEnvs: 1, g: Number.NaN })).toThrow(RangeError);
  });
});
