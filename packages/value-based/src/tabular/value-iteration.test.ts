import { describe, expect, it } from 'vitest';
import { CliffWalking, FrozenLake, GridWorld } from '@tfrl/envs';
import { valueIteration } from './value-iteration.js';

describe('valueIteration', () => {
  it('finds GridWorld\'s V*(s) = 0.9^(moves to the goal − 1) and the greedy path', () => {
    const env = new GridWorld();
    const { values, policy, iterations } = valueIteration(env, { gamma: 0.9 });
    const expected = [0.81, 0.9, 1, 0, 0.729, /* wall */ 0, 0.9, 0, 0.6561, 0.729, 0.81, 0.729];
    for (let s = 0; s < 12; s++) if (s !== env.wall) expect(values[s]).toBeCloseTo(expected[s]!, 12);
    expect(iterations).toBe(4); // in-place sweeps in state order carry the goal's value several cells per sweep
    const [UP, , LEFT, RIGHT] = [0, 1, 2, 3];
    expect(Array.from(policy)).toEqual([RIGHT, RIGHT, RIGHT, 0, UP, policy[5], UP, 0, UP, RIGHT, UP, LEFT]);
  });

  it('gives FrozenLake 4×4 (slippery, γ = 0.99) a start value of about 0.542', () => {
    const { values } = valueIteration(new FrozenLake(), { gamma: 0.99 });
    expect(values[0]).toBeCloseTo(0.542, 3);
    expect([5, 7, 11, 12, 15].map((s) => values[s])).toEqual([0, 0, 0, 0, 0]);
  });

  it('walks CliffWalking along the edge for −13 (γ = 1)', () => {
    const env = new CliffWalking();
    const { values, policy } = valueIteration(env, { gamma: 1 });
    expect(values[env.start]).toBe(-13);
    env.reset({ seed: 0 });
    let state = env.start;
    let total = 0;
    for (let t = 0; t < 20 && state !== env.goal; t++) {
      const step = env.step(policy[state]!);
      total += step.reward;
      state = step.observation;
    }
    expect([state, total]).toEqual([env.goal, -13]);
  });

  it('throws when it does not converge, and on bad options', () => {
    expect(() => valueIteration(new FrozenLake(), { gamma: 0.99, maxIterations: 10 })).toThrow(
      /^valueIteration: did not converge within 10 sweeps \(last change [0-9.e-]+\)$/,
    );
    expect(() => valueIteration(new GridWorld(), { gamma: 2 })).toThrow(new RangeError('valueIteration: gamma must be in [0, 1], got 2'));
    expect(() => valueIteration(new GridWorld(), { theta: NaN })).toThrow(new RangeError('valueIteration: theta must be a finite number > 0, got NaN'));
  });
});
