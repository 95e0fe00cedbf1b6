import { describe, expect, it } from 'vitest';
import { describeEnvContract } from '@tfrl/testing';
import { RecordEpisodeStatistics } from './record-episode-statistics.js';
import { CorridorEnv, ScriptedEnv } from './test-envs.js';

describeEnvContract('RecordEpisodeStatistics(CorridorEnv)', () => new RecordEpisodeStatistics(new CorridorEnv()));

describe('RecordEpisodeStatistics', () => {
  const script = [
    { reward: 1 },
    { reward: 2 },
    { reward: 3, terminated: true },
    { reward: 0.5, truncated: true },
  ];

  it('adds info.episode = { return, length } on the step that ends an episode, and only there', () => {
    const env = new RecordEpisodeStatistics(new ScriptedEnv(script));
    env.reset();
    expect(env.step(0).info).toEqual({});
    expect(env.step(0).info).toEqual({});
    expect(env.step(0).info).toEqual({ episode: { return: 6, length: 3 } });
    env.reset();
    expect(env.step(0).info).toEqual({ episode: { return: 0.5, length: 1 } }); // truncated counts too
    expect(env.returnQueue).toEqual([6, 0.5]);
    expect(env.lengthQueue).toEqual([3, 1]);
    expect(env.episodeCount).toBe(2);
  });

  it('keeps only the last bufferLength episodes', () => {
    const env = new RecordEpisodeStatistics(new ScriptedEnv([{ reward: 1, terminated: true }, { reward: 2, terminated: true }, { reward: 3, terminated: true }]), {
      bufferLength: 2,
    });
    for (let i = 0; i < 3; i++) {
      env.reset();
      env.step(0);
    }
    expect(env.returnQueue).toEqual([2, 3]);
    expect(env.lengthQueue).toEqual([1, 1]);
    expect(env.episodeCount).toBe(3);
  });

  it('starts counting afresh at reset, also mid-episode', () => {
    const env = new RecordEpisodeStatistics(new ScriptedEnv([{ reward: 10 }, { reward: 1 }, { reward: 2, terminated: true }]));
    env.reset();
    env.step(0);
    env.reset();
    env.step(0);
    expect(env.step(0).info['episode']).toEqual({ return: 3, length: 2 });
  });

  it('leaves the inner info object alone and returns copies of the queues', () => {
    const info = Object.freeze({ inner: true });
    const inner = new ScriptedEnv([{ reward: 1, terminated: true }]);
    const original = inner.step.bind(inner);
    inner.step = (action) => ({ ...original(action), info });
    const env = new RecordEpisodeStatistics(inner);
    env.reset();
    expect(env.step(0).info).toEqual({ inner: true, episode: { return: 1, length: 1 } });
    expect(info).toEqual({ inner: true });
    env.returnQueue.push(99);
    expect(env.returnQueue).toEqual([1]);
  });

  it('refuses to overwrite an episode key of the inner info (wrapped twice)', () => {
    const env = new RecordEpisodeStatistics(new RecordEpisodeStatistics(new ScriptedEnv([{ reward: 1, terminated: true }])));
    env.reset();
    expect(() => env.step(0)).toThrow(/RecordEpisodeStatistics: info already has an "episode" key/);
  });

  it('rejects a bufferLength that is not a positive integer', () => {
    for (const bufferLength of [0, -1, 1.5, NaN]) {
      expect(() => new RecordEpisodeStatistics(new CorridorEnv(), { bufferLength })).toThrow(
        new RangeError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${bufferLength}`),
      );
    }
  });
});
