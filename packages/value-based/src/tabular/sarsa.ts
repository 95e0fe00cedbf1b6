import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, resetEpisode } from './internal/discrete-env.js';
import { resolveControlConfig } from './internal/resolve-config.js';
import { QTable } from './q-table.js';
import type { TabularControlConfig, TabularControlResult } from './tabular-config.js';

/**
 * SARSA, on-policy TD control (Sutton & Barto §6.4). With A' drawn ε-greedily from Q in S',
 * Q(S, A) ← Q(S, A) + α·[R + γ·(1 − terminated)·Q(S', A') − Q(S, A)], then S, A ← S', A'.
 * It learns the values of the ε-greedy policy it follows, exploration included: on CliffWalking
 * it learns the safe path away from the edge (Figure 6.4).
 */
export function sarsa(env: Env<number, number>, config: TabularControlConfig = {}): TabularControlResult {
  const fn = 'sarsa';
  const { numStates, numActions } = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode, epsilonAt } = resolveControlConfig(fn, config);
  const rng = Rng.fromSeed(seed);
  const q = new QTable(numStates, numActions);
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    const epsilon = epsilonAt(episode);
    let state = resetEpisode(env, rng, episode);
    let action = q.epsilonGreedy(state, epsilon, rng);
    for (let t = 1; ; t++) {
      const { observation: nextState, reward, terminated, truncated } = env.step(action);
      // A' is drawn even on truncation: the cut-off state's value Q(S', A') is still bootstrapped.
      const nextAction = terminated ? 0 : q.epsilonGreedy(nextState, epsilon, rng);
      const target = reward + (terminated ? 0 : gamma * q.get(nextState, nextAction));
      q.set(state, action, q.get(state, action) + alpha * (target - q.get(state, action)));
      episodeReturns[episode] += reward;
      if (terminated || truncated || t === maxStepsPerEpisode) {
        episodeLengths[episode] = t;
        break;
      }
      state = nextState;
      action = nextAction;
    }
  }
  return { q, episodeReturns, episodeLengths };
}
