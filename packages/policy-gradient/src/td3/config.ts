import { ConfigCheck, checkOffPolicyFields, type OffPolicyFields } from '../common/config-check.js';

/**
 * Exploration noise added to the actor's actions in the normalised scale [−1, 1] (as
 * Stable-Baselines3 adds it to the scaled action): i.i.d. Gaussian N(0, σ²), or an
 * Ornstein-Uhlenbeck process per sub-env (DDPG's original choice), reset at each episode start.
 */
export type ActionNoiseConfig =
  | { readonly kind: 'gaussian'; readonly sigma: number }
  | { readonly kind: 'ornstein-uhlenbeck'; readonly sigma: number; readonly theta: number; readonly dt: number };

/** Activation of the hidden layers of the actor and the critics. */
export type DeterministicActivation = 'relu' | 'tanh' | 'elu';

/**
 * Configuration of {@link TD3} (Fujimoto et al. 2018). Every field is plain JSON (it goes into
 * checkpoints). DDPG's config is this one without the three TD3 fields.
 */
export interface Td3Config extends OffPolicyFields {
  /** Hidden layer widths of the actor and of each critic, input side first. */
  readonly hiddenSizes: readonly number[];
  readonly activation: DeterministicActivation;
  /** Exploration noise on the actions while training (normalised scale). */
  readonly actionNoise: ActionNoiseConfig;
  /** Critic updates per actor and target update (d). */
  readonly policyDelay: number;
  /** σ of the target policy smoothing noise, normalised action scale. */
  readonly targetPolicyNoise: number;
  /** The smoothing noise is clipped to [−c, c]. */
  readonly targetNoiseClip: number;
}

/**
 * The paper's settings with the 256-256 ReLU networks of Fujimoto's reference code (SB3 uses
 * 400-300): Adam 1e-3 for both, batch 256, τ 0.005, γ 0.99, one update per env step after
 * 1,000 random steps (SB3: 100, the paper: 10,000), Gaussian exploration σ 0.1, policy delay 2,
 * target smoothing σ 0.2 clipped at 0.5.
 */
export const defaultTd3Config: Td3Config = Object.freeze({
  seed: 0,
  learningRate: 1e-3,
  bufferSize: 1_000_000,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  learningStarts: 1_000,
  trainFrequency: 1,
  gradientSteps: 1,
  hiddenSizes: Object.freeze([256, 256]),
  activation: 'relu',
  actionNoise: Object.freeze({ kind: 'gaussian', sigma: 0.1 }),
  policyDelay: 2,
  targetPolicyNoise: 0.2,
  targetNoiseClip: 0.5,
});

/** `defaultTd3Config` with `overrides`, validated: a RangeError names the first bad field. */
export function td3Config(overrides: Partial<Td3Config> = {}): Td3Config {
  const config = { ...defaultTd3Config, ...overrides };
  const check = new ConfigCheck('Td3Config');
  checkDeterministicFields(check, config);
  check.integerAtLeast('policyDelay', config.policyDelay, 1);
  check.nonNegativeFinite('targetPolicyNoise', config.targetPolicyNoise);
  check.nonNegativeFinite('targetNoiseClip', config.targetNoiseClip);
  return config;
}

/** The settings TD3 and DDPG share. */
export type DeterministicFields = Omit<Td3Config, 'policyDelay' | 'targetPolicyNoise' | 'targetNoiseClip'>;

/** Checks the fields TD3 and DDPG share. */
export function checkDeterministicFields(check: ConfigCheck, config: DeterministicFields): void {
  checkOffPolicyFields(check, config, 1);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  const noise = config.actionNoise as Partial<Extract<ActionNoiseConfig, { kind: 'ornstein-uhlenbeck' }>> | null;
  if (noise === null || typeof noise !== 'object') check.fail('actionNoise', "{ kind: 'gaussian', sigma } or { kind: 'ornstein-uhlenbeck', sigma, theta, dt }", noise);
  check.oneOf('actionNoise.kind', noise.kind, ['gaussian', 'ornstein-uhlenbeck']);
  check.nonNegativeFinite('actionNoise.sigma', noise.sigma as number);
  if (noise.kind === 'ornstein-uhlenbeck') {
    check.nonNegativeFinite('actionNoise.theta', noise.theta as number);
    check.positiveFinite('actionNoise.dt', noise.dt as number);
  }
}
