import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, resetEpisode } from './internal/discrete-env.js';
import { resolveControlConfig, resolveNSteps } from './internal/resolve-config.js';
import { QTable } from './q-table.js';
import type { NStepConfig, TabularControlConfig, TabularControlResult } from './tabular-config.js';

/** Configuration of {@link nStepSarsa}. */
export interface NStepSarsaConfig extends TabularControlConfig, NStepConfig {}

/**
 * n-step SARSA (Sutton & Barto §7.2), acting ε-greedily on Q. At time τ = t − n + 1, with T the
 * episode's end, G = Σ_{i=τ+1}^{min(τ+n, T)} γ^{i−τ−1}·R_i  (+ γ^n·Q(S_{τ+n}, A_{τ+n}) if τ + n < T),
 * Q(S_τ, A_τ) ← Q(S_τ, A_τ) + α·[G − Q(S_τ, A_τ)]. A truncated episode also bootstraps from its
 * last state: G += γ^{T−τ}·Q(S_T, A_T). With n = 1 this is {@link sarsa}, update for update.
 */
export function nStepSarsa(env: Env<number, number>, config: NStepSarsaConfig = {}): TabularControlResult {
  const fn = 'nStepSarsa';
  const { numStates, numActions } = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode, epsilonAt } = resolveControlConfig(fn, config);
  const n = resolveNSteps(fn, config);
  const rng = Rng.fromSeed(seed);
  const q = new QTable(numStates, numActions);
  // S_t, A_t and R_t live at index t mod (n + 1).
  const size = n + 1;
  const states = new Int32Array(size);
  const actions = new Int32Array(size);
  const rewards = new Float64Array(size);
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    const epsilon = epsilonAt(episode);
    states[0] = resetEpisode(env, rng, episode);
    actions[0] = q.epsilonGreedy(states[0], epsilon, rng);
    let T = Infinity;
    let bootstrapAtEnd = false; // truncated: Q(S_T, A_T) still counts
    for (let t = 0; ; t++) {
      if (t < T) {
        const { observation, reward, terminated, truncated } = env.step(actions[t % size]!);
        states[(t + 1) % size] = observation;
        rewards[(t + 1) % size] = reward;
        episodeReturns[episode] += reward;
        // A_{t+1} is drawn even on truncation, to bootstrap from Q(S_T, A_T).
        if (!terminated) actions[(t + 1) % size] = q.epsilonGreedy(observation, epsilon, rng);
        if (terminated || truncated || t + 1 === maxStepsPerEpisode) {
          T = t + 1;
          bootstrapAtEnd = !terminated;
        }
      }
      const tau = t - n + 1;
      if (tau >= 0) {
        const end = Math.min(tau + n, T);
        let G = 0;
        for (let i = tau + 1; i <= end; i++) G += Math.pow(gamma, i - tau - 1) * rewards[i % size]!;
        if (end < T || bootstrapAtEnd) G += Math.pow(gamma, end - tau) * q.get(states[end % size]!, actions[end % size]!);
        const s = states[tau % size]!;
        const a = actions[tau % size]!;
        q.set(s, a, q.get(s, a) + alpha * (G - q.get(s, a)));
      }
      if (tau === T - 1) break;
    }
    episodeLengths[episode] = T;
  }
  return { q, episodeReturns, episodeLengths };
}
