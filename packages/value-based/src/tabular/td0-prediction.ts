import { Rng, type Env } from '@tfrl/core';
import { checkDiscreteEnv, policySampler, resetEpisode } from './internal/discrete-env.js';
import { resolveLearningConfig } from './internal/resolve-config.js';
import type { TabularLearningConfig, TabularPolicy, TabularPredictionResult } from './tabular-config.js';

/**
 * Tabular TD(0) prediction of V_π (Sutton & Barto §6.1). Following π, after each step
 * V(S) ← V(S) + α·[R + γ·(1 − terminated)·V(S') − V(S)].
 * `policy` is a [numStates × numActions] table of π(a|s), sampled with the run's Rng, or any
 * core Policy (asked with `deterministic: false`).
 */
export function td0Prediction(env: Env<number, number>, policy: TabularPolicy, config: TabularLearningConfig = {}): TabularPredictionResult {
  const fn = 'td0Prediction';
  const sizes = checkDiscreteEnv(fn, env);
  const { alpha, gamma, episodes, seed, maxStepsPerEpisode } = resolveLearningConfig(fn, config);
  const rng = Rng.fromSeed(seed);
  const sampleAction = policySampler(fn, policy, sizes, rng);
  const values = new Float64Array(sizes.numStates); // [numStates]
  const episodeReturns = new Float64Array(episodes);
  const episodeLengths = new Int32Array(episodes);

  for (let episode = 0; episode < episodes; episode++) {
    let state = resetEpisode(env, rng, episode);
    for (let t = 1; ; t++) {
      const { observation: nextState, reward, terminated, truncated } = env.step(sampleAction(state));
      // Bootstrap on truncated, never on terminated.
      const target = reward + (terminated ? 0 : gamma * values[nextState]!);
      values[state] = values[state]! + alpha * (target - values[state]!);
      episodeReturns[episode] += reward;
      if (terminated || truncated || t === maxStepsPerEpisode) {
        episodeLengths[episode] = t;
        break;
      }
      state = nextState;
    }
  }
  return { values, episodeReturns, episodeLengths };
}
