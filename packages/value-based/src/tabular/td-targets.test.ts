// What each one-step TD control method bootstraps from: SARSA the next action it takes,
// Expected SARSA the average over its ε-greedy policy, Q-learning the best next action.
import { describe, expect, it } from 'vitest';
import { Discrete, type Env, type StepResult } from '@tfrl/core';
import { CliffWalking } from '@tfrl/envs';
import { expectedSarsa } from './expected-sarsa.js';
import { qLearning } from './q-learning.js';
import { sarsa } from './sarsa.js';

/** State 0: any action moves to state 1 for reward 0. State 1: action a ends the episode with reward a (0 or 1). */
class StepThenChoose implements Env<number, number> {
  readonly observationSpace = new Discrete(3);
  readonly actionSpace = new Discrete(2);
  private state = 0;
  reset() {
    this.state = 0;
    return { observation: 0, info: {} };
  }
  step(action: number): StepResult<number> {
    const from = this.state;
    this.state = from === 0 ? 1 : 2;
    return { observation: this.state, reward: from === 0 ? 0 : action, terminated: from === 1, truncated: false, info: {} };
  }
}

describe('one-step TD control targets (uniformly random behaviour, ε = 1)', () => {
  const config = { gamma: 1, alpha: 0.02, epsilon: 1, episodes: 3000, seed: 0 };

  it('Q-learning bootstraps from max_a Q(S′, a): Q(0, ·) → 1, the greedy policy\'s value', () => {
    const { q } = qLearning(new StepThenChoose(), config);
    expect(q.get(0, 0)).toBeCloseTo(1, 2);
    expect(q.get(0, 1)).toBeCloseTo(1, 2);
  });

  it('SARSA bootstraps from the sampled Q(S′, A′): Q(0, ·) → 0.5, the random policy\'s value', () => {
    const { q } = sarsa(new StepThenChoose(), config);
    expect(Math.abs(q.get(0, 0) - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(q.get(0, 1) - 0.5)).toBeLessThan(0.1);
  });

  it('Expected SARSA bootstraps from Σ_a π(a|S′)·Q(S′, a): Q(0, ·) → 0.5 with less noise than SARSA', () => {
    const expected = expectedSarsa(new StepThenChoose(), config).q;
    const sampled = sarsa(new StepThenChoose(), config).q;
    expect(Math.abs(expected.get(0, 0) - 0.5)).toBeLessThan(0.05);
    // Q(1, ·) ≈ [0, 1] in both, so Q(0, ·)'s noise is that of the target alone
    const error = (q: typeof expected) => Math.abs(q.get(0, 0) - 0.5) + Math.abs(q.get(0, 1) - 0.5);
    expect(error(expected)).toBeLessThan(error(sampled));
  });

  it('Expected SARSA with ε = 0 is Q-learning: the greedy policy\'s expectation is the max', () => {
    const a = expectedSarsa(new CliffWalking(), { gamma: 1, alpha: 0.5, epsilon: 0, episodes: 50, seed: 4 });
    const b = qLearning(new CliffWalking(), { gamma: 1, alpha: 0.5, epsilon: 0, episodes: 50, seed: 4 });
    expect(Array.from(a.episodeLengths)).toEqual(Array.from(b.episodeLengths));
    for (let i = 0; i < a.q.values.length; i++) expect(a.q.values[i]).toBeCloseTo(b.q.values[i]!, 9);
  });
});
