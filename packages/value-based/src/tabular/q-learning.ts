import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, resetEpisode } from './internal/discrete-env.js';
import { resolveControlConfig } from './internal/resolve-config.js';
import { QTable } from './q-table.js';
import type { TabularControlConfig, TabularControlResult } from './tabular-config.js';

/**
 * Q-learning, off-policy TD control (Sutton & Barto §6.5). Acting ε-greedily on Q, after each step
 * Q(S, A) ← Q(S, A) + α·[R + γ·(1 − terminated)·max_a Q(S', a) − Q(S, A)].
 * It learns the greedy policy's values whatever it explores with: on CliffWalking it learns the
 * path along the edge and keeps falling off while exploring (Figure 6.4).
 */
export function qLearning(env: Env<number, number>, config: TabularControlConfig = {}): TabularControlResult {
  const fn = 'qLearning';
  const { numStates, numActions } = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode, epsilonAt } = resolveControlConfig(fn, config);
  const rng = Rng.fromSeed(seed);
  const q = new QTable(numStates, numActions);
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    const epsilon = epsilonAt(episode);
    let state = resetEpisode(env, rng, episode);
    for (let t = 1; ; t++) {
      const action = q.epsilonGreedy(state, epsilon, rng);
      const { observation: nextState, reward, terminated, truncated } = env.step(action);
      // Bootstrap on truncated, never on terminated: a time limit does not end the MDP.
      const target = reward + (terminated ? 0 : gamma * q.max(nextState));
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
