import {
  RunningMeanStd,
  type Env,
  type ResetOptions,
  type ResetResult,
  type RunningMeanStdJSON,
  type StepResult,
} from '@tfrl/core';
import { runningStatsWithPrior } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/** Options of {@link NormalizeReward}. */
export interface NormalizeRewardOptions {
  /** Discount of the return estimate whose variance scales the rewards, in [0, 1] (default 0.99). */
  gamma?: number;
  /** Added to the variance before the square root (default 1e-8). */
  epsilon?: number;
  /** Whether rewards update the statistics at first (default true); see `training`. */
  training?: boolean;
}

/**
 * Gymnasium's `NormalizeReward`: scales rewards so that the discounted return has roughly
 * unit variance. Per step
 *
 *   G ← γ·G + r,   update Var[G] with G (while `training`),   r ← r / √(Var[G] + ε)
 *
 * and G restarts at 0 after a step that terminated or truncated, and at every reset (as SB3's
 * `VecNormalize`; Gymnasium 1.x multiplies by (1 − terminated) instead, which drops G on the
 * terminal step and carries it across truncations). Rewards are not centred (subtracting the
 * mean would change the optimal policy of episodic tasks). The statistics start from
 * Gymnasium's prior (count 1e-4, mean 0, variance 1); freeze or restore them for evaluation.
 */
export class NormalizeReward<O = unknown, A = unknown> extends Wrapper<O, A> {
  readonly gamma: number;
  readonly epsilon: number;
  /** Whether rewards update the running statistics (turn off for evaluation). */
  training: boolean;
  private rms = runningStatsWithPrior(1);
  private discountedReturn = 0;
  private readonly scratch = new Float64Array(1);

  constructor(env: Env<O, A>, options: NormalizeRewardOptions = {}) {
    super(env);
    const { gamma = 0.99, epsilon = 1e-8, training = true } = options;
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new RangeError(`NormalizeReward: gamma must be in [0, 1], got ${gamma}`);
    }
    if (!Number.isFinite(epsilon) || epsilon <= 0) {
      throw new RangeError(`NormalizeReward: epsilon must be finite and > 0, got ${epsilon}`);
    }
    if (typeof training !== 'boolean') {
      throw new TypeError(`NormalizeReward: training must be a boolean, got ${String(training)}`);
    }
    this.gamma = gamma;
    this.epsilon = epsilon;
    this.training = training;
  }

  /** The discounted return G of the current episode so far. */
  get returnEstimate(): number {
    return this.discountedReturn;
  }

  /** The running statistics of G as JSON, for checkpoints. */
  getState(): RunningMeanStdJSON {
    return this.rms.toJSON();
  }

  /** Restores statistics from {@link NormalizeReward.getState}; RangeError unless they are scalar. */
  setState(state: RunningMeanStdJSON): void {
    const rms = RunningMeanStd.fromJSON(state);
    if (rms.size !== 1) {
      throw new RangeError(`NormalizeReward.setState: state must be scalar statistics, got shape [${rms.shape.join(', ')}]`);
    }
    this.rms = rms;
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    const result = this.env.reset(options);
    this.discountedReturn = 0;
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.discountedReturn = this.gamma * this.discountedReturn + result.reward;
    if (this.training) {
      this.scratch[0] = this.discountedReturn;
      this.rms.update(this.scratch);
    }
    const reward = result.reward / Math.sqrt(this.rms.var[0]! + this.epsilon);
    if (result.terminated || result.truncated) this.discountedReturn = 0;
    return { ...result, reward };
  }
}
