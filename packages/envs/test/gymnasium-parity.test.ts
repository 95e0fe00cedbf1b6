import { describe, expect, it } from 'vitest';
import { makeEnv } from '@tfrl/envs';
import { loadGymnasiumEpisodes, replayGymnasiumEpisode } from './gymnasium-fixtures.js';

// Golden transitions recorded from Gymnasium 1.4.0 (numpy 2.4): each episode, replayed from its
// recorded start state with its recorded actions, must give the same observations (1e-5),
// rewards (1e-6) and flags, and end at the same step.
const IDS = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1'] as const;

describe.each(IDS)('%s matches Gymnasium 1.4', (id) => {
  const episodes = loadGymnasiumEpisodes(id);

  it('has recorded episodes', () => {
    expect(episodes.length).toBeGreaterThan(0);
    expect(episodes.every((episode) => episode.env === id)).toBe(true);
  });

  it.each(episodes.map((episode) => [episode.seed, episode] as const))('episode of seed %i', (_seed, episode) => {
    const env = makeEnv(id);
    const report = replayGymnasiumEpisode(env, episode);
    expect(report.mismatches).toEqual([]);
    expect(report.steps).toBe(episode.steps.length);
    const last = episode.steps[episode.steps.length - 1]!;
    expect(last.terminated || last.truncated).toBe(true);
    // The env refuses to go on after the recorded end.
    const action = typeof last.action === 'number' ? last.action : Float32Array.from(last.action);
    expect(() => env.step(action as never)).toThrow(/reset/);
  });
});
