import * as tf from '@tensorflow/tfjs-core';
import type { Metrics } from '@tfrl/core';
import { variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import { adamWithClipping } from '../common/gradient-step.js';
import { actionTensor, type ActorCritic } from '../common/actor-critic.js';
import type { ActorCriticAgentConfig } from './config.js';
import { actorCriticLoss, tdErrors } from './loss.js';

/** Transitions (s, a, r, s', terminated) as columnar typed arrays. */
export interface OneStepBatch {
  readonly size: number;
  /** s. [size × observationSize] */
  readonly observations: Float32Array;
  /** Raw policy actions: indices (Discrete) or unclipped Gaussian samples (Box). [size × actionSize] */
  readonly actions: Int32Array | Float32Array;
  /** [size] */
  readonly rewards: ArrayLike<number>;
  /** s' (the episode's last observation when it ended). [size × observationSize] */
  readonly nextObservations: Float32Array;
  /** 1 where s' is terminal. [size] */
  readonly terminated: ArrayLike<number>;
}

/**
 * One online actor-critic update per batch of transitions (Sutton & Barto 13.5, batched over
 * sub-envs): V(s) and V(s') from the critic before the update, δ = r + γV(s')(1 − terminated) − V(s),
 * then the actor steps along δ·∇log π(a|s) (+ β∇H) and the critic towards the TD target. Separate
 * networks take a step each; a shared trunk takes one step on actor + c·critic loss. Losses are
 * checked before any weight is written: a non-finite one throws and changes nothing.
 */
export class ActorCriticLearner {
  readonly network: ActorCritic;
  private readonly config: ActorCriticAgentConfig;
  private readonly policyOptimizer: Optimizer<AdamState>;
  private readonly valueOptimizer: Optimizer<AdamState>;
  private count = 0;

  constructor(network: ActorCritic, config: ActorCriticAgentConfig) {
    if (network.valueNet === null) throw new Error('ActorCriticLearner: the network needs a value function');
    this.network = network;
    this.config = config;
    this.policyOptimizer = adamWithClipping(config.learningRate, config.adamEpsilon, config.maxGradNorm);
    this.valueOptimizer = adamWithClipping(config.valueLearningRate, config.adamEpsilon, config.maxGradNorm);
  }

  get updates(): number {
    return this.count;
  }

  /** The optimizers (the value one is unused with a shared trunk), for checkpoints. */
  get optimizers(): { policy: Optimizer<AdamState>; value: Optimizer<AdamState> } {
    return { policy: this.policyOptimizer, value: this.valueOptimizer };
  }

  /** Variables each optimizer steps: [policy, value]; a shared trunk has one list for all. */
  optimizerVariables(): [tf.Variable[], tf.Variable[]] {
    const { network } = this;
    return network.trunk === null ? [network.policyVariables(), network.valueVariables()] : [network.trainableVariables(), []];
  }

  /** Update count and Adam states, for checkpoints (the weights are saved separately). */
  getState(): { updates: number; policyOptimizer: AdamState; valueOptimizer: AdamState } {
    return { updates: this.count, policyOptimizer: this.policyOptimizer.getState(), valueOptimizer: this.valueOptimizer.getState() };
  }

  setUpdates(updates: number): void {
    this.count = updates;
  }

  /** One update on `batch`; returns its metrics. */
  update(batch: OneStepBatch): Metrics {
    const { network, config } = this;
    const size = checkBatch(batch, network);
    const d = network.config.observationSize;
    // V(s) and V(s') in one forward pass, before the update.
    const both = new Float32Array(2 * size * d);
    both.set(batch.observations);
    both.set(batch.nextObservations, size * d);
    const values = network.values(both);
    const { targets, deltas } = tdErrors({
      rewards: batch.rewards,
      values: values.subarray(0, size),
      nextValues: values.subarray(size),
      terminated: batch.terminated,
      gamma: config.gamma,
    });
    const [policyVariables, valueVariables] = this.optimizerVariables();
    const shared = network.trunk !== null;
    const metrics: Metrics = tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [size, d]);
      const actions = actionTensor(network.config.action, batch.actions, size);
      const advantages = tf.tensor1d(deltas);
      const targetTensor = tf.tensor1d(targets);
      const losses = { policy: 0, value: 0, entropy: 0 };
      // Separate networks: the actor's loss reaches only actor variables and the critic's only
      // critic variables, so one gradient of their sum gives both networks' gradients.
      const { value, grads } = variableGrads(() => {
        const forward = network.forward(observations);
        const result = actorCriticLoss({
          logProbs: forward.distribution.logProb(actions),
          advantages,
          values: forward.value!,
          targets: targetTensor,
          entropy: forward.distribution.entropy(),
          entropyCoefficient: config.entropyCoefficient,
        });
        losses.policy = result.policyLoss.dataSync()[0]!;
        losses.value = result.valueLoss.dataSync()[0]!;
        losses.entropy = result.entropy.dataSync()[0]!;
        return tf.add(result.policyLoss, shared ? tf.mul(config.valueCoefficient, result.valueLoss) : result.valueLoss) as tf.Scalar;
      }, network.trainableVariables());
      const total = value.dataSync()[0]!;
      if (!Number.isFinite(total) || !Number.isFinite(losses.policy) || !Number.isFinite(losses.value)) {
        throw new Error(
          `ActorCriticLearner: non-finite loss (policy ${losses.policy}, value ${losses.value}) at update ${this.count + 1}: refusing to apply the update`,
        );
      }
      const out: Metrics = { policyLoss: losses.policy, valueLoss: losses.value, entropy: losses.entropy };
      out.gradNorm = this.policyOptimizer.step(policyVariables, policyVariables.map((v) => grads[v.name]));
      if (!shared) out.valueGradNorm = this.valueOptimizer.step(valueVariables, valueVariables.map((v) => grads[v.name]));
      return out;
    });
    this.count++;
    let deltaSum = 0;
    let valueSum = 0;
    for (let i = 0; i < size; i++) {
      deltaSum += deltas[i]!;
      valueSum += values[i]!;
    }
    return { ...metrics, tdErrorMean: deltaSum / size, valueMean: valueSum / size, transitions: size };
  }
}

function checkBatch(batch: OneStepBatch, network: ActorCritic): number {
  const { size } = batch;
  const { observationSize, action } = network.config;
  const actionSize = action.kind === 'discrete' ? 1 : action.size;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`ActorCriticLearner: batch size must be an integer >= 1, got ${size}`);
  const fail = (what: string, length: number, expected: number): never => {
    throw new RangeError(`ActorCriticLearner: batch ${what} has length ${length}, expected ${expected}`);
  };
  for (const key of ['observations', 'nextObservations'] as const) {
    if (batch[key].length !== size * observationSize) fail(key, batch[key].length, size * observationSize);
  }
  if (batch.actions.length !== size * actionSize) fail('actions', batch.actions.length, size * actionSize);
  if (batch.rewards.length !== size) fail('rewards', batch.rewards.length, size);
  if (batch.terminated.length !== size) fail('terminated', batch.terminated.length, size);
  return size;
}
