import {
  Box,
  RunningMeanStd,
  type BoxDtype,
  type BoxValue,
  type Env,
  type ResetOptions,
  type ResetResult,
  type RunningMeanStdJSON,
  type Space,
  type StepResult,
} from '@tfrl/core';
import { requireBox, runningStatsWithPrior } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/** Options of {@link NormalizeObservation}. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root (default 1e-8). */
  epsilon?: number;
  /** Whether observations update the statistics at first (default true); see `training`. */
  training?: boolean;
}

/**
 * Gymnasium's `NormalizeObservation`: keeps a running per-element mean μ and variance σ² of the
 * (flattened) Box observations of reset and step, and returns obs ← (obs − μ)/√(σ² + ε) as a
 * Float32Array in Box(−∞, ∞) of the inner shape. Each observation updates the statistics
 * before it is normalised, while `training` is true; set it false to evaluate with frozen
 * statistics. The statistics start from Gymnasium's prior (count 1e-4, mean 0, variance 1).
 */
export class NormalizeObservation<O extends BoxValue = BoxValue, A = unknown> extends Wrapper<Float32Array, A, O, A> {
  readonly epsilon: number;
  /** Whether observations update the running statistics (turn off for evaluation). */
  training: boolean;
  private readonly space: Box<'float32'>;
  private readonly innerSpace: Box<BoxDtype>;
  private rms: RunningMeanStd;
  private readonly flat: Float32Array;

  constructor(env: Env<O, A>, options: NormalizeObservationOptions = {}) {
    super(env);
    const { epsilon = 1e-8, training = true } = options;
    this.innerSpace = requireBox('NormalizeObservation', 'observation', env.observationSpace);
    if (!Number.isFinite(epsilon) || epsilon <= 0) {
      throw new RangeError(`NormalizeObservation: epsilon must be finite and > 0, got ${epsilon}`);
    }
    if (typeof training !== 'boolean') {
      throw new TypeError(`NormalizeObservation: training must be a boolean, got ${String(training)}`);
    }
    if (this.innerSpace.flatDim === 0) {
      throw new TypeError('NormalizeObservation: the env\'s observation space must have at least one element');
    }
    this.epsilon = epsilon;
    this.training = training;
    this.space = new Box({ low: -Infinity, high: Infinity, shape: this.innerSpace.shape, dtype: 'float32' });
    this.rms = runningStatsWithPrior(this.innerSpace.flatDim);
    this.flat = new Float32Array(this.innerSpace.flatDim);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  /** The running statistics as JSON, for checkpoints. */
  getState(): RunningMeanStdJSON {
    return this.rms.toJSON();
  }

  /** Restores statistics from {@link NormalizeObservation.getState}; RangeError if the size differs. */
  setState(state: RunningMeanStdJSON): void {
    const rms = RunningMeanStd.fromJSON(state);
    if (rms.size !== this.innerSpace.flatDim) {
      throw new RangeError(
        `NormalizeObservation.setState: state has ${rms.size} elements, the observation space ${this.innerSpace.flatDim}`,
      );
    }
    this.rms = rms;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const { observation, info } = this.env.reset(options);
    return { observation: this.normalize(observation), info };
  }

  override step(action: A): StepResult<Float32Array> {
    const result = this.env.step(action);
    return { ...result, observation: this.normalize(result.observation) };
  }

  private normalize(observation: O): Float32Array {
    const flat = this.innerSpace.flatten(observation, this.flat);
    if (this.training) this.rms.update(flat);
    return this.rms.normalize(flat, new Float32Array(flat.length), { epsilon: this.epsilon });
  }
}
