import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, policySampler, resetEpisode } from './internal/discrete-env.js';
import { resolveLearningConfig, resolveNSteps } from './internal/resolve-config.js';
import type { NStepConfig, TabularLearningConfig, TabularPolicy, TabularPredictionResult } from './tabular-config.js';

/** Configuration of {@link nStepTdPrediction}. */
export interface NStepTdPredictionConfig extends TabularLearningConfig, NStepConfig {}

/**
 * n-step TD prediction of V_π (Sutton & Barto §7.1). At time τ = t − n + 1, with T the episode's end,
 * G = Σ_{i=τ+1}^{min(τ+n, T)} γ^{i−τ−1}·R_i  (+ γ^n·V(S_{τ+n}) if τ + n < T),
 * V(S_τ) ← V(S_τ) + α·[G − V(S_τ)]. A truncated episode also bootstraps from its last state:
 * G += γ^{T−τ}·V(S_T). With n = 1 this is {@link td0Prediction}, update for update.
 */
export function nStepTdPrediction(env: Env<number, number>, policy: TabularPolicy, config: NStepTdPredictionConfig = {}): TabularPredictionResult {
  const fn = 'nStepTdPrediction';
  const sizes = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode } = resolveLearningConfig(fn, config);
  const n = resolveNSteps(fn, config);
  const rng = Rng.fromSeed(seed);
  const sampleAction = policySampler(fn, policy, sizes, rng);
  const values = new Float64Array(sizes.numStates); // [numStates]
  // S_t and R_t live at index t mod (n + 1): the last n + 1 states and n rewards are all an update needs.
  const size = n + 1;
  const states = new Int32Array(size);
  const rewards = new Float64Array(size);
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    states[0] = resetEpisode(env, rng, episode);
    let T = Infinity;
    let bootstrapAtEnd = false; // truncated: V(S_T) still counts
    for (let t = 0; ; t++) {
      if (t < T) {
        const { observation, reward, terminated, truncated } = env.step(sampleAction(states[t % size]!));
        states[(t + 1) % size] = observation;
        rewards[(t + 1) % size] = reward;
        episodeReturns[episode] += reward;
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
        if (end < T || bootstrapAtEnd) G += Math.pow(gamma, end - tau) * values[states[end % size]!]!;
        const s = states[tau % size]!;
        values[s] = values[s]! + alpha * (G - values[s]!);
      }
      if (tau === T - 1) break;
    }
    episodeLengths[episode] = T;
  }
  return { values, episodeReturns, episodeLengths };
}
