import * as tf from '@tensorflow/tfjs-core';
import type { AdamState, Optimizer } from '@tfrl/core/nn';
import type { RolloutMinibatch } from '@tfrl/replay';
import { actionTensor, type ActorCritic } from '../common/actor-critic.js';
import { adamWithClipping, gradientStep, restoreLearnerState } from '../common/gradient-step.js';
import { ppoKlEarlyStop, type PpoConfig } from './config.js';
import { ppoClipLoss, valueLoss } from './loss.js';

/** The settings the learner reads. */
export type PpoLearnerConfig = Pick<PpoConfig, 'learningRate' | 'adamEpsilon' | 'maxGradNorm' | 'clipRangeVf' | 'entCoef' | 'vfCoef'>;

/** Per-minibatch settings that follow the run's schedules. */
export interface PpoStepSettings {
  /** ε of the clipped surrogate now. */
  readonly clipRange: number;
  /** Adam step size now. */
  readonly learningRate: number;
  /** Skip the step (and report it) when the minibatch's approximate KL exceeds 1.5 × this (SB3); null: never. */
  readonly targetKl: number | null;
}

/** What {@link PpoLearner.step} returns: the minibatch's figures and whether the step was taken. */
export interface PpoStepResult {
  /** False when the approximate KL exceeded 1.5 × `targetKl`: no weight was changed. */
  readonly applied: boolean;
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  /** Mean entropy of π(·|s) over the minibatch. */
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  /** Global gradient norm before clipping (NaN when not applied). */
  readonly gradNorm: number;
}

/**
 * One PPO gradient step per call on a minibatch (Schulman et al. 2017, as SB3):
 *
 *   L = −mean(min(r·Â, clip(r, 1 − ε, 1 + ε)·Â)) + c₁·mean((V − R)²) − c₂·mean(H[π(·|s)])
 *
 * with r = π_θ(a|s)/π_old(a|s), Adam over every variable of the actor-critic (one optimizer for
 * shared or separate nets) and global-norm clipping. A non-finite loss throws before any weight
 * is written.
 */
export class PpoLearner {
  readonly policy: ActorCritic;
  private readonly config: PpoLearnerConfig;
  private readonly optimizer: Optimizer<AdamState>;
  private readonly variables: tf.Variable[];
  private count = 0;

  constructor(policy: ActorCritic, config: PpoLearnerConfig) {
    if (policy.valueNet === null) throw new TypeError('PpoLearner: the actor-critic needs a value function');
    this.policy = policy;
    this.config = config;
    this.variables = policy.trainableVariables();
    this.optimizer = adamWithClipping(config.learningRate, config.adamEpsilon, config.maxGradNorm);
  }

  /** Gradient steps taken. */
  get updates(): number {
    return this.count;
  }

  /** The variables the optimizer steps, in checkpoint order. */
  trainableVariables(): tf.Variable[] {
    return this.variables.slice();
  }

  /** One gradient step on `batch` (advantages already normalised if wanted). */
  step(batch: RolloutMinibatch, settings: PpoStepSettings): PpoStepResult {
    const { policy, config } = this;
    const { size } = batch;
    const { observationSize, action } = policy.config;
    const step = gradientStep(
      this.optimizer,
      this.variables,
      (keep) => {
        const observations = tf.tensor2d(batch.observations, [size, observationSize]);
        const actions = actionTensor(action, batch.actions, size);
        const { distribution, value } = policy.forward(observations);
        const clip = ppoClipLoss({ logProbs: distribution.logProb(actions), oldLogProbs: tf.tensor1d(batch.logProbs), advantages: tf.tensor1d(batch.advantages), clipRange: settings.clipRange });
        const vLoss = valueLoss({ values: value!, returns: tf.tensor1d(batch.returns), oldValues: tf.tensor1d(batch.values), clipRange: config.clipRangeVf });
        const entropy = tf.mean(distribution.entropy()) as tf.Scalar;
        keep(clip.loss, vLoss, entropy, clip.approxKl, clip.clipFraction);
        return tf.addN([clip.loss, tf.mul(vLoss, config.vfCoef), tf.mul(entropy, -config.entCoef)]) as tf.Scalar;
      },
      'PpoLearner',
      `update ${this.count + 1}`,
      ([, , , approxKl]) => {
        if (ppoKlEarlyStop(approxKl!, settings.targetKl)) return false;
        this.optimizer.learningRate = settings.learningRate;
        return true;
      },
    );
    if (step.applied) this.count++;
    const [policyLoss, vLoss, entropy, approxKl, clipFraction] = step.kept;
    return {
      applied: step.applied,
      loss: step.loss,
      policyLoss: policyLoss!,
      valueLoss: vLoss!,
      entropy: entropy!,
      approxKl: approxKl!,
      clipFraction: clipFraction!,
      gradNorm: step.gradNorm,
    };
  }

  /** Step count and Adam state, for checkpoints (weights are saved separately). */
  getState(): { updates: number; optimizer: AdamState } {
    return { updates: this.count, optimizer: this.optimizer.getState() };
  }

  /** Restores {@link PpoLearner.getState}'s output. */
  setState(state: { updates: number; optimizer: AdamState }): void {
    this.count = restoreLearnerState('PpoLearner', state, this.optimizer);
  }
}
