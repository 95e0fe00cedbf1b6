import { Rng, type VectorEnv } from '@tfrl/core';
import { CartPoleVectorEnv } from '@tfrl/envs';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection.js';

describe('Collection', () => {
  it('start resets the env with a seed from the Rng: the same seed gives the same observations', async () => {
    const a = await Collection.start(new CartPoleVectorEnv({ numEnvs: 3 }), Rng.fromSeed(4));
    const b = await Collection.start(new CartPoleVectorEnv({ numEnvs: 3 }), Rng.fromSeed(4));
    const c = await Collection.start(new CartPoleVectorEnv({ numEnvs: 3 }), Rng.fromSeed(5));
    expect(a.numEnvs).toBe(3);
    expect(a.autoresetMode).toBe('next-step');
    expect(a.observations).toHaveLength(12);
    expect(b.observations).toEqual(a.observations);
    expect(c.observations).not.toEqual(a.observations);
    expect(Number.isNaN(a.recentReturn)).toBe(true);
  });

  it("refuses a vector env with autoresetMode 'disabled'", async () => {
    const env = { ...new CartPoleVectorEnv({ numEnvs: 1 }), autoresetMode: 'disabled' } as unknown as VectorEnv<unknown, unknown>;
    await expect(Collection.start(env, Rng.fromSeed(0))).rejects.toThrow("autoresetMode 'disabled' are not supported");
  });

  it('step moves the observations on and counts the finished episodes', async () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    const collection = await Collection.start(env, Rng.fromSeed(0));
    let finished = 0;
    let steps = 0;
    // Always pushing right ends every episode within a few dozen steps.
    while (finished < 4) {
      const { step, finished: now } = await collection.step(env, Int32Array.of(1, 1));
      expect(collection.observations).toEqual(step.observations);
      finished += now;
      steps++;
      expect(steps).toBeLessThan(500);
    }
    expect(collection.stats.episodes).toBeGreaterThanOrEqual(4);
    expect(collection.recentReturn).toBeGreaterThan(0);
  });

  it('toJSON / fromJSON round-trip the episode statistics; bad JSON is a RangeError', async () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2, autoresetMode: 'same-step' });
    const collection = await Collection.start(env, Rng.fromSeed(1));
    for (let i = 0; i < 60; i++) await collection.step(env, Int32Array.of(0, 1));
    const json = JSON.parse(JSON.stringify(collection.toJSON()));
    const back = Collection.fromJSON(json, collection.observations.slice());
    expect(back.numEnvs).toBe(2);
    expect(back.autoresetMode).toBe('same-step');
    expect(back.observations).toEqual(collection.observations);
    expect(back.recentReturn).toBe(collection.recentReturn);
    expect(back.toJSON()).toEqual(collection.toJSON());
    expect(() => Collection.fromJSON({ ...json, numEnvs: 0 }, new Float32Array(0))).toThrow(RangeError);
    expect(() => Collection.fromJSON({ ...json, autoresetMode: 'disabled' }, new Float32Array(0))).toThrow('not a saved collection');
  });

  it('checkContinues accepts the same kind of env only', async () => {
    const collection = await Collection.start(new CartPoleVectorEnv({ numEnvs: 2 }), Rng.fromSeed(0));
    expect(() => collection.checkContinues(new CartPoleVectorEnv({ numEnvs: 2 }), 'X.learn')).not.toThrow();
    expect(() => collection.checkContinues(new CartPoleVectorEnv({ numEnvs: 3 }), 'X.learn')).toThrow(
      'X.learn: continueRun needs the env of the run (2 sub-envs, next-step), got 3, next-step',
    );
    expect(() => collection.checkContinues(new CartPoleVectorEnv({ numEnvs: 2, autoresetMode: 'same-step' }), 'X.learn')).toThrow(/continueRun/);
  });
});
