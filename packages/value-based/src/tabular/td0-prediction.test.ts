import { describe, expect, it } from 'vitest';
import { Rng } from '@tfrl/core';
import { FrozenLake, GridWorld } from '@tfrl/envs';
import { policyEvaluation, uniformRandomPolicy } from './policy-evaluation.js';
import { QTable } from './q-table.js';
import { td0Prediction } from './td0-prediction.js';

const rms = (values: ArrayLike<number>, truth: ArrayLike<number>, states: readonly number[]): number =>
  Math.sqrt(states.reduce((sum, s) => sum + (values[s]! - truth[s]!) ** 2, 0) / states.length);

/**
 * Sutton & Barto Example 6.2's random walk as a one-row FrozenLake: hole (0), A..E (1..5, start C = 3),
 * goal (6) paying 1; left/right with probability 1/2 each (actions 0 left, 2 right).
 */
const randomWalk = () => new FrozenLake({ desc: ['HFFSFFG'], isSlippery: false });
const leftOrRight = new Float64Array(7 * 4);
for (let s = 0; s < 7; s++) leftOrRight.set([0.5, 0, 0.5, 0], s * 4);
const TRUE_VALUES = [0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 0];
const WALK_STATES = [1, 2, 3, 4, 5];

describe('td0Prediction', () => {
  it('estimates the random walk\'s values 1/6 … 5/6 (Sutton & Barto Example 6.2)', () => {
    for (const seed of [0, 1, 2]) {
      const { values } = td0Prediction(randomWalk(), leftOrRight, { gamma: 1, alpha: 0.05, episodes: 300, seed });
      expect(rms(values, TRUE_VALUES, WALK_STATES)).toBeLessThan(0.1);
    }
    // and so does policy evaluation on the same model
    const planned = policyEvaluation(randomWalk(), leftOrRight, { gamma: 1 });
    expect(rms(planned, TRUE_VALUES, WALK_STATES)).toBeLessThan(1e-8);
  });

  it('approaches iterative policy evaluation on GridWorld under the uniform random policy', () => {
    const env = new GridWorld();
    const truth = policyEvaluation(env, uniformRandomPolicy(env), { gamma: 0.9 });
    const { values } = td0Prediction(env, uniformRandomPolicy(env), { gamma: 0.9, alpha: 0.02, episodes: 3000, seed: 0 });
    expect(rms(values, truth, [0, 1, 2, 4, 6, 8, 9, 10, 11])).toBeLessThan(0.05);
  });

  it('accepts any core Policy, asked for stochastic actions', () => {
    const q = new QTable(7, 4);
    const policy = q.toPolicy({ epsilon: 1, rng: Rng.fromSeed(5) }); // uniform over all four actions
    const { values, episodeLengths } = td0Prediction(randomWalk(), policy, { gamma: 1, alpha: 0.05, episodes: 300 });
    // down and up stay put, so the walk is slower but its values are the same
    expect(rms(values, TRUE_VALUES, WALK_STATES)).toBeLessThan(0.1);
    expect(episodeLengths.every((n) => n >= 3)).toBe(true);
  });

  it('rejects a bad policy table or a policy acting outside the action space', () => {
    expect(() => td0Prediction(randomWalk(), new Float64Array(4))).toThrow(
      new RangeError('td0Prediction: policy has length 4, expected 28 (numStates × numActions)'),
    );
    expect(() => td0Prediction(randomWalk(), { act: () => 4 })).toThrow(
      new RangeError('td0Prediction: policy.act(3) returned 4, not an action in [0, 3]'),
    );
    expect(() => td0Prediction(randomWalk(), 'random' as never)).toThrow(TypeError);
  });
});
