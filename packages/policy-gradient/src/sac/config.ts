import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck, checkLogStdRange, checkOffPolicyFields, type OffPolicyFields } from '../common/config-check.js';

/**
 * Configuration of {@link SAC}. Every field is plain JSON (it goes into checkpoints).
 */
export interface SacConfig extends OffPolicyFields {
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
  checkOffPolicyFields(check, config, 0);
  check.integerAtLeast('targetUpdateInterval', config.targetUpdateInterval, 1);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  check.positiveFinite('initialEntropyCoefficient', config.initialEntropyCoefficient);
  check.boolean('autoEntropy', config.autoEntropy);
  if (config.targetEntropy !== null) check.finite('targetEntropy', config.targetEntropy);
  checkLogStdRange(check, config);
  return Object.freeze({ ...config, hiddenSizes: Object.freeze([...config.hiddenSizes]) });
}
