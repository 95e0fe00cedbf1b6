// The control methods learn GridWorld's optimal policy (γ = 0.9), as value iteration plans it.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, linearSchedule } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { expectedSarsa } from './expected-sarsa.js';
import { qFromV } from './greedy-policy.js';
import { monteCarloControl } from './monte-carlo-control.js';
import { nStepSarsa } from './n-step-sarsa.js';
import { qLearning } from './q-learning.js';
import type { QTable } from './q-table.js';
import { sarsa } from './sarsa.js';
import { valueIteration } from './value-iteration.js';

const env = new GridWorld();
const GAMMA = 0.9;
const planned = valueIteration(env, { gamma: GAMMA });
const plannedQ = qFromV(env, planned.values, GAMMA);
/** Every state an episode can be in: not terminal, not the wall. */
const LIVE = [0, 1, 2, 4, 6, 8, 9, 10, 11];

/** The optimal actions of a state: those whose planned q is the best (up and right tie in the start state). */
function optimalActions(state: number): number[] {
  const row = Array.from(plannedQ.subarray(state * 4, state * 4 + 4));
  const best = Math.max(...row);
  return row.flatMap((q, action) => (q > best - 1e-9 ? [action] : []));
}

/** The learned greedy action (ties to the lowest) is optimal in each of `states`; where only one action is, it is value iteration's. */
function expectOptimalIn(q: QTable, states: readonly number[]): void {
  for (const state of states) {
    expect({ state, optimal: optimalActions(state).includes(q.argmax(state)) }).toEqual({ state, optimal: true });
    if (optimalActions(state).length === 1) expect(q.argmax(state)).toBe(planned.policy[state]);
  }
}

/** The states the greedy policy of `q` visits from the start, up to the goal (or 20 steps). */
function greedyPath(q: QTable): number[] {
  const path = [env.start];
  for (let state = env.start; !env.isTerminal(state) && path.length <= 20; ) {
    state = env.transitions(state, q.argmax(state))[0]!.nextState;
    path.push(state);
  }
  return path;
}

describe('control on GridWorld (γ = 0.9)', () => {
  it('has one tie: from the start, up and right are both five moves from the goal', () => {
    expect(LIVE.filter((s) => optimalActions(s).length > 1)).toEqual([env.start]);
    expect(optimalActions(env.start)).toEqual([0, 3]);
  });

  // Exploration that fades (GLIE): ε from 1 down to 0.05 over the run.
  const config = { gamma: GAMMA, alpha: 0.5, epsilon: linearSchedule({ start: 1, end: 0.05 }), episodes: 1000 };

  it('Q-learning learns value iteration\'s greedy action in every reachable state', () => {
    // Off-policy, it learns optimal values even for states its late, greedy behaviour rarely visits.
    for (const seed of [0, 1, 2]) expectOptimalIn(qLearning(new GridWorld(), { ...config, seed }).q, LIVE);
  });

  it.each([
    ['Q-learning', qLearning],
    ['SARSA', sarsa],
    ['Expected SARSA', expectedSarsa],
    ['4-step SARSA', nStepSarsa],
  ] as const)('%s learns value iteration\'s greedy action in every state its greedy policy reaches', (_name, learn) => {
    // On-policy methods learn the values of what they do: once ε is small, the states off the
    // greedy route (9 and 11) are rarely visited and keep the values of the early, exploratory
    // policy, so only the states the greedy policy reaches are compared.
    for (const seed of [0, 1, 2]) {
      const { q } = learn(new GridWorld(), { ...config, seed });
      const path = greedyPath(q);
      expect(path).toHaveLength(6); // five moves, the shortest route
      expect(path.at(-1)).toBe(env.goal);
      expectOptimalIn(q, path.slice(0, -1));
    }
  });

  it('Monte Carlo control (ε-soft, first visit) walks greedily from the start to the goal', () => {
    for (const seed of [0, 1, 2]) {
      const { q, episodeReturns } = monteCarloControl(new GridWorld(), { gamma: GAMMA, epsilon: 0.1, episodes: 1000, seed });
      const result = evaluatePolicy(new GridWorld(), q.toPolicy(), { episodes: 1, maxStepsPerEpisode: 50, onStepLimit: 'truncate' });
      expect(result.returns).toEqual([1]);
      expect(result.lengths[0]).toBe(5); // the shortest route
      const late = episodeReturns.subarray(900).reduce((a, b) => a + b, 0) / 100;
      expect(late).toBeGreaterThan(0.8); // ε-greedy still reaches the goal nearly every time
    }
  });
});
