import { describe, expect, it } from 'vitest';
import { CliffWalking, FrozenLake, GridWorld } from '@tfrl/envs';
import { policyIteration } from './policy-iteration.js';
import { valueIteration } from './value-iteration.js';

describe('policyIteration', () => {
  it.each([
    ['GridWorld', () => new GridWorld(), 0.9],
    ['GridWorld, slip 0.2', () => new GridWorld({ slip: 0.2 }), 0.9],
    ['FrozenLake 4×4', () => new FrozenLake(), 0.99],
    // γ < 1: with γ = 1 evaluating the first (uniform random) policy of CliffWalking takes over 10 000 sweeps
    ['CliffWalking', () => new CliffWalking(), 0.9],
  ] as const)('agrees with value iteration on %s: values within 1e-6, same greedy actions', (_name, make, gamma) => {
    const env = make();
    const byPolicy = policyIteration(env, { gamma });
    const byValue = valueIteration(env, { gamma });
    for (let s = 0; s < env.numStates; s++) expect(Math.abs(byPolicy.values[s]! - byValue.values[s]!)).toBeLessThan(1e-6);
    const wall = env instanceof GridWorld ? env.wall : -1;
    const live = Array.from({ length: env.numStates }, (_, s) => s).filter((s) => !env.isTerminal(s) && s !== wall);
    expect(live.map((s) => byPolicy.policy[s])).toEqual(live.map((s) => byValue.policy[s]));
  });

  it('needs only a few improvement rounds (Sutton & Barto: it converges in surprisingly few)', () => {
    expect(policyIteration(new GridWorld(), { gamma: 0.9 }).iterations).toBeLessThanOrEqual(5);
  });

  it('rejects bad options', () => {
    expect(() => policyIteration(new GridWorld(), { maxIterations: 0 })).toThrow(
      new RangeError('policyIteration: maxIterations must be an integer >= 1, got 0'),
    );
  });
});
