import { describe, expect, it } from 'vitest';
import { CliffWalking, GridWorld } from '@tfrl/envs';
import { nStepSarsa } from './n-step-sarsa.js';
import { sarsa } from './sarsa.js';

describe('nStepSarsa', () => {
  it.each([
    ['CliffWalking', () => new CliffWalking(), { gamma: 1, alpha: 0.5, epsilon: 0.1, episodes: 100 }],
    ['slippery GridWorld, truncated at 6 steps', () => new GridWorld({ slip: 0.2 }), { gamma: 0.9, alpha: 0.5, epsilon: 0.2, episodes: 200, maxStepsPerEpisode: 6 }],
  ] as const)('with n = 1 is SARSA, update for update, on %s', (_name, make, config) => {
    for (const seed of [0, 1]) {
      const nStep = nStepSarsa(make(), { ...config, seed, n: 1 });
      const oneStep = sarsa(make(), { ...config, seed });
      expect(Array.from(nStep.q.values)).toEqual(Array.from(oneStep.q.values));
      expect(Array.from(nStep.episodeReturns)).toEqual(Array.from(oneStep.episodeReturns));
      expect(Array.from(nStep.episodeLengths)).toEqual(Array.from(oneStep.episodeLengths));
    }
  });

  it('spreads the first reward over the last n state-action pairs (Sutton & Barto Figure 7.4)', () => {
    // With ε = 1 the first episode's actions do not depend on Q, so every n walks the same path.
    const config = { gamma: 0.9, alpha: 0.5, epsilon: 1, episodes: 1 };
    const seed = Array.from({ length: 50 }, (_, s) => s).find((s) => sarsa(new GridWorld(), { ...config, seed: s }).episodeReturns[0] === 1)!;
    const rewarded = (n: number) => nStepSarsa(new GridWorld(), { ...config, seed, n }).q.values.filter((v) => v > 0).length;
    expect(rewarded(1)).toBe(1);
    expect(rewarded(4)).toBeGreaterThan(1);
    expect(rewarded(4)).toBeLessThanOrEqual(4);
    expect(rewarded(10)).toBeGreaterThan(rewarded(4));
  });
});
