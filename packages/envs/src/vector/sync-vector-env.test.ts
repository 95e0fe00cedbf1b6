import { Box, Discrete, EpisodeStatistics, Rng, type Env } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import { SubEnvError } from './sub-env-error.js';
import { SyncVectorEnv } from './sync-vector-env.js';
import { CountingEnv, EchoEnv, createFaultyEnv } from './test-envs.js';

const rows = (flat: Float32Array, size: number): number[][] =>
  Array.from({ length: flat.length / size }, (_, i) => Array.from(flat.subarray(i * size, (i + 1) * size)));

/** Sub-env 0 ends after 2 steps, sub-env 1 after 3. */
const twoCounters = (ending: 'terminated' | 'truncated' = 'terminated') => [
  () => new CountingEnv({ episodeLength: 2, ending }),
  () => new CountingEnv({ episodeLength: 3, ending }),
];
const ones = Int32Array.of(1, 1);

describe('SyncVectorEnv', () => {
  it('next-step autoreset: the step after an episode ended only resets that sub-env', async () => {
    const env = new SyncVectorEnv(twoCounters());
    expect(env.numEnvs).toBe(2);
    expect(env.observationSize).toBe(4);
    expect(env.autoresetMode).toBe('next-step');
    const reset = await env.reset({ seed: 5 });
    expect(rows(reset.observations, 4)).toEqual([[0, 0, -1, 5], [0, 0, -1, 6]]);

    const s1 = await env.step(ones);
    expect(rows(s1.observations, 4)).toEqual([[1, 0, 1, 5], [1, 0, 1, 6]]);
    expect(Array.from(s1.rewards)).toEqual([11, 11]);
    expect(s1.infos).toEqual([{ t: 1 }, { t: 1 }]);
    expect(s1.finalObservations).toBeUndefined();

    const s2 = await env.step(Int32Array.of(0, 2));
    expect(rows(s2.observations, 4)).toEqual([[2, 0, 0, 5], [2, 0, 2, 6]]);
    expect(Array.from(s2.rewards)).toEqual([2, 22]);
    expect(Array.from(s2.terminated)).toEqual([1, 0]);
    expect(Array.from(s2.truncated)).toEqual([0, 0]);

    // Sub-env 0 resets (action 2 ignored, reward 0, flags false); sub-env 1 terminates.
    const s3 = await env.step(Int32Array.of(2, 1));
    expect(rows(s3.observations, 4)).toEqual([[0, 1, -1, 5], [3, 0, 1, 6]]);
    expect(Array.from(s3.rewards)).toEqual([0, 13]);
    expect(Array.from(s3.terminated)).toEqual([0, 1]);
    expect(s3.infos[0]).toMatchObject({ reset: 1 });

    const s4 = await env.step(ones);
    expect(rows(s4.observations, 4)).toEqual([[1, 1, 1, 5], [0, 1, -1, 6]]);
    expect(Array.from(s4.rewards)).toEqual([11, 0]);
    expect(Array.from(s4.terminated)).toEqual([0, 0]);
  });

  it('same-step autoreset: the ending step returns the reset observation and the final one', async () => {
    const env = new SyncVectorEnv(twoCounters('truncated'), { autoresetMode: 'same-step' });
    await env.reset({ seed: 5 });
    const s1 = await env.step(ones);
    expect(rows(s1.finalObservations!, 4)).toEqual(rows(s1.observations, 4));
    const s2 = await env.step(ones);
    expect(rows(s2.observations, 4)).toEqual([[0, 1, -1, 5], [2, 0, 1, 6]]);
    expect(rows(s2.finalObservations!, 4)).toEqual([[2, 0, 1, 5], [2, 0, 1, 6]]);
    expect(Array.from(s2.rewards)).toEqual([12, 12]);
    expect(Array.from(s2.truncated)).toEqual([1, 0]);
    expect(Array.from(s2.terminated)).toEqual([0, 0]);
    expect(s2.infos[0]).toMatchObject({ reset: 1, finalInfo: { t: 2 } });
    expect(s2.infos[1]).toEqual({ t: 2 });
    const s3 = await env.step(ones);
    expect(rows(s3.observations, 4)).toEqual([[1, 1, 1, 5], [0, 1, -1, 6]]);
    expect(rows(s3.finalObservations!, 4)).toEqual([[1, 1, 1, 5], [3, 0, 1, 6]]);
    expect(Array.from(s3.rewards)).toEqual([11, 13]);
    expect(Array.from(s3.truncated)).toEqual([0, 1]);
  });

  it('disabled autoreset: a finished sub-env must be reset with a mask; other rows keep theirs', async () => {
    const env = new SyncVectorEnv(twoCounters(), { autoresetMode: 'disabled' });
    await env.reset({ seed: 5 });
    await env.step(ones);
    const s2 = await env.step(ones);
    expect(Array.from(s2.terminated)).toEqual([1, 0]);
    await expect(env.step(ones)).rejects.toThrow(/sub-env 0 .*disabled.*mask/);
    const partial = await env.reset({ mask: Uint8Array.of(1, 0) });
    expect(rows(partial.observations, 4)).toEqual([[0, 1, -1, 5], [2, 0, 1, 6]]);
    expect(partial.infos[1]).toEqual({});
    const s3 = await env.step(ones);
    expect(rows(s3.observations, 4)).toEqual([[1, 1, 1, 5], [3, 0, 1, 6]]);
    expect(Array.from(s3.terminated)).toEqual([0, 1]);
  });

  it('feeds EpisodeStatistics the right episodes in every mode', async () => {
    for (const autoresetMode of ['next-step', 'same-step', 'disabled'] as const) {
      const env = new SyncVectorEnv(twoCounters(), { autoresetMode });
      const stats = EpisodeStatistics.forVectorEnv(env);
      await env.reset({ seed: 0 });
      for (let t = 0; t < 12; t++) {
        const step = await env.step(Int32Array.of(0, 0));
        stats.step(step.rewards, step.terminated, step.truncated);
        if (autoresetMode === 'disabled') {
          const mask = step.terminated.map((x, i) => x | step.truncated[i]!);
          if (mask.some((x) => x !== 0)) await env.reset({ mask });
        }
      }
      const finished = stats.drainFinished();
      expect(finished.filter((e) => e.env === 0).every((e) => e.length === 2 && e.return === 3)).toBe(true);
      expect(finished.filter((e) => e.env === 1).every((e) => e.length === 3 && e.return === 6)).toBe(true);
      // next-step spends one step per episode on the reset: 12 steps = 4 episodes of 2 + 1 reset each.
      expect(finished.filter((e) => e.env === 0)).toHaveLength(autoresetMode === 'next-step' ? 4 : 6);
    }
  });

  it('seeds sub-env i with seed + i; unseeded resets continue each sub-env stream', async () => {
    const env = new SyncVectorEnv([0, 1, 2].map(() => () => new CountingEnv()));
    const first = await env.reset({ seed: 100 });
    expect(first.infos.map((info) => info['draw'])).toEqual([100, 101, 102].map((s) => Rng.fromSeed(s).int(1000)));
    const again = await env.reset({ seed: 100 });
    expect(again.infos.map((info) => info['draw'])).toEqual(first.infos.map((info) => info['draw']));
    const next = await env.reset();
    expect(next.infos.map((info) => info['draw'])).toEqual([100, 101, 102].map((s) => {
      const rng = Rng.fromSeed(s);
      rng.int(1000);
      return rng.int(1000);
    }));
    expect(rows(next.observations, 4).map((r) => r[3])).toEqual([100, 101, 102]);
  });

  it('validates actions, seeds and masks', async () => {
    const env = new SyncVectorEnv(twoCounters());
    await env.reset({ seed: 0 });
    await expect(env.step(Float32Array.of(1, 1))).rejects.toThrow(TypeError);
    await expect(env.step(Int32Array.of(1))).rejects.toThrow(RangeError);
    await expect(env.step(Int32Array.of(1, 1, 1))).rejects.toThrow(/actions has length 3, expected 2/);
    await expect(env.reset({ seed: 0.5 })).rejects.toThrow(RangeError);
    await expect(env.reset({ mask: Uint8Array.of(1) })).rejects.toThrow(RangeError);
    const box = new SyncVectorEnv([new EchoEnv(), new EchoEnv()]);
    await box.reset();
    await expect(box.step(Int32Array.of(0, 0, 0, 0))).rejects.toThrow(TypeError);
    await expect(box.step(new Float32Array(3))).rejects.toThrow(RangeError);
    expect(() => new SyncVectorEnv([])).toThrow(RangeError);
    expect(() => new SyncVectorEnv(twoCounters(), { autoresetMode: 'never' as never })).toThrow(RangeError);
  });

  it('routes Box actions row by row and flattens Discrete observations one-hot', async () => {
    const box = new SyncVectorEnv([() => new EchoEnv(), () => new EchoEnv()]);
    expect(box.singleActionSpace).toBeInstanceOf(Box);
    await box.reset();
    const step = await box.step(Float32Array.of(0.5, -0.25, 1, 0.75));
    expect(rows(step.observations, 3)).toEqual([[0.5, -0.25, 1], [1, 0.75, 1]]);
    expect(Array.from(step.rewards)).toEqual([0.25, 1.75]);

    const discreteObs = (): Env<number, number> => {
      let s = 0;
      return {
        observationSpace: new Discrete(3),
        actionSpace: new Discrete(2),
        reset: () => ((s = 0), { observation: s, info: {} }),
        step: (a) => ((s = (s + 1 + a) % 3), { observation: s, reward: 0, terminated: false, truncated: false, info: {} }),
      };
    };
    const grid = new SyncVectorEnv([discreteObs, discreteObs]);
    expect(grid.observationSize).toBe(3);
    expect(Array.from((await grid.reset()).observations)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(Array.from((await grid.step(Int32Array.of(0, 1))).observations)).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('returns new arrays on every call', async () => {
    const env = new SyncVectorEnv(twoCounters(), { autoresetMode: 'same-step' });
    const reset = await env.reset({ seed: 0 });
    const a = await env.step(ones);
    const b = await env.step(ones);
    for (const key of ['observations', 'rewards', 'terminated', 'truncated', 'finalObservations'] as const) {
      expect(a[key]!.buffer).not.toBe(b[key]!.buffer);
    }
    expect(reset.observations.buffer).not.toBe(a.observations.buffer);
    expect(rows(reset.observations, 4)).toEqual([[0, 0, -1, 0], [0, 0, -1, 1]]);
  });

  it('names the sub-env that throws, and a reset makes it usable again', async () => {
    const env = new SyncVectorEnv(
      [0, 1, 2].map((index) => () => createFaultyEnv({ failIndex: 1, failAt: 'step', failStep: 2, how: 'throw', message: 'boom' }, { index })),
    );
    await env.reset({ seed: 0 });
    await env.step(Int32Array.of(0, 0, 0));
    const error = await env.step(Int32Array.of(0, 0, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubEnvError);
    expect((error as SubEnvError).envIndex).toBe(1);
    expect((error as SubEnvError).phase).toBe('step');
    expect((error as Error).message).toBe('SyncVectorEnv: sub-env 1 failed in step(): boom');
    expect(((error as Error).cause as Error).message).toBe('boom');
    await expect(env.step(Int32Array.of(0, 0, 0))).rejects.toThrow(/sub-env 1 has not been reset/);
    await env.reset();
    await expect(env.step(Int32Array.of(0, 0, 0))).resolves.toBeDefined();
  });

  it('reports a factory that throws and sub-envs with other spaces', () => {
    expect(() => new SyncVectorEnv([() => new CountingEnv(), () => { throw new Error('no env'); }])).toThrow(
      /sub-env 1 failed in create\(\): no env/,
    );
    expect(() => new SyncVectorEnv<unknown, unknown>([new CountingEnv(), new EchoEnv()] as Env[])).toThrow(/other spaces/);
  });

  it('refuses to step before reset; close() closes the sub-envs once and is idempotent', async () => {
    const counters = [new CountingEnv(), new CountingEnv()];
    const env = new SyncVectorEnv(counters);
    await expect(env.step(ones)).rejects.toThrow(/has not been reset/);
    await env.close();
    await env.close();
    expect(counters.every((c) => c.closed)).toBe(true);
    await expect(env.reset()).rejects.toThrow(/closed/);
  });
});
