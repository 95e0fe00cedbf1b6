import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck } from '../common/config-check.js';

/**
 * Configuration of {@link SAC}. Every field is plain JSON (it goes into checkpoints).
 */
export interface SacConfig {
  /** Seeds the agent's one Rng: weights, random warm-up actions, replay sampling, policy noise, env resets. */
  readonly seed: number;
  /** Adam step size of the actor, the critics and the temperature. */
  readonly learningRate: number;
  /** Replay capacity in transitions. */
  readonly bufferSize: number;
  /** Transitions per gradient update. */
  readonly batchSize: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Polyak coefficient of the target critics: θ' ← τθ + (1 − τ)θ'. In (0, 1]. */
  readonly tau: number;
  /** Env steps (over all sub-envs) collected with uniform random actions before learning starts. */
  readonly learningStarts: number;
  /** Env steps (over all sub-envs) between two learning phases. */
  readonly trainFrequency: number;
  /** Gradient updates per learning phase. */
  readonly gradientSteps: number;
  /** Updates between two target updates. */
  readonly targetUpdateInterval: number;
  /** Hidden widths of the actor and of each critic. */
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /** α at the start (log α is learned when `autoEntropy`, else α stays fixed). > 0. */
  readonly initialEntropyCoefficient: number;
  /** Learn α by minimising −log α·(log π + H̄) (Haarnoja et al. 2018b); false keeps it fixed. */
  readonly autoEntropy: boolean;
  /** Target entropy H̄; null: −dim(A) (the paper's heuristic). */
  readonly targetEntropy: number | null;
  /** Clamp of the policy's log σ: [logStdMin, logStdMax]. */
  readonly logStdMin: number;
  readonly logStdMax: number;
}

/**
 * Defaults after SB3 rl-zoo's tuned Pendulum-v1 SAC (Adam 1e-3, replay 1e6, batch 256, γ 0.99,
 * τ 0.005, one update per env step, α learned from 1 towards entropy −dim(A)) with 1,000
 * random warm-up steps, on 64-64 ReLU networks instead of SB3's 256-256 (an update on the wasm
 * backend costs ~3× less: ~12 against ~39 ms on a busy 2-core machine; Pendulum is solved as
 * well, at 4,000 steps for seeds 0, 1, 2: bench/sac.mjs).
 */
export const defaultSacConfig: SacConfig = Object.freeze({
  seed: 0,
  learningRate: 1e-3,
  bufferSize: 1_000_000,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  learningStarts: 1_000,
  trainFrequency: 1,
  gradientSteps: 1,
  targetUpdateInterval: 1,
  hiddenSizes: Object.freeze([64, 64]),
  activation: 'relu',
  initialEntropyCoefficient: 1,
  autoEntropy: true,
  targetEntropy: null,
  logStdMin: -20,
  logStdMax: 2,
});

/** `defaultSacConfig` with `overrides`, validated: a RangeError names the first bad field. */
export function sacConfig(overrides: Partial<SacConfig> = {}): SacConfig {
  const config = { ...defaultSacConfig, ...overrides };
  const check = new ConfigCheck('SacConfig');
  check.seed(config.seed);
  check.positiveFinite('learningRate', config.learningRate);
  check.integerAtLeast('bufferSize', config.bufferSize, 1);
  check.integerAtLeast('batchSize', config.batchSize, 1);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.inInterval('tau', config.tau, 0, 1, true);
  check.integerAtLeast('learningStarts', config.learningStarts, 0);
  check.integerAtLeast('trainFrequency', config.trainFrequency, 1);
  check.integerAtLeast('gradientSteps', config.gradientSteps, 0);
  check.integerAtLeast('targetUpdateInterval', config.targetUpdateInterval, 1);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  check.positiveFinite('initialEntropyCoefficient', config.initialEntropyCoefficient);
  check.boolean('autoEntropy', config.autoEntropy);
  if (config.targetEntropy !== null) check.finite('targetEntropy', config.targetEntropy);
  check.finite('logStdMin', config.logStdMin);
  check.finite('logStdMax', config.logStdMax);
  if (!(config.logStdMax > config.logStdMin)) check.fail('logStdMax', `> logStdMin (${config.logStdMin})`, config.logStdMax);
  return Object.freeze({ ...config, hiddenSizes: Object.freeze([...config.hiddenSizes]) });
}
