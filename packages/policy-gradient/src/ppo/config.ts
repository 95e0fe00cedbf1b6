import { constantSchedule, linearSchedule } from '@tfrl/core';
import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck } from '../common/config-check.js';

/** How a hyperparameter moves over a run: held, or decayed linearly to 0 at the run's end (SB3's `lin_x`). */
export type PpoScheduleKind = 'constant' | 'linear';

/**
 * Configuration of {@link PPO}. Every field is plain JSON (it goes into checkpoints). The
 * defaults are rl-zoo's tuned classic-control settings (CartPole-v1 with 8 envs): short
 * rollouts, large minibatches, γ 0.98, λ 0.8, linearly decaying learning rate and clip range.
 */
export interface PpoConfig {
  /** Seeds the agent's one Rng: weights, action sampling, minibatch shuffling, env resets. */
  readonly seed: number;
  /** Vector steps per rollout; a rollout holds nSteps × numEnvs transitions. */
  readonly nSteps: number;
  /** Transitions per minibatch (the last of an epoch is smaller when they do not divide). */
  readonly batchSize: number;
  /** Passes over each rollout. */
  readonly nEpochs: number;
  /** Adam step size at the start of the run. */
  readonly learningRate: number;
  /** 'linear': the step size falls linearly to 0 over the run's `totalSteps`. */
  readonly learningRateSchedule: PpoScheduleKind;
  /** Adam's ε (SB3's PPO: 1e-5). */
  readonly adamEpsilon: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** GAE λ in [0, 1]. */
  readonly gaeLambda: number;
  /** ε of the clipped surrogate, ratio clipped to [1 − ε, 1 + ε], at the start of the run. > 0. */
  readonly clipRange: number;
  /** 'linear': ε falls linearly to 0 over the run. */
  readonly clipRangeSchedule: PpoScheduleKind;
  /** Clip V to V_old ± this (PPO2's value clipping); null: plain MSE. */
  readonly clipRangeVf: number | null;
  /** Normalise advantages to mean 0, std 1 per minibatch. */
  readonly normalizeAdvantage: boolean;
  /** Weight c₂ of the entropy bonus. ≥ 0. */
  readonly entCoef: number;
  /** Weight c₁ of the value loss. ≥ 0. */
  readonly vfCoef: number;
  /** Clip the global gradient norm; null: no clipping. */
  readonly maxGradNorm: number | null;
  /** Stop an update's epochs once the approximate KL exceeds 1.5 × this (SB3); null: never. */
  readonly targetKl: number | null;
  /** Hidden layer widths (of each network, or of the shared trunk). */
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /** One trunk with policy and value heads (true), or two separate networks (false, SB3's default). */
  readonly sharedTrunk: boolean;
  /** Initial log σ of a Gaussian policy (Box actions). */
  readonly logStdInit: number;
}

/** rl-zoo's PPO hyperparameters for CartPole-v1 (8 envs × 32 steps, 20 epochs of one 256-row minibatch), otherwise SB3's defaults. */
export const defaultPpoConfig: PpoConfig = Object.freeze({
  seed: 0,
  nSteps: 32,
  batchSize: 256,
  nEpochs: 20,
  learningRate: 1e-3,
  learningRateSchedule: 'linear',
  adamEpsilon: 1e-5,
  gamma: 0.98,
  gaeLambda: 0.8,
  clipRange: 0.2,
  clipRangeSchedule: 'linear',
  clipRangeVf: null,
  normalizeAdvantage: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  hiddenSizes: Object.freeze([64, 64]) as readonly number[],
  activation: 'tanh',
  sharedTrunk: false,
  logStdInit: 0,
});

/** `defaultPpoConfig` with `overrides`, validated: a RangeError names the first bad field. */
export function ppoConfig(overrides: Partial<PpoConfig> = {}): PpoConfig {
  return validatePpoConfig({ ...defaultPpoConfig, ...overrides });
}

/** Returns `config` when every field is in range; throws a RangeError naming the first bad field. */
export function validatePpoConfig(config: PpoConfig): PpoConfig {
  const check = new ConfigCheck('PpoConfig');
  check.seed(config.seed);
  check.integerAtLeast('nSteps', config.nSteps, 1);
  check.integerAtLeast('batchSize', config.batchSize, 1);
  check.integerAtLeast('nEpochs', config.nEpochs, 1);
  check.positiveFinite('learningRate', config.learningRate);
  check.oneOf('learningRateSchedule', config.learningRateSchedule, ['constant', 'linear']);
  check.positiveFinite('adamEpsilon', config.adamEpsilon);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.inInterval('gaeLambda', config.gaeLambda, 0, 1);
  check.positiveFinite('clipRange', config.clipRange);
  check.oneOf('clipRangeSchedule', config.clipRangeSchedule, ['constant', 'linear']);
  check.nullOrPositive('clipRangeVf', config.clipRangeVf);
  check.boolean('normalizeAdvantage', config.normalizeAdvantage);
  check.nonNegativeFinite('entCoef', config.entCoef);
  check.nonNegativeFinite('vfCoef', config.vfCoef);
  check.nullOrPositive('maxGradNorm', config.maxGradNorm);
  check.nullOrPositive('targetKl', config.targetKl);
  check.sizes('hiddenSizes', config.hiddenSizes, config.sharedTrunk);
  check.activation(config.activation);
  check.boolean('sharedTrunk', config.sharedTrunk);
  check.finite('logStdInit', config.logStdInit);
  return config;
}

/**
 * The value of a scheduled hyperparameter at run progress p ∈ [0, 1]: `initial` (constant) or
 * initial·(1 − p) (linear, SB3's `lin_x` with progress_remaining = 1 − p).
 */
export function ppoSchedule(kind: PpoScheduleKind, initial: number, progress: number): number {
  return (kind === 'linear' ? linearSchedule({ start: initial, end: 0 }) : constantSchedule(initial))(progress);
}

/** SB3's target-KL early stop: true when approxKl > 1.5 · targetKl (never with targetKl null). */
export function ppoKlEarlyStop(approxKl: number, targetKl: number | null): boolean {
  return targetKl !== null && approxKl > 1.5 * targetKl;
}
