import type { LinearActivation } from '@tfrl/core/nn';
import { ConfigCheck } from '../common/config-check.js';

/**
 * Configuration of {@link RecurrentPPO}: PPO (Schulman et al. 2017) with a GRU policy and value
 * function, trained by backpropagation through time on stored sequences, as sb3-contrib's
 * RecurrentPPO. Every field is plain JSON (it goes into checkpoints).
 */
export interface RecurrentPpoConfig {
  /** Seeds the agent's Rng (weights, env resets, actions, minibatches). Default 0. */
  readonly seed: number;
  /** Vector steps per rollout and sub-env. Default 32. */
  readonly nSteps: number;
  /**
   * Steps per training sequence: each sub-env's rollout column is cut into chunks of this many
   * steps, each started from the hidden state stored at its first step; null trains on the whole
   * column (nSteps) per sub-env. Default null.
   */
  readonly sequenceLength: number | null;
  /** Minibatches per epoch; each is a group of sequences drawn with the agent's Rng. Default 1. */
  readonly numMinibatches: number;
  /** Passes over the rollout per update. Default 10. */
  readonly nEpochs: number;
  /** Adam step size at the start of a run. Default 1e-3. */
  readonly learningRate: number;
  /** Adam ε. Default 1e-5 (Stable-Baselines3's PPO). */
  readonly adamEpsilon: number;
  /** 'linear': anneal the step size to 0 over the run's totalSteps. Default 'linear'. */
  readonly learningRateSchedule: 'constant' | 'linear';
  /** Discount γ. Default 0.98. */
  readonly gamma: number;
  /** GAE λ. Default 0.8. */
  readonly gaeLambda: number;
  /** PPO's clip range ε. Default 0.2. */
  readonly clipRange: number;
  /** Value clip range (PPO2's); null: plain squared error. Default null. */
  readonly clipRangeVf: number | null;
  /** Entropy bonus coefficient. Default 0. */
  readonly entCoef: number;
  /** Value loss coefficient. Default 0.5. */
  readonly vfCoef: number;
  /** Global gradient-norm clip. Default 0.5. */
  readonly maxGradNorm: number;
  /** Normalise advantages per minibatch (over its valid rows). Default true. */
  readonly normalizeAdvantage: boolean;
  /** Stop an update's epochs early once the approximate KL exceeds 1.5 × this; null: never. Default null. */
  readonly targetKl: number | null;
  /** MLP encoder widths before the GRU ([] feeds the observation to the GRU). Default []. */
  readonly encoderSizes: readonly number[];
  /** GRU hidden size H. Default 64. */
  readonly hiddenSize: number;
  /** MLP widths after the GRU, before the policy and value heads ([]: linear heads). Default [64]. */
  readonly headSizes: readonly number[];
  /** Activation of the encoder and head MLPs. Default 'relu'. */
  readonly activation: LinearActivation;
  /** One GRU (and encoder) for policy and value (true), or one each (false). Default false. */
  readonly sharedGru: boolean;
  /** Initial log σ of a Gaussian policy. Default 0. */
  readonly logStdInit: number;
}

/**
 * The defaults of {@link RecurrentPpoConfig}: tuned on CartPole-v1 with the velocities hidden
 * (bench/recurrent-ppo.mjs, 8 sub-envs: deterministic mean ≥ 400 within 100k steps on seeds
 * 0, 1, 2). Short rollouts trained as whole columns (32 steps, no truncated backpropagation),
 * many epochs on one minibatch, γ 0.98 / λ 0.8 as RL Zoo's CartPole PPO, a linear step-size decay.
 */
export const defaultRecurrentPpoConfig: RecurrentPpoConfig = Object.freeze({
  seed: 0,
  nSteps: 32,
  sequenceLength: null,
  numMinibatches: 1,
  nEpochs: 10,
  learningRate: 1e-3,
  adamEpsilon: 1e-5,
  learningRateSchedule: 'linear',
  gamma: 0.98,
  gaeLambda: 0.8,
  clipRange: 0.2,
  clipRangeVf: null,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantage: true,
  targetKl: null,
  encoderSizes: Object.freeze([]) as readonly number[],
  hiddenSize: 64,
  headSizes: Object.freeze([64]) as readonly number[],
  activation: 'relu',
  sharedGru: false,
  logStdInit: 0,
} satisfies RecurrentPpoConfig);

/** The defaults with `overrides`, validated: throws a RangeError naming the first bad field. */
export function recurrentPpoConfig(overrides: Partial<RecurrentPpoConfig> = {}): RecurrentPpoConfig {
  const known = new Set(Object.keys(defaultRecurrentPpoConfig));
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) throw new RangeError(`RecurrentPPO: unknown config field '${key}'`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: RecurrentPpoConfig = { ...defaultRecurrentPpoConfig, ...defined };
  const check = new ConfigCheck('RecurrentPPO');
  check.seed(config.seed);
  check.integerAtLeast('nSteps', config.nSteps, 1);
  if (config.sequenceLength !== null) check.integerAtLeast('sequenceLength', config.sequenceLength, 1);
  check.integerAtLeast('numMinibatches', config.numMinibatches, 1);
  check.integerAtLeast('nEpochs', config.nEpochs, 1);
  check.nonNegativeFinite('learningRate', config.learningRate);
  check.positiveFinite('adamEpsilon', config.adamEpsilon);
  check.oneOf('learningRateSchedule', config.learningRateSchedule, ['constant', 'linear']);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.inInterval('gaeLambda', config.gaeLambda, 0, 1);
  check.positiveFinite('clipRange', config.clipRange);
  check.nullOrPositive('clipRangeVf', config.clipRangeVf);
  check.finite('entCoef', config.entCoef);
  check.nonNegativeFinite('vfCoef', config.vfCoef);
  check.positiveFinite('maxGradNorm', config.maxGradNorm);
  check.boolean('normalizeAdvantage', config.normalizeAdvantage);
  check.nullOrPositive('targetKl', config.targetKl);
  check.sizes('encoderSizes', config.encoderSizes);
  check.integerAtLeast('hiddenSize', config.hiddenSize, 1);
  check.sizes('headSizes', config.headSizes);
  check.activation(config.activation);
  check.boolean('sharedGru', config.sharedGru);
  check.finite('logStdInit', config.logStdInit);
  return { ...config, encoderSizes: [...config.encoderSizes], headSizes: [...config.headSizes] };
}
