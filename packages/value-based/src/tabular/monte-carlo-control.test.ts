import { describe, expect, it } from 'vitest';
import { Discrete, type Env, type StepResult } from '@tfrl/core';
import { FrozenLake } from '@tfrl/envs';
import { monteCarloControl } from './monte-carlo-control.js';
import { valueIteration } from './value-iteration.js';

/** One state and action, reward 1 a step, terminating after two steps: the state is visited twice an episode. */
class TwoStepLoop implements Env<number, number> {
  readonly observationSpace = new Discrete(1);
  readonly actionSpace = new Discrete(1);
  private t = 0;
  reset() {
    this.t = 0;
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    this.t++;
    return { observation: 0, reward: 1, terminated: this.t === 2, truncated: false, info: {} };
  }
}

describe('monteCarloControl', () => {
  it('averages first visits only: Q = G_0 = 2, not the every-visit mean (2 + 1) / 2', () => {
    const { q, episodeReturns, episodeLengths } = monteCarloControl(new TwoStepLoop(), { gamma: 1, episodes: 5 });
    expect(q.get(0, 0)).toBe(2);
    expect(Array.from(episodeReturns)).toEqual([2, 2, 2, 2, 2]);
    expect(Array.from(episodeLengths)).toEqual([2, 2, 2, 2, 2]);
  });

  it('learns a good policy on non-slippery FrozenLake 4×4, where only the goal pays', () => {
    const env = new FrozenLake({ isSlippery: false });
    const { q } = monteCarloControl(env, { gamma: 0.9, epsilon: 0.2, episodes: 2000, seed: 0 });
    expect(valueIteration(env, { gamma: 0.9 }).values[0]).toBeCloseTo(0.9 ** 5, 10); // the shortest route takes six moves
    // the greedy policy of the learned Q walks from the start to the goal
    let state = env.reset({ seed: 0 }).observation;
    let reward = 0;
    for (let t = 0; t < 20 && !env.isTerminal(state); t++) ({ observation: state, reward } = env.step(q.argmax(state)));
    expect([state, reward]).toEqual([15, 1]);
  });
});
