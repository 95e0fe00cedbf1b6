import { ConfigCheck } from '../common/config-check.js';

/** How the shared parameters are updated from each worker's gradients. */
export type A3cOptimizer = 'rmsprop' | 'adam';

/** The tfjs backend each worker thread computes on. */
export type A3cWorkerBackend = 'cpu' | 'wasm';

/**
 * Configuration of {@link A3C}. Every field is plain JSON (it goes into checkpoints).
 * Defaults: γ = 0.99, β = 0.01 as Mnih et al. 2016, with shared Adam (η = 2e-3) and t_max = 20,
 * tuned on CartPole-v1 with 2 workers (bench/a3c.mjs); the paper's shared RMSProp is
 * `{ optimizer: 'rmsprop', learningRate: 7e-4, tMax: 5 }` (α = rmsDecay = 0.99).
 */
export interface A3cConfig {
  /** Seeds the agent's Rng: initial weights and one spawned stream per worker and run. */
  readonly seed: number;
  /** Actor-learner threads, each with its own env and network copy. */
  readonly numWorkers: number;
  /** Steps a worker collects before an update (fewer when the episode ends first). */
  readonly tMax: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Step size η of the shared optimizer. */
  readonly learningRate: number;
  /** 'linear' anneals η to 0 over each run's steps (the paper), 'constant' keeps it. */
  readonly learningRateSchedule: 'constant' | 'linear';
  /** Shared RMSProp (the paper's statistics g shared by all workers) or shared Adam. */
  readonly optimizer: A3cOptimizer;
  /** RMSProp decay α of g ← αg + (1 − α)Δθ². In [0, 1). */
  readonly rmsDecay: number;
  /** ε added to √g (RMSProp) or √v̂ (Adam). */
  readonly epsilon: number;
  /** Weight of the value loss (R − V)². */
  readonly vfCoef: number;
  /** Weight β of the entropy bonus. */
  readonly entCoef: number;
  /** Clip each worker's gradient to this global norm; null: no clipping. */
  readonly maxGradNorm: number | null;
  /** Hidden layer widths (of each network, or of the shared trunk). */
  readonly hiddenSizes: readonly number[];
  readonly activation: 'relu' | 'tanh' | 'elu';
  /** One trunk with policy and value heads (true), or two separate networks (false). */
  readonly sharedTrunk: boolean;
  /** Initial log σ of a Gaussian policy (Box actions). */
  readonly logStdInit: number;
  /** tfjs backend of the worker threads ('wasm' is several times faster; both are exact per thread). */
  readonly workerBackend: A3cWorkerBackend;
}

export const defaultA3cConfig: A3cConfig = Object.freeze({
  seed: 0,
  numWorkers: 2,
  tMax: 20,
  gamma: 0.99,
  learningRate: 2e-3,
  learningRateSchedule: 'constant',
  optimizer: 'adam',
  rmsDecay: 0.99,
  epsilon: 1e-5,
  vfCoef: 0.5,
  entCoef: 0.01,
  maxGradNorm: 0.5,
  hiddenSizes: Object.freeze([64, 64]) as readonly number[],
  activation: 'tanh',
  sharedTrunk: false,
  logStdInit: 0,
  workerBackend: 'wasm',
} satisfies A3cConfig);

/** {@link defaultA3cConfig} with `overrides`; throws a RangeError naming the first bad field. */
export function a3cConfig(overrides: Partial<A3cConfig> = {}): A3cConfig {
  const config: A3cConfig = { ...defaultA3cConfig, ...overrides, hiddenSizes: [...(overrides.hiddenSizes ?? defaultA3cConfig.hiddenSizes)] };
  const check = new ConfigCheck('A3cConfig');
  check.seed(config.seed);
  check.integerAtLeast('numWorkers', config.numWorkers, 1);
  check.integerAtLeast('tMax', config.tMax, 1);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.positiveFinite('learningRate', config.learningRate);
  check.oneOf('learningRateSchedule', config.learningRateSchedule, ['constant', 'linear']);
  check.oneOf('optimizer', config.optimizer, ['rmsprop', 'adam']);
  if (!(config.rmsDecay >= 0 && config.rmsDecay < 1)) check.fail('rmsDecay', 'in [0, 1)', config.rmsDecay);
  check.positiveFinite('epsilon', config.epsilon);
  check.nonNegativeFinite('vfCoef', config.vfCoef);
  check.nonNegativeFinite('entCoef', config.entCoef);
  check.nullOrPositive('maxGradNorm', config.maxGradNorm);
  check.sizes('hiddenSizes', config.hiddenSizes, config.sharedTrunk === true);
  check.activation(config.activation);
  check.boolean('sharedTrunk', config.sharedTrunk);
  check.finite('logStdInit', config.logStdInit);
  check.oneOf('workerBackend', config.workerBackend, ['cpu', 'wasm']);
  return config;
}
