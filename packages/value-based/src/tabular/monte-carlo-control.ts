import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, resetEpisode } from './internal/discrete-env.js';
import { resolveControlConfig } from './internal/resolve-config.js';
import { QTable } from './q-table.js';
import type { TabularControlConfig, TabularControlResult } from './tabular-config.js';

/** Configuration of {@link monteCarloControl}. */
export interface MonteCarloControlConfig extends TabularControlConfig {
  /**
   * Constant step size α in (0, 1] of Q(S, A) ← Q(S, A) + α·[G − Q(S, A)]; leave it unset (the
   * default) for the book's sample average of all first-visit returns, α = 1 / N(S, A).
   */
  readonly alpha?: number;
}

/**
 * On-policy first-visit Monte Carlo control for ε-soft policies (Sutton & Barto §5.4). Each
 * episode follows the ε-greedy policy of Q; then, backwards from its end with G ← γ·G + R_{t+1},
 * at the first visit of each (S_t, A_t): N(S_t, A_t) += 1 and
 * Q(S_t, A_t) ← Q(S_t, A_t) + [G − Q(S_t, A_t)] / N(S_t, A_t)  (the average of its returns).
 * A truncated episode starts G at the ε-greedy policy's value of its last state,
 * Σ_a π(a|S_T)·Q(S_T, a), since the episode would have gone on.
 */
export function monteCarloControl(env: Env<number, number>, config: MonteCarloControlConfig = {}): TabularControlResult {
  const fn = 'monteCarloControl';
  const { numStates, numActions } = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode, epsilonAt } = resolveControlConfig(fn, config);
  const sampleAverage = config.alpha === undefined;
  const rng = Rng.fromSeed(seed);
  const q = new QTable(numStates, numActions);
  const visits = new Float64Array(numStates * numActions); // [numStates × numActions], N(s, a)
  const firstVisit = new Int32Array(numStates * numActions).fill(-1); // [numStates × numActions], step of the first visit
  const probabilities = new Float64Array(numActions);
  const states: number[] = [];
  const actions: number[] = [];
  const rewards: number[] = []; // rewards[t] is R_{t+1}
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    const epsilon = epsilonAt(episode);
    states.length = actions.length = rewards.length = 0;
    let state = resetEpisode(env, rng, episode);
    let bootstrap = 0;
    for (let t = 0; ; t++) {
      const action = q.epsilonGreedy(state, epsilon, rng);
      const { observation: nextState, reward, terminated, truncated } = env.step(action);
      states.push(state);
      actions.push(action);
      rewards.push(reward);
      const pair = state * numActions + action;
      if (firstVisit[pair] === -1) firstVisit[pair] = t;
      if (terminated || truncated || t + 1 === maxStepsPerEpisode) {
        if (!terminated) {
          q.epsilonGreedyProbabilities(nextState, epsilon, probabilities);
          for (let a = 0; a < numActions; a++) bootstrap += probabilities[a]! * q.get(nextState, a);
        }
        break;
      }
      state = nextState;
    }

    let G = bootstrap;
    for (let t = states.length - 1; t >= 0; t--) {
      G = gamma * G + rewards[t]!;
      const pair = states[t]! * numActions + actions[t]!;
      if (firstVisit[pair] !== t) continue;
      firstVisit[pair] = -1; // ready for the next episode
      visits[pair]++;
      const stepSize = sampleAverage ? 1 / visits[pair]! : alpha;
      q.values[pair] = q.values[pair]! + stepSize * (G - q.values[pair]!);
    }
    for (const reward of rewards) episodeReturns[episode] += reward;
    episodeLengths[episode] = states.length;
  }
  return { q, episodeReturns, episodeLengths };
}
