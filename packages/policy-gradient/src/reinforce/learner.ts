import * as tf from '@tensorflow/tfjs-core';
import type { Metrics } from '@tfrl/core';
import { variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import { adamWithClipping } from '../common/gradient-step.js';
import { actionTensor, type ActorCritic } from '../common/actor-critic.js';
import { valueLoss } from '../ppo/loss.js';
import type { ReinforceConfig } from './config.js';
import { reinforceAdvantages, reinforceLoss, reinforceReturns, updateRunningMean, type RunningMeanState } from './loss.js';

/** Whole episodes laid end to end, as `EpisodeBuffer.drain` returns them. */
export interface ReinforceBatch {
  /** Steps in all. */
  readonly size: number;
  /** Episode i spans rows `offsets[i] … offsets[i + 1]`. [episodes + 1] */
  readonly offsets: Int32Array;
  /** [size × observationSize] */
  readonly observations: Float32Array;
  /** Raw policy actions: indices (Discrete) or unclipped Gaussian samples (Box). [size × actionSize] */
  readonly actions: Int32Array | Float32Array;
  /** [size] */
  readonly rewards: Float32Array;
}

/** What a checkpoint keeps of a learner besides the weights. */
export interface ReinforceLearnerState {
  readonly updates: number;
  readonly policyOptimizer: AdamState;
  readonly valueOptimizer: AdamState;
  readonly runningMean: RunningMeanState;
}

/**
 * One REINFORCE update per batch of whole episodes: returns (G_0 or G_t), advantages against the
 * baseline, one policy gradient step on L = −mean(log π·Â) − β·H, and for the value baseline
 * `valueGradientSteps` steps of V(s_t) towards G_t. Every loss is checked before any weight is
 * written: a non-finite one throws and leaves the networks as they were.
 */
export class ReinforceLearner {
  readonly network: ActorCritic;
  private readonly config: ReinforceConfig;
  private readonly policyOptimizer: Optimizer<AdamState>;
  private readonly valueOptimizer: Optimizer<AdamState>;
  private runningMean: RunningMeanState = { mean: 0, count: 0 };
  private count = 0;

  constructor(network: ActorCritic, config: ReinforceConfig) {
    if (config.baseline === 'value' && (network.valueNet === null || network.trunk !== null)) {
      throw new Error("ReinforceLearner: the 'value' baseline needs a separate value network");
    }
    this.network = network;
    this.config = config;
    this.policyOptimizer = adamWithClipping(config.learningRate, config.adamEpsilon, config.maxGradNorm);
    this.valueOptimizer = adamWithClipping(config.valueLearningRate, config.adamEpsilon, config.maxGradNorm);
  }

  get updates(): number {
    return this.count;
  }

  /** The running-mean baseline's current value (NaN before the first batch). */
  get runningMeanBaseline(): number {
    return this.runningMean.count === 0 ? Number.NaN : this.runningMean.mean;
  }

  /** One update on `batch`; returns its metrics. */
  update(batch: ReinforceBatch): Metrics {
    const { network, config } = this;
    const size = checkBatch(batch, network);
    const returns = reinforceReturns(batch.rewards, batch.offsets, config.gamma, config.returnKind);
    // Value targets: G_t whichever return weights the policy.
    const targets = config.returnKind === 'reward-to-go' ? returns : reinforceReturns(batch.rewards, batch.offsets, config.gamma, 'reward-to-go');
    const baselines =
      config.baseline === 'value'
        ? network.values(batch.observations)
        : config.baseline === 'running-mean'
          ? // The mean of the earlier batches' returns (this batch's own mean for the first).
            this.runningMean.count === 0
            ? mean(returns)
            : this.runningMean.mean
          : null;
    const advantages = reinforceAdvantages(returns, baselines, config.normalizeAdvantages);

    const policyVariables = network.policyVariables();
    const valueVariables = config.baseline === 'value' ? network.valueVariables() : [];
    const metrics: Metrics = tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [size, network.config.observationSize]);
      const actions = actionTensor(network.config.action, batch.actions, size);
      const advantageTensor = tf.tensor1d(advantages);
      let entropy = 0;
      let policyLossValue = 0;
      const policy = variableGrads(() => {
        const distribution = network.distribution(observations);
        const result = reinforceLoss({
          logProbs: distribution.logProb(actions),
          advantages: advantageTensor,
          entropy: distribution.entropy(),
          entropyCoefficient: config.entropyCoefficient,
        });
        entropy = result.entropy.dataSync()[0]!;
        policyLossValue = result.policyLoss.dataSync()[0]!;
        return result.loss;
      }, policyVariables);
      const loss = policy.value.dataSync()[0]!;
      const targetTensor = tf.tensor1d(targets);
      const valueStep = () => variableGrads(() => valueLoss({ values: network.value(observations), returns: targetTensor }), valueVariables);
      const value = valueVariables.length > 0 ? valueStep() : null;
      const firstValueLoss = value === null ? Number.NaN : value.value.dataSync()[0]!;
      if (!Number.isFinite(loss) || (value !== null && !Number.isFinite(firstValueLoss))) {
        throw new Error(
          `ReinforceLearner: non-finite loss (policy ${loss}, value ${firstValueLoss}) at update ${this.count + 1}: refusing to apply the update`,
        );
      }
      const gradNorm = this.policyOptimizer.step(policyVariables, policyVariables.map((v) => policy.grads[v.name]));
      const out: Metrics = { loss, policyLoss: policyLossValue, entropy, gradNorm, meanReturn: mean(returns), episodes: batch.offsets.length - 1, steps: size };
      if (value !== null) {
        out.valueLoss = firstValueLoss;
        out.valueGradNorm = this.valueOptimizer.step(valueVariables, valueVariables.map((v) => value.grads[v.name]));
        for (let k = 1; k < config.valueGradientSteps; k++) {
          const next = valueStep();
          const nextLoss = next.value.dataSync()[0]!;
          if (!Number.isFinite(nextLoss)) throw new Error(`ReinforceLearner: non-finite value loss (${nextLoss}) at update ${this.count + 1}`);
          this.valueOptimizer.step(valueVariables, valueVariables.map((v) => next.grads[v.name]));
        }
      }
      return out;
    });
    if (config.baseline === 'running-mean') {
      metrics.baseline = baselines as number;
      this.runningMean = updateRunningMean(this.runningMean, returns, config.runningMean, config.runningMeanDecay);
    }
    this.count++;
    return metrics;
  }

  getState(): ReinforceLearnerState {
    return {
      updates: this.count,
      policyOptimizer: this.policyOptimizer.getState(),
      valueOptimizer: this.valueOptimizer.getState(),
      runningMean: { ...this.runningMean },
    };
  }

  /** Restores the counters and running mean (the optimizers are restored by `restoreOptimizer`). */
  setCounters(updates: number, runningMean: RunningMeanState): void {
    this.count = updates;
    this.runningMean = { ...runningMean };
  }

  /** The optimizers, for `restoreOptimizer`. */
  get optimizers(): { policy: Optimizer<AdamState>; value: Optimizer<AdamState> } {
    return { policy: this.policyOptimizer, value: this.valueOptimizer };
  }
}

function checkBatch(batch: ReinforceBatch, network: ActorCritic): number {
  const { size } = batch;
  const { observationSize, action } = network.config;
  const actionSize = action.kind === 'discrete' ? 1 : action.size;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`ReinforceLearner: batch size must be an integer >= 1, got ${size}`);
  const fail = (what: string, length: number, expected: number): never => {
    throw new RangeError(`ReinforceLearner: batch ${what} has length ${length}, expected ${expected}`);
  };
  if (batch.observations.length !== size * observationSize) fail('observations', batch.observations.length, size * observationSize);
  if (batch.actions.length !== size * actionSize) fail('actions', batch.actions.length, size * actionSize);
  if (batch.rewards.length !== size) fail('rewards', batch.rewards.length, size);
  return size;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
