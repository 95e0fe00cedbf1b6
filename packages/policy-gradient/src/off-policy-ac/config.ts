import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck, checkLogStdRange, checkOffPolicyFields, type OffPolicyFields } from '../common/config-check.js';

/** How the actor's gradient is estimated from Q(s, a^π), a^π ~ π(·|s). */
export type OffPolicyActorGradient = 'reparameterized' | 'likelihood-ratio';

/**
 * Configuration of {@link OffPolicyActorCritic}. Every field is plain JSON (it goes into checkpoints).
 * `tau` 1 bootstraps from the critic itself (the lecture's plain version).
 */
export interface OffPolicyAcConfig extends OffPolicyFields {
  /** Hidden widths of the actor and of the critic. */
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /**
   * 'reparameterized': ∇_θ Q(s, tanh(μ_θ + σ_θ ε)) (the lecture's "in practice" form);
   * 'likelihood-ratio': ∇_θ log π_θ(a^π|s)·Q(s, a^π) with Q held constant (the lecture's estimator).
   */
  readonly actorGradient: OffPolicyActorGradient;
  /** Weight β of an entropy bonus −β·log π in the actor loss (reparameterized only); 0: none. ≥ 0. */
  readonly entropyCoefficient: number;
  /** Clamp of the policy's log σ. */
  readonly logStdMin: number;
  readonly logStdMax: number;
}

/**
 * Defaults for Pendulum-like tasks, sharing SAC's (bench/off-policy-ac.mjs): 64-64 ReLU networks,
 * Adam 1e-3, replay 1e6, batch 256, γ 0.99, a Polyak target τ 0.005, one update per env step after
 * 1,000 random steps, the reparameterised actor gradient with a small fixed entropy bonus 0.05.
 */
export const defaultOffPolicyAcConfig: OffPolicyAcConfig = Object.freeze({
  seed: 0,
  learningRate: 1e-3,
  bufferSize: 1_000_000,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  learningStarts: 1_000,
  trainFrequency: 1,
  gradientSteps: 1,
  hiddenSizes: Object.freeze([64, 64]),
  activation: 'relu',
  actorGradient: 'reparameterized',
  entropyCoefficient: 0.05,
  logStdMin: -20,
  logStdMax: 2,
});

/** `defaultOffPolicyAcConfig` with `overrides`, validated: a RangeError names the first bad field. */
export function offPolicyAcConfig(overrides: Partial<OffPolicyAcConfig> = {}): OffPolicyAcConfig {
  const config = { ...defaultOffPolicyAcConfig, ...overrides };
  const check = new ConfigCheck('OffPolicyAcConfig');
  checkOffPolicyFields(check, config, 0);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  check.oneOf('actorGradient', config.actorGradient, ['reparameterized', 'likelihood-ratio']);
  check.nonNegativeFinite('entropyCoefficient', config.entropyCoefficient);
  checkLogStdRange(check, config);
  return Object.freeze({ ...config, hiddenSizes: Object.freeze([...config.hiddenSizes]) });
}
