import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck } from '../common/index.js';

/** Configuration of {@link TRPO} (plain JSON: it goes into checkpoints). */
export interface TrpoConfig {
  /** Seeds the agent's Rng (weights, env resets, actions, minibatches). Default 0. */
  readonly seed: number;
  /** Vector steps per rollout, per sub-env (a rollout is nSteps × numEnvs transitions). Default 2048. */
  readonly nSteps: number;
  /** Discount γ. Default 0.99. */
  readonly gamma: number;
  /** GAE λ. Default 0.95. */
  readonly gaeLambda: number;
  /** Advantages normalised to mean 0, std 1 over the rollout. Default true. */
  readonly normalizeAdvantages: boolean;
  /** δ: the trust region, the most mean KL(π_old ‖ π_new) an update may take. Default 0.01. */
  readonly maxKl: number;
  /** Conjugate-gradient iterations (Fisher-vector products) per update. Default 15 (SB3). */
  readonly cgIterations: number;
  /** CG stops once ‖residual‖² falls below this. Default 1e-10. */
  readonly cgResidualTolerance: number;
  /** λ of the damped Fisher F + λI. Default 0.1 (SB3). */
  readonly cgDamping: number;
  /**
   * true: TRPO's backtracking line search; false: natural policy gradient (NPG, Kakade 2002),
   * the step √(2δ / sᵀFs)·s along the natural gradient s = F⁻¹g taken without checks. Default true.
   */
  readonly lineSearch: boolean;
  /** Backtracking factor β of the line search. Default 0.8 (SB3). */
  readonly lineSearchShrink: number;
  /** Fractions 1, β, …, β^(k−1) tried before giving up (no update). Default 10. */
  readonly lineSearchMaxIterations: number;
  /** Adam step size of the value function. Default 1e-3. */
  readonly valueLearningRate: number;
  /** Epochs over the rollout of value-function minibatches per update. Default 10 (SB3 n_critic_updates). */
  readonly valueEpochs: number;
  /** Value-function minibatch size. Default 128. */
  readonly valueBatchSize: number;
  /** Global gradient-norm clip of the value function, null for none. Default null. */
  readonly valueMaxGradNorm: number | null;
  /** Hidden layer widths of the policy and of the (separate) value network. Default [64, 64]. */
  readonly hiddenSizes: readonly number[];
  /** Hidden activation. Default 'tanh'. */
  readonly activation: LinearActivation;
  /** Initial log σ of a Gaussian policy (Box actions). Default 0. */
  readonly logStdInit: number;
}

/** Stable-Baselines3 (sb3-contrib) TRPO's defaults. */
export const defaultTrpoConfig: TrpoConfig = Object.freeze({
  seed: 0,
  nSteps: 2048,
  gamma: 0.99,
  gaeLambda: 0.95,
  normalizeAdvantages: true,
  maxKl: 0.01,
  cgIterations: 15,
  cgResidualTolerance: 1e-10,
  cgDamping: 0.1,
  lineSearch: true,
  lineSearchShrink: 0.8,
  lineSearchMaxIterations: 10,
  valueLearningRate: 1e-3,
  valueEpochs: 10,
  valueBatchSize: 128,
  valueMaxGradNorm: null,
  hiddenSizes: Object.freeze([64, 64]) as readonly number[],
  activation: 'tanh' as LinearActivation,
  logStdInit: 0,
});

/** Returns `config` when every field is in range; throws a RangeError naming the first bad field. */
export function validateTrpoConfig(config: TrpoConfig): TrpoConfig {
  const check = new ConfigCheck('TrpoConfig');
  check.seed(config.seed);
  check.integerAtLeast('nSteps', config.nSteps, 1);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.inInterval('gaeLambda', config.gaeLambda, 0, 1);
  check.boolean('normalizeAdvantages', config.normalizeAdvantages);
  check.positiveFinite('maxKl', config.maxKl);
  check.integerAtLeast('cgIterations', config.cgIterations, 1);
  check.nonNegativeFinite('cgResidualTolerance', config.cgResidualTolerance);
  check.nonNegativeFinite('cgDamping', config.cgDamping);
  check.boolean('lineSearch', config.lineSearch);
  if (!(config.lineSearchShrink > 0 && config.lineSearchShrink < 1)) check.fail('lineSearchShrink', 'in (0, 1)', config.lineSearchShrink);
  check.integerAtLeast('lineSearchMaxIterations', config.lineSearchMaxIterations, 1);
  check.positiveFinite('valueLearningRate', config.valueLearningRate);
  check.integerAtLeast('valueEpochs', config.valueEpochs, 0);
  check.integerAtLeast('valueBatchSize', config.valueBatchSize, 1);
  check.nullOrPositive('valueMaxGradNorm', config.valueMaxGradNorm);
  check.sizes('hiddenSizes', config.hiddenSizes);
  check.activation(config.activation);
  check.finite('logStdInit', config.logStdInit);
  return config;
}

/** {@link defaultTrpoConfig} with `overrides`, validated. */
export function trpoConfig(overrides: Partial<TrpoConfig> = {}): TrpoConfig {
  return validateTrpoConfig({ ...defaultTrpoConfig, ...overrides });
}

/** Natural policy gradient (Kakade 2002): {@link trpoConfig} with `lineSearch: false`. */
export function npgConfig(overrides: Partial<TrpoConfig> = {}): TrpoConfig {
  return trpoConfig({ lineSearch: false, ...overrides });
}
