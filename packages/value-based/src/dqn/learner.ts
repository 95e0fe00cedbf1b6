import * as tf from '@tensorflow/tfjs-core';
import { categoricalProjection, type Learner, type Metrics, type Rng } from '@tfrl/core';
import { createAdam, hardUpdate, polyakUpdate, qValues, variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import type { DqnConfig } from './config.js';
import { categoricalLoss, doubleQTarget, dqnLoss, greedyActions, tdTarget } from './loss.js';
import type { QNetwork } from './network.js';

/** A batch as the learner reads it: columnar typed arrays, never written to. */
export interface DqnBatch {
  readonly size: number;
  /** s. [size × inputSize] */
  readonly observations: Float32Array;
  /** a. [size] */
  readonly actions: Int32Array;
  /** r, or Σ_{k<n} γ^k r_{t+k}. [size] */
  readonly rewards: Float32Array;
  /** s' (s_{t+n}). [size × inputSize] */
  readonly nextObservations: Float32Array;
  /** 1 where s' is terminal. [size] */
  readonly terminated: Uint8Array;
  /** γ^m of each row (n-step); omitted: γ. [size] */
  readonly discounts?: Float32Array;
  /** Importance-sampling weights (prioritized replay); omitted: 1. [size] */
  readonly weights?: Float32Array;
  /** 1 for the actions allowed in s'; omitted: all. [size × actions] */
  readonly nextMasks?: Float32Array;
}

/** What {@link DqnLearner.learn} returns. */
export interface DqnUpdateResult {
  readonly metrics: Metrics;
  /** New priorities: |δ_i|, or the C51 cross-entropy ℓ_i. [size] */
  readonly priorities: Float32Array;
}

/** The settings the learner reads. */
export type DqnLearnerConfig = Pick<
  DqnConfig,
  'gamma' | 'learningRate' | 'adamEpsilon' | 'maxGradNorm' | 'double' | 'loss' | 'targetUpdateInterval' | 'tau' | 'distributional' | 'noisy'
>;

/** What a checkpoint keeps of a learner besides the weights. */
export interface DqnLearnerState {
  readonly updates: number;
  readonly optimizer: AdamState;
}

/**
 * One DQN update per call, for every combination of the flags: targets from the target net
 * (Double: the online net picks a*), Huber/MSE or C51 cross-entropy, Adam, and every
 * `targetUpdateInterval` updates a target update (copy, or Polyak with τ < 1). A non-finite loss
 * throws before any weight is written.
 */
export class DqnLearner implements Learner<DqnBatch> {
  readonly online: QNetwork;
  readonly target: QNetwork;
  private readonly config: DqnLearnerConfig;
  private readonly optimizer: Optimizer<AdamState>;
  private readonly variables: tf.Variable[];
  private readonly rng: Rng;
  private count = 0;

  /** `rng` draws the NoisyNet noise of each update; the target starts as a copy of `online`. */
  constructor(online: QNetwork, config: DqnLearnerConfig, rng: Rng, target?: QNetwork) {
    this.online = online;
    this.target = target ?? online.copy(`${online.config.name}_target`);
    this.config = config;
    this.rng = rng;
    this.variables = online.trainableVariables();
    this.optimizer = createAdam({
      learningRate: config.learningRate,
      epsilon: config.adamEpsilon,
      ...(config.maxGradNorm === null ? {} : { maxGradNorm: config.maxGradNorm }),
    });
  }

  /** Updates done so far. */
  get updates(): number {
    return this.count;
  }

  /** One gradient update on `batch`; returns its metrics. */
  update(batch: DqnBatch): Metrics {
    return this.learn(batch).metrics;
  }

  /** One gradient update on `batch`; returns its metrics and the rows' new priorities. */
  learn(batch: DqnBatch): DqnUpdateResult {
    const { online, target, config } = this;
    const size = checkBatch(batch, online);
    if (config.noisy !== false) {
      // Fresh noise for each batch, independent between the online and the target net (Rainbow).
      online.resetNoise(this.rng);
      target.resetNoise(this.rng);
    }
    const projected = config.distributional === false ? null : this.categoricalTargets(batch);
    // Kept out of the tidy (tf.keep) to read back after the step; disposed in `finally`.
    const kept: { perSample?: tf.Tensor; chosenQ?: tf.Tensor } = {};
    try {
      const { loss, gradNorm } = tf.tidy(() => {
        const observations = tf.tensor2d(batch.observations, [size, online.config.inputSize]);
        const actions = tf.tensor1d(batch.actions, 'int32');
        const weights = batch.weights === undefined ? undefined : tf.tensor1d(batch.weights);
        let lossFunction: () => tf.Scalar;
        if (projected === null) {
          const targets = this.tdTargets(batch);
          lossFunction = () => {
            const result = dqnLoss({ q: online.apply(observations) as tf.Tensor2D, actions, targets, kind: config.loss, ...(weights ? { weights } : {}) });
            kept.perSample = tf.keep(result.tdErrors);
            kept.chosenQ = tf.keep(result.chosenQ);
            return result.loss;
          };
        } else {
          const targetProbabilities = tf.tensor2d(projected, [size, online.atoms]);
          lossFunction = () => {
            const logProbabilities = online.logProbabilities(observations);
            const result = categoricalLoss({ logProbabilities, actions, targetProbabilities, ...(weights ? { weights } : {}) });
            kept.perSample = tf.keep(result.perSample);
            return result.loss;
          };
        }
        const { value, grads } = variableGrads(lossFunction, this.variables);
        const lossValue = value.dataSync()[0]!;
        if (!Number.isFinite(lossValue)) {
          throw new Error(`DqnLearner: non-finite loss (${lossValue}) at update ${this.count + 1}: refusing to apply the update`);
        }
        const norm = this.optimizer.step(this.variables, this.variables.map((v) => grads[v.name]));
        return { loss: lossValue, gradNorm: norm };
      });
      const values = kept.perSample!.dataSync() as Float32Array;
      const priorities = new Float32Array(size);
      let prioritySum = 0;
      for (let i = 0; i < size; i++) prioritySum += priorities[i] = Math.abs(values[i]!);
      const metrics: Metrics = { loss, gradNorm, priorityMean: prioritySum / size };
      if (kept.chosenQ !== undefined) metrics.qMean = mean(kept.chosenQ.dataSync() as Float32Array);
      this.count++;
      if (this.count % config.targetUpdateInterval === 0) this.updateTarget();
      return { metrics, priorities };
    } finally {
      kept.perSample?.dispose();
      kept.chosenQ?.dispose();
    }
  }

  /** θ' ← θ (τ = 1) or θ' ← τθ + (1 − τ)θ'. */
  updateTarget(): void {
    const targetVariables = this.target.trainableVariables();
    if (this.config.tau === 1) hardUpdate(targetVariables, this.variables);
    else polyakUpdate(targetVariables, this.variables, this.config.tau);
  }

  /** Update count and Adam state, for checkpoints (weights are saved separately). */
  getState(): DqnLearnerState {
    return { updates: this.count, optimizer: this.optimizer.getState() };
  }

  /** Restores {@link DqnLearner.getState}'s output. */
  setState(state: DqnLearnerState): void {
    if (!Number.isInteger(state.updates) || state.updates < 0) {
      throw new RangeError(`DqnLearner.setState: updates must be an integer >= 0, got ${state.updates}`);
    }
    const size = this.variables.reduce((total, v) => total + v.size, 0);
    for (const slot of ['m', 'v'] as const) {
      if (state.optimizer[slot].length !== size && state.optimizer.step > 0) {
        throw new RangeError(`DqnLearner.setState: Adam ${slot} has ${state.optimizer[slot].length} values, the network ${size}`);
      }
    }
    if (state.optimizer.step > 0) this.optimizer.setState(state.optimizer);
    this.count = state.updates;
  }

  /** The constant targets y of a non-distributional update. [size] */
  private tdTargets(batch: DqnBatch): tf.Tensor1D {
    const { online, target, config } = this;
    const size = batch.size;
    const nextObservations = tf.tensor2d(batch.nextObservations, [size, online.config.inputSize]);
    const input = {
      rewards: tf.tensor1d(batch.rewards),
      discounts: batch.discounts === undefined ? tf.fill([size], config.gamma) as tf.Tensor1D : tf.tensor1d(batch.discounts),
      terminated: tf.tensor1d(Float32Array.from(batch.terminated)),
      nextQTarget: target.qValues(nextObservations),
      ...(batch.nextMasks === undefined ? {} : { nextMask: tf.tensor2d(batch.nextMasks, [size, online.config.actions]) }),
    };
    return config.double ? doubleQTarget({ ...input, nextQOnline: online.qValues(nextObservations) }) : tdTarget(input);
  }

  /**
   * m = Φ T̂Z: the target distribution p_target(s', a*) (a* by the online net when Double, else
   * by the target net's Q) projected by core's categoricalProjection with r and γ^m·(1 − terminated).
   */
  private categoricalTargets(batch: DqnBatch): Float32Array {
    const { online, target, config } = this;
    const size = batch.size;
    const { actions } = online.config;
    const nextProbabilities = tf.tidy(() => {
      const nextObservations = tf.tensor2d(batch.nextObservations, [size, online.config.inputSize]);
      const probabilities = target.probabilities(nextObservations); // [size, actions, atoms]
      const selector = config.double ? online.qValues(nextObservations) : qValues(probabilities, target.support!);
      const mask = batch.nextMasks === undefined ? undefined : tf.tensor2d(batch.nextMasks, [size, actions]);
      const best = tf.expandDims(tf.oneHot(greedyActions(selector, mask), actions), 2); // [size, actions, 1]
      return tf.sum(tf.mul(probabilities, best), 1); // [size, atoms]
    });
    const probabilities = nextProbabilities.dataSync() as Float32Array;
    nextProbabilities.dispose();
    const discounts = new Float32Array(size);
    for (let i = 0; i < size; i++) discounts[i] = batch.terminated[i] ? 0 : (batch.discounts?.[i] ?? config.gamma);
    const { vMin, vMax, atoms } = config.distributional as Exclude<DqnConfig['distributional'], false>;
    return categoricalProjection({ probabilities, rewards: batch.rewards, discounts, vMin, vMax, atoms });
  }
}

function checkBatch(batch: DqnBatch, network: QNetwork): number {
  const { size } = batch;
  const { inputSize, actions } = network.config;
  const fail = (what: string, length: number, expected: number): never => {
    throw new RangeError(`DqnLearner: batch ${what} has length ${length}, expected ${expected}`);
  };
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`DqnLearner: batch size must be an integer >= 1, got ${size}`);
  if (batch.observations.length !== size * inputSize) fail('observations', batch.observations.length, size * inputSize);
  if (batch.nextObservations.length !== size * inputSize) fail('nextObservations', batch.nextObservations.length, size * inputSize);
  for (const key of ['actions', 'rewards', 'terminated', 'discounts', 'weights'] as const) {
    const column = batch[key];
    if (column !== undefined && column.length !== size) fail(key, column.length, size);
  }
  if (batch.nextMasks !== undefined && batch.nextMasks.length !== size * actions) fail('nextMasks', batch.nextMasks.length, size * actions);
  return size;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
