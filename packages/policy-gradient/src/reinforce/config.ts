import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck } from '../common/config-check.js';

/** Which return weights each step's log-probability. */
export type ReinforceReturnKind = 'episode' | 'reward-to-go';

/** What is subtracted from the return to reduce the variance of the gradient. */
export type ReinforceBaselineKind = 'none' | 'running-mean' | 'value';

/** How the running-mean baseline averages past returns. */
export type RunningMeanKind = 'exponential' | 'average';

/** Configuration of {@link Reinforce}. Every field is plain JSON (it goes into checkpoints). */
export interface ReinforceConfig {
  /** Seeds the agent's one Rng: weights, action sampling, env resets. */
  readonly seed: number;
  /**
   * `'episode'`: every step of an episode is weighted by the whole (discounted) return G_0
   * (Williams 1992, the textbook form); `'reward-to-go'`: step t by G_t = Σ_{k≥t} γ^{k−t} r_k
   * (causality: an action does not change the rewards before it).
   */
  readonly returnKind: ReinforceReturnKind;
  /**
   * `'none'`; `'running-mean'`: b = a running mean of the returns seen in earlier updates;
   * `'value'`: b = V(s_t) of a separate value network regressed (MSE) to G_t.
   */
  readonly baseline: ReinforceBaselineKind;
  /** Running mean kind: exponential moving average or the plain average of every return seen. */
  readonly runningMean: RunningMeanKind;
  /** Decay d of the exponential running mean: b ← d·b + (1 − d)·mean(batch returns). In [0, 1). */
  readonly runningMeanDecay: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Adam step size of the policy. */
  readonly learningRate: number;
  /** Adam step size of the value network (baseline 'value'). */
  readonly valueLearningRate: number;
  /** Gradient steps on the value network per update (the whole batch each time). */
  readonly valueGradientSteps: number;
  /** Adam's ε. */
  readonly adamEpsilon: number;
  /** Completed episodes per update (over all sub-envs; an update takes every episode completed by then). */
  readonly episodesPerUpdate: number;
  /** β of the entropy bonus −β·H(π(·|s)). */
  readonly entropyCoefficient: number;
  /** Scale the advantages of each batch to mean 0, standard deviation 1. */
  readonly normalizeAdvantages: boolean;
  /** Clip each network's global gradient norm to this value; null for no clipping. */
  readonly maxGradNorm: number | null;
  /** Hidden layer widths of the policy (and of the value network). */
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /** Initial log σ of a Gaussian policy (Box actions). */
  readonly logStdInit: number;
}

/**
 * Defaults that solve CartPole-v1 (deterministic evaluation mean ≥ 475) within 300k steps
 * (bench/reinforce.mjs): reward-to-go weighted by G_t − V(s_t) with a learned value baseline,
 * γ = 0.99, 64-64 tanh networks, Adam 2e-3 (policy) and 5e-3 (value, 5 steps per batch),
 * 4 episodes per update, normalised advantages, gradient norm clipped at 1.
 */
export const defaultReinforceConfig: ReinforceConfig = Object.freeze({
  seed: 0,
  returnKind: 'reward-to-go',
  baseline: 'value',
  runningMean: 'exponential',
  runningMeanDecay: 0.9,
  gamma: 0.99,
  learningRate: 2e-3,
  valueLearningRate: 5e-3,
  valueGradientSteps: 5,
  adamEpsilon: 1e-8,
  episodesPerUpdate: 4,
  entropyCoefficient: 0,
  normalizeAdvantages: true,
  maxGradNorm: 1,
  hiddenSizes: Object.freeze([64, 64]),
  activation: 'tanh',
  logStdInit: 0,
});

/** {@link defaultReinforceConfig} with `overrides`, validated: a RangeError names the first bad field. */
export function reinforceConfig(overrides: Partial<ReinforceConfig> = {}): ReinforceConfig {
  const config = { ...defaultReinforceConfig, ...overrides };
  const check = new ConfigCheck('ReinforceConfig');
  check.seed(config.seed);
  check.oneOf('returnKind', config.returnKind, ['episode', 'reward-to-go']);
  check.oneOf('baseline', config.baseline, ['none', 'running-mean', 'value']);
  check.oneOf('runningMean', config.runningMean, ['exponential', 'average']);
  if (!(config.runningMeanDecay >= 0 && config.runningMeanDecay < 1)) check.fail('runningMeanDecay', 'in [0, 1)', config.runningMeanDecay);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.positiveFinite('learningRate', config.learningRate);
  check.positiveFinite('valueLearningRate', config.valueLearningRate);
  check.integerAtLeast('valueGradientSteps', config.valueGradientSteps, 1);
  check.positiveFinite('adamEpsilon', config.adamEpsilon);
  check.integerAtLeast('episodesPerUpdate', config.episodesPerUpdate, 1);
  check.nonNegativeFinite('entropyCoefficient', config.entropyCoefficient);
  check.boolean('normalizeAdvantages', config.normalizeAdvantages);
  check.nullOrPositive('maxGradNorm', config.maxGradNorm);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  check.finite('logStdInit', config.logStdInit);
  return config;
}
