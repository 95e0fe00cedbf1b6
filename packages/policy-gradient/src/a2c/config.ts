import { ConfigCheck } from '../common/config-check.js';

/** How A2C estimates Â_t from a rollout. */
export type A2cAdvantage = 'n-step' | 'gae';

/** Activation of the hidden layers. */
export type A2cActivation = 'relu' | 'tanh' | 'elu';

/**
 * Configuration of {@link A2C}. Every field is plain JSON (it goes into checkpoints).
 */
export interface A2cConfig {
  /** Seeds the agent's one Rng: weights, action sampling, env resets. */
  readonly seed: number;
  /** Vector steps per rollout; one update per rollout on its nSteps × numEnvs rows. */
  readonly nSteps: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /**
   * `'n-step'`: Â_t = Σ_{k<n−t} γ^k r_{t+k} + γ^{n−t}·V(s_n) − V(s_t), bootstrapped at the rollout's
   * end (Mnih et al. 2016; GAE with λ = 1). `'gae'`: GAE(γ, λ) with `gaeLambda`.
   */
  readonly advantage: A2cAdvantage;
  /** λ of GAE in [0, 1] (ignored with `advantage: 'n-step'`). */
  readonly gaeLambda: number;
  /** `'adam'`, or `'rmsprop'` as in Mnih et al. 2016 and SB3's A2C (`use_rms_prop`). */
  readonly optimizer: 'adam' | 'rmsprop';
  /** Step size (at the start of the run with a linear schedule). */
  readonly learningRate: number;
  /** `'linear'` decays the step size to 0 over the run (SB3's `lin_` schedules); `'constant'` keeps it. */
  readonly learningRateSchedule: 'constant' | 'linear';
  /** Adam's ε (added to √v̂). */
  readonly adamEpsilon: number;
  /** RMSProp's decay ρ of the average of g² (PyTorch's `alpha`; SB3 0.99). */
  readonly rmsPropAlpha: number;
  /** RMSProp's ε (added to √v; SB3's `rms_prop_eps` 1e-5). */
  readonly rmsPropEpsilon: number;
  /** Weight c₁ of the value loss. */
  readonly vfCoef: number;
  /** Weight c₂ of the entropy bonus. */
  readonly entCoef: number;
  /** Clip the global gradient norm to this value; null for no clipping. */
  readonly maxGradNorm: number | null;
  /** Normalise the rollout's advantages to mean 0, std 1 before the update. */
  readonly normalizeAdvantages: boolean;
  /** Widths of the hidden layers (of each network, or of the shared trunk). */
  readonly hiddenSizes: readonly number[];
  /** Activation of the hidden layers. */
  readonly activation: A2cActivation;
  /** One trunk with a policy head and a value head (true), or separate policy and value networks (false). */
  readonly sharedTrunk: boolean;
  /** Initial log σ of a Gaussian policy (Box actions). */
  readonly logStdInit: number;
}

/**
 * Defaults after SB3 rl-zoo's CartPole A2C (8 envs, entropy bonus 0, γ 0.99, clipping at 0.5), with
 * Adam (step 7e-4, ε 1e-5) instead of RMSProp (`optimizer: 'rmsprop'` gives SB3's), separate 64-64 tanh networks, 5-step rollouts and
 * GAE λ 0.95. With 8 sub-envs they solve CartPole-v1 (deterministic mean ≥ 475 over 20 episodes)
 * on 12 of 12 seeds within 80k steps (bench/a2c.mjs runs seeds 0–2 against a 500k budget). n-step
 * advantages (λ 1) solved 6 of 6 too but more slowly (up to 110k); normalised advantages were slower.
 */
export const defaultA2cConfig: A2cConfig = Object.freeze({
  seed: 0,
  nSteps: 5,
  gamma: 0.99,
  advantage: 'gae',
  gaeLambda: 0.95,
  optimizer: 'adam',
  learningRate: 7e-4,
  learningRateSchedule: 'constant',
  adamEpsilon: 1e-5,
  rmsPropAlpha: 0.99,
  rmsPropEpsilon: 1e-5,
  vfCoef: 0.5,
  entCoef: 0,
  maxGradNorm: 0.5,
  normalizeAdvantages: false,
  hiddenSizes: Object.freeze([64, 64]),
  activation: 'tanh',
  sharedTrunk: false,
  logStdInit: 0,
});

/** `defaultA2cConfig` with `overrides`, validated: a RangeError names the first bad field. */
export function a2cConfig(overrides: Partial<A2cConfig> = {}): A2cConfig {
  const config = { ...defaultA2cConfig, ...overrides };
  const check = new ConfigCheck('A2cConfig');
  check.seed(config.seed);
  check.integerAtLeast('nSteps', config.nSteps, 1);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.oneOf('advantage', config.advantage, ['n-step', 'gae']);
  check.inInterval('gaeLambda', config.gaeLambda, 0, 1);
  check.oneOf('optimizer', config.optimizer, ['adam', 'rmsprop']);
  check.positiveFinite('learningRate', config.learningRate);
  check.oneOf('learningRateSchedule', config.learningRateSchedule, ['constant', 'linear']);
  check.positiveFinite('adamEpsilon', config.adamEpsilon);
  if (!(config.rmsPropAlpha >= 0 && config.rmsPropAlpha < 1)) check.fail('rmsPropAlpha', 'in [0, 1)', config.rmsPropAlpha);
  check.positiveFinite('rmsPropEpsilon', config.rmsPropEpsilon);
  check.nonNegativeFinite('vfCoef', config.vfCoef);
  check.nonNegativeFinite('entCoef', config.entCoef);
  check.nullOrPositive('maxGradNorm', config.maxGradNorm);
  check.boolean('normalizeAdvantages', config.normalizeAdvantages);
  check.sizes('hiddenSizes', config.hiddenSizes, config.sharedTrunk === true);
  check.activation(config.activation);
  check.boolean('sharedTrunk', config.sharedTrunk);
  check.finite('logStdInit', config.logStdInit);
  return config;
}

/** The λ the rollout's GAE runs with: 1 for n-step advantages. */
export function a2cGaeLambda(config: Pick<A2cConfig, 'advantage' | 'gaeLambda'>): number {
  return config.advantage === 'n-step' ? 1 : config.gaeLambda;
}
