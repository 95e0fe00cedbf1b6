import { describe, expect, it } from 'vitest';
import { Discrete, Rng, type Env, type ResetOptions, type StepResult } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { nStepTdPrediction } from './n-step-td-prediction.js';
import { uniformRandomPolicy } from './policy-evaluation.js';
import { td0Prediction } from './td0-prediction.js';

/**
 * Sutton & Barto Example 6.2: states 1..5 (A..E) between two terminal states 0 and 6, start C = 3.
 * The one action moves left or right with probability 1/2; reaching 6 pays 1, everything else 0.
 */
class RandomWalk implements Env<number, number> {
  readonly observationSpace = new Discrete(7);
  readonly actionSpace = new Discrete(1);
  private rng = Rng.fromSeed(0);
  private state = 3;
  reset(options?: ResetOptions) {
    if (options?.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    this.state = 3;
    return { observation: 3, info: {} };
  }
  step(): StepResult<number> {
    this.state += this.rng.uniform() < 0.5 ? -1 : 1;
    const terminated = this.state === 0 || this.state === 6;
    return { observation: this.state, reward: this.state === 6 ? 1 : 0, terminated, truncated: false, info: {} };
  }
}

const ALWAYS = new Float64Array(7).fill(1); // π(only action | s) = 1
const TRUE_VALUES = [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6];
const rmsError = (values: Float64Array): number =>
  Math.sqrt(TRUE_VALUES.reduce((sum, v, i) => sum + (values[i + 1]! - v) ** 2, 0) / TRUE_VALUES.length);

describe('nStepTdPrediction', () => {
  it('with n = 1 is TD(0), update for update, for the same seed', () => {
    for (const [env, policy] of [
      [() => new RandomWalk(), ALWAYS],
      [() => new GridWorld({ slip: 0.2 }), uniformRandomPolicy(new GridWorld())],
    ] as const) {
      const config = { gamma: 0.9, alpha: 0.3, episodes: 50, seed: 11, maxStepsPerEpisode: 7 };
      const nStep = nStepTdPrediction(env(), policy, { ...config, n: 1 });
      const td0 = td0Prediction(env(), policy, config);
      expect(Array.from(nStep.values)).toEqual(Array.from(td0.values));
      expect(Array.from(nStep.episodeLengths)).toEqual(Array.from(td0.episodeLengths));
      expect(Array.from(nStep.episodeReturns)).toEqual(Array.from(td0.episodeReturns));
    }
  });

  // Larger n means noisier targets, so a smaller α (Sutton & Barto Figure 7.2: the best α falls as n grows).
  it.each([
    [1, 0.05],
    [2, 0.05],
    [4, 0.02],
    [8, 0.02],
  ])('learns the random walk\'s values 1/6 … 5/6 with n = %i, α = %s (RMS error < 0.1)', (n, alpha) => {
    for (const seed of [0, 1, 2]) {
      const { values } = nStepTdPrediction(new RandomWalk(), ALWAYS, { n, gamma: 1, alpha, episodes: 500, seed });
      expect(rmsError(values)).toBeLessThan(0.1);
    }
  });

  it('with n past the episode\'s length is every-visit Monte Carlo: the target is the whole return', () => {
    // From C, the walk's shortest episode takes 3 steps; with n = 1000 every target is the episode's outcome.
    // With α = 1 each visited state then holds the outcome, 0 or 1.
    for (const seed of [3, 4, 5, 6]) {
      const { values, episodeReturns } = nStepTdPrediction(new RandomWalk(), ALWAYS, { n: 1000, gamma: 1, alpha: 1, episodes: 1, seed });
      expect(values[3]).toBe(episodeReturns[0]);
      for (let s = 1; s <= 5; s++) expect([0, episodeReturns[0]]).toContain(values[s]);
    }
  });
});
