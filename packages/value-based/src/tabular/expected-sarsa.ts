import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, resetEpisode } from './internal/discrete-env.js';
import { resolveControlConfig } from './internal/resolve-config.js';
import { QTable } from './q-table.js';
import type { TabularControlConfig, TabularControlResult } from './tabular-config.js';

/**
 * Expected SARSA (Sutton & Barto §6.6): SARSA with the expectation over the ε-greedy policy π in
 * place of the sampled A',
 * Q(S, A) ← Q(S, A) + α·[R + γ·(1 − terminated)·Σ_a π(a|S')·Q(S', a) − Q(S, A)].
 * Removing the variance of A' lets it use larger α than SARSA; with ε = 0 it is Q-learning.
 */
export function expectedSarsa(env: Env<number, number>, config: TabularControlConfig = {}): TabularControlResult {
  const fn = 'expectedSarsa';
  const { numStates, numActions } = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode, epsilonAt } = resolveControlConfig(fn, config);
  const rng = Rng.fromSeed(seed);
  const q = new QTable(numStates, numActions);
  const probabilities = new Float64Array(numActions); // [numActions], π(·|S')
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    const epsilon = epsilonAt(episode);
    let state = resetEpisode(env, rng, episode);
    for (let t = 1; ; t++) {
      const action = q.epsilonGreedy(state, epsilon, rng);
      const { observation: nextState, reward, terminated, truncated } = env.step(action);
      let expected = 0;
      if (!terminated) {
        q.epsilonGreedyProbabilities(nextState, epsilon, probabilities);
        for (let a = 0; a < numActions; a++) expected += probabilities[a]! * q.get(nextState, a);
      }
      const target = reward + gamma * expected; // expected stays 0 on terminated
      q.set(state, action, q.get(state, action) + alpha * (target - q.get(state, action)));
      episodeReturns[episode] += reward;
      if (terminated || truncated || t === maxStepsPerEpisode) {
        episodeLengths[episode] = t;
        break;
      }
      state = nextState;
    }
  }
  return { q, episodeReturns, episodeLengths };
}
