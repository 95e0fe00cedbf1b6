import { describe, expect, it } from 'vitest';
import type { TabularModel, TabularOutcome } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { actionValue, greedyPolicy, qFromV } from './greedy-policy.js';

/**
 * Two non-terminal states and a terminal one. In state 0, action 0 pays 1 and ends the episode;
 * action 1 pays 0 and moves to state 1 or stays, 1/2 each. In state 1 both actions pay 2 and end.
 */
const twoStates: TabularModel = {
  numStates: 3,
  numActions: 2,
  transitions(state: number, action: number): readonly TabularOutcome[] {
    if (state === 2) return [];
    if (state === 1) return [{ probability: 1, nextState: 2, reward: 2, terminated: true }];
    return action === 0
      ? [{ probability: 1, nextState: 2, reward: 1, terminated: true }]
      : [
          { probability: 0.5, nextState: 1, reward: 0, terminated: false },
          { probability: 0.5, nextState: 0, reward: 0, terminated: false },
        ];
  },
  isTerminal: (state) => state === 2,
};

describe('qFromV and greedyPolicy', () => {
  it('compute the one-step lookahead q(s, a) = Σ p·[r + γ·V(s′)] by hand', () => {
    const values = [1.5, 2, 99]; // V(terminal) is never read: terminated outcomes add no γ·V
    // q(0, 1) = 0.5·(0 + 0.8·2) + 0.5·(0 + 0.8·1.5) = 0.8 + 0.6 = 1.4
    expect(Array.from(qFromV(twoStates, values, 0.8))).toEqual([1, 1.4000000000000001, 2, 2, 0, 0]);
    expect(actionValue(twoStates, values, 0.8, 0, 1)).toBeCloseTo(1.4, 15);
    expect(Array.from(greedyPolicy(twoStates, values, 0.8))).toEqual([1, 0, 0]);
    expect(Array.from(greedyPolicy(twoStates, values, 0.5))).toEqual([0, 0, 0]); // q(0, 1) = 0.875 < 1
  });

  it('break ties, up to rounding, towards the lowest action', () => {
    // q(0, 1) = 0.5·0.5·2 + 0.5·0.5·2 = 1 = q(0, 0) exactly with V = [2, 2, 0] and γ = 0.5
    expect(Array.from(greedyPolicy(twoStates, [2, 2, 0], 0.5))).toEqual([0, 0, 0]);
    expect(Array.from(greedyPolicy(twoStates, [2 + 1e-12, 2, 0], 0.5))).toEqual([0, 0, 0]);
    expect(Array.from(greedyPolicy(twoStates, [2 + 1e-12, 2, 0], 0.5, { tolerance: 0 }))).toEqual([1, 0, 0]);
  });

  it('walk GridWorld towards the goal from the optimal values', () => {
    const env = new GridWorld();
    // V*(s) = 0.9^(moves to the goal − 1); see value-iteration.test.ts
    const values = [0.81, 0.9, 1, 0, 0.729, 0, 0.9, 0, 0.6561, 0.729, 0.81, 0.729];
    const policy = greedyPolicy(env, values, 0.9);
    const [UP, LEFT, RIGHT] = [0, 2, 3];
    expect([policy[0], policy[1], policy[2], policy[4], policy[6], policy[9], policy[10], policy[11]]).toEqual([
      RIGHT, RIGHT, RIGHT, UP, UP, RIGHT, UP, LEFT,
    ]);
    expect(policy[8]).toBe(UP); // up and right tie at 0.9^4; the lowest action wins
  });

  it('reject values of the wrong length, a bad gamma or tolerance', () => {
    expect(() => qFromV(twoStates, [0, 0], 0.9)).toThrow(new RangeError('qFromV: values has length 2, expected 3 (numStates)'));
    expect(() => greedyPolicy(twoStates, [0, 0, 0], 1.5)).toThrow(new RangeError('greedyPolicy: gamma must be in [0, 1], got 1.5'));
    expect(() => greedyPolicy(twoStates, [0, 0, 0], 0.9, { tolerance: -1 })).toThrow(
      new RangeError('greedyPolicy: tolerance must be a finite number >= 0, got -1'),
    );
    expect(() => qFromV({} as TabularModel, [], 0.9)).toThrow(TypeError);
  });
});
