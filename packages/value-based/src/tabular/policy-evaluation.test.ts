import { describe, expect, it } from 'vitest';
import type { TabularModel, TabularOutcome } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { actionValue } from './greedy-policy.js';
import { policyEvaluation, uniformRandomPolicy } from './policy-evaluation.js';

/** One state that, whatever the action, pays 1 and ends with probability 1/2, else pays 0 and stays. */
const coinFlip: TabularModel = {
  numStates: 2,
  numActions: 1,
  transitions: (state: number): readonly TabularOutcome[] =>
    state === 1
      ? []
      : [
          { probability: 0.5, nextState: 1, reward: 1, terminated: true },
          { probability: 0.5, nextState: 0, reward: 0, terminated: false },
        ],
  isTerminal: (state) => state === 1,
};

/** One state whose only action costs 1 and stays, forever. */
const treadmill: TabularModel = {
  numStates: 1,
  numActions: 1,
  transitions: () => [{ probability: 1, nextState: 0, reward: -1, terminated: false }],
  isTerminal: () => false,
};

describe('policyEvaluation', () => {
  it('solves V = 0.5·1 + 0.5·γ·V by hand: V = 0.5 / (1 − 0.5γ)', () => {
    const values = policyEvaluation(coinFlip, new Float64Array([1, 1]), { gamma: 0.9, theta: 1e-14 });
    expect(values[0]).toBeCloseTo(0.5 / 0.55, 12);
    expect(values[1]).toBe(0);
    // γ = 1 still ends: the episode terminates with probability 1
    expect(policyEvaluation(coinFlip, new Float64Array([1, 1]), { gamma: 1, theta: 1e-14 })[0]).toBeCloseTo(1, 12);
  });

  it('values GridWorld under the uniform random policy: the goal side above the bomb side', () => {
    const env = new GridWorld();
    const policy = uniformRandomPolicy(env);
    const values = policyEvaluation(env, policy, { gamma: 0.9 });
    const [goalNeighbour, bombNeighbour] = [env.fromRowCol(0, 2), env.fromRowCol(1, 2)];
    expect(values[goalNeighbour]).toBeGreaterThan(0);
    expect(values[bombNeighbour]).toBeLessThan(0);
    expect(values[goalNeighbour]).toBeGreaterThan(values[bombNeighbour]!);
    expect(values[env.fromRowCol(2, 3)]).toBeLessThan(values[env.fromRowCol(2, 2)]!); // under the bomb is worse
    expect([values[env.goal], values[env.bomb]]).toEqual([0, 0]);
    // Bellman consistency: V(s) = Σ_a π(a|s) Σ p·[r + γ·V(s′)] in every state
    for (let state = 0; state < env.numStates; state++) {
      if (env.isTerminal(state)) continue;
      let backup = 0;
      for (let action = 0; action < env.numActions; action++) backup += 0.25 * actionValue(env, values, 0.9, state, action);
      expect(Math.abs(backup - values[state]!)).toBeLessThan(1e-9);
    }
  });

  it('warm starts from initialValues to the same fixed point', () => {
    const env = new GridWorld();
    const cold = policyEvaluation(env, uniformRandomPolicy(env), { gamma: 0.9, theta: 1e-13 });
    const warm = policyEvaluation(env, uniformRandomPolicy(env), { gamma: 0.9, theta: 1e-13, initialValues: new Float64Array(12).fill(5) });
    for (let s = 0; s < 12; s++) expect(warm[s]).toBeCloseTo(cold[s]!, 10);
  });

  it('throws when the sweeps do not converge, and on bad options or policies', () => {
    expect(() => policyEvaluation(treadmill, new Float64Array([1]), { gamma: 1, maxIterations: 50 })).toThrow(
      /^policyEvaluation: did not converge within 50 sweeps \(last change 1\); with gamma = 1 every policy considered must reach a terminal state$/,
    );
    const uniform = uniformRandomPolicy(coinFlip);
    expect(() => policyEvaluation(coinFlip, uniform, { gamma: -0.1 })).toThrow(new RangeError('policyEvaluation: gamma must be in [0, 1], got -0.1'));
    expect(() => policyEvaluation(coinFlip, uniform, { theta: 0 })).toThrow(new RangeError('policyEvaluation: theta must be a finite number > 0, got 0'));
    expect(() => policyEvaluation(coinFlip, uniform, { maxIterations: 1.5 })).toThrow(
      new RangeError('policyEvaluation: maxIterations must be an integer >= 1, got 1.5'),
    );
    expect(() => policyEvaluation(coinFlip, new Float64Array([1]))).toThrow(
      new RangeError('policyEvaluation: policy has length 1, expected 2 (numStates × numActions)'),
    );
    expect(() => policyEvaluation(coinFlip, new Float64Array([0.5, 1]))).toThrow(
      new RangeError('policyEvaluation: policy row of state 0 sums to 0.5, not 1'),
    );
    expect(() => policyEvaluation(coinFlip, uniform, { initialValues: [0] })).toThrow(
      new RangeError('policyEvaluation: initialValues has length 1, expected 2 (numStates)'),
    );
  });
});
