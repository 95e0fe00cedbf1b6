import * as tf from '@tensorflow/tfjs-core';
import type { Metrics } from '@tfrl/core';
import type { Optimizer } from '@tfrl/core/nn';
import { actionTensor, type ActorCritic } from '../common/actor-critic.js';
import { adamWithClipping, gradientStep, restoreLearnerState, rmsPropWithClipping, type OptimizerState } from '../common/gradient-step.js';
import type { A2cConfig } from './config.js';
import { a2cLoss } from './loss.js';

/** The rows of a rollout one A2C update trains on: columnar typed arrays, never written to. */
export interface A2cBatch {
  readonly size: number;
  /** s_t. [size × observationSize] */
  readonly observations: Float32Array;
  /** a_t as the policy drew them: Discrete indices or unclipped Gaussian samples. [size × actionSize] */
  readonly actions: Int32Array | Float32Array;
  /** Â_t (normalised or not). [size] */
  readonly advantages: Float32Array;
  /** R_t = A_t + V_old(s_t). [size] */
  readonly returns: Float32Array;
}

/** The settings the learner reads. */
export type A2cLearnerConfig = Pick<A2cConfig, 'optimizer' | 'learningRate' | 'adamEpsilon' | 'rmsPropAlpha' | 'rmsPropEpsilon' | 'maxGradNorm' | 'vfCoef' | 'entCoef'>;

/** What a checkpoint keeps of a learner besides the weights. */
export interface A2cLearnerState {
  readonly updates: number;
  /** Adam's or RMSProp's state, as `config.optimizer`. */
  readonly optimizer: OptimizerState;
}

/**
 * One A2C gradient step per call on a whole rollout: {@link a2cLoss} over policy and value
 * together, the global gradient norm clipped to `maxGradNorm`, one Adam or RMSProp step over every variable
 * of the {@link ActorCritic} (shared trunk or separate networks). A non-finite loss throws before
 * any weight is written.
 */
export class A2cLearner {
  readonly policy: ActorCritic;
  private readonly config: A2cLearnerConfig;
  private readonly optimizer: Optimizer<OptimizerState>;
  private readonly variables: tf.Variable[];
  private count = 0;

  constructor(policy: ActorCritic, config: A2cLearnerConfig) {
    if (policy.valueNet === null) throw new Error('A2cLearner: the ActorCritic needs a value function (withValue: true)');
    this.policy = policy;
    this.config = config;
    this.variables = policy.trainableVariables();
    this.optimizer = (
      config.optimizer === 'rmsprop'
        ? rmsPropWithClipping(config.learningRate, config.rmsPropAlpha, config.rmsPropEpsilon, config.maxGradNorm)
        : adamWithClipping(config.learningRate, config.adamEpsilon, config.maxGradNorm)
    ) as Optimizer<OptimizerState>;
  }

  /** Updates done so far. */
  get updates(): number {
    return this.count;
  }

  /** The step size of the next update (schedules assign to it). */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  /** One gradient step on `batch`; returns loss, its parts, the gradient norm and the step size. */
  update(batch: A2cBatch): Metrics {
    const size = this.checkBatch(batch);
    const { policy, config, variables } = this;
    const { observationSize, action } = policy.config;
    const step = gradientStep(
      this.optimizer,
      variables,
      (keep) => {
        const observations = tf.tensor2d(batch.observations, [size, observationSize]);
        const actions = actionTensor(action, batch.actions, size);
        const { distribution, value: values } = policy.forward(observations);
        const parts = a2cLoss({
          logProbs: distribution.logProb(actions),
          advantages: tf.tensor1d(batch.advantages),
          values: values!,
          returns: tf.tensor1d(batch.returns),
          entropy: distribution.entropy(),
          vfCoef: config.vfCoef,
          entCoef: config.entCoef,
        });
        keep(parts.policyLoss, parts.valueLoss, parts.entropy);
        return parts.loss;
      },
      'A2cLearner',
      `update ${this.count + 1}`,
    );
    this.count++;
    const [policyLoss, valueLoss, entropy] = step.kept;
    return { loss: step.loss, policyLoss: policyLoss!, valueLoss: valueLoss!, entropy: entropy!, gradNorm: step.gradNorm, learningRate: this.optimizer.learningRate };
  }

  /** Update count and optimizer state, for checkpoints (weights are saved separately). */
  getState(): A2cLearnerState {
    return { updates: this.count, optimizer: this.optimizer.getState() };
  }

  /** Restores {@link A2cLearner.getState}'s output. */
  setState(state: A2cLearnerState): void {
    this.count = restoreLearnerState('A2cLearner', state, this.optimizer);
  }

  private checkBatch(batch: A2cBatch): number {
    const { size } = batch;
    const { observationSize, action } = this.policy.config;
    const actionSize = action.kind === 'discrete' ? 1 : action.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`A2cLearner: batch size must be an integer >= 1, got ${size}`);
    const expect = (what: string, length: number, expected: number): void => {
      if (length !== expected) throw new RangeError(`A2cLearner: batch ${what} has length ${length}, expected ${expected}`);
    };
    expect('observations', batch.observations.length, size * observationSize);
    expect('actions', batch.actions.length, size * actionSize);
    expect('advantages', batch.advantages.length, size);
    expect('returns', batch.returns.length, size);
    return size;
  }
}
