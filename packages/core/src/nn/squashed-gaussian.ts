import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { DiagGaussian } from './diagonal-gaussian.js';

const LOG_TWO = Math.log(2);
/** |tanh| is clipped to 1 − this before atanh in {@link TanhSquashedGaussian.logProb}. */
const ATANH_CLIP = 1e-6;

/** Box bounds of the action space: scalars or one entry per action dimension. */
export interface ActionBounds {
  readonly low: number | ArrayLike<number>;
  readonly high: number | ArrayLike<number>;
}

/** A reparameterised action together with its log-density. */
export interface SquashedSample {
  readonly action: tf.Tensor2D; // [batch, d]
  readonly logProb: tf.Tensor1D; // [batch]
}

/**
 * SAC's tanh-squashed Gaussian (Haarnoja et al. 2018): u ~ N(μ, σ²), a = c + s·tanh(u) with
 * c = (high + low)/2, s = (high − low)/2 (c = 0, s = 1 without bounds). Change of variables:
 *   log π(a) = log N(u) − Σ_d log(1 − tanh(u)²) − Σ_d log s
 * where log(1 − tanh(u)²) is computed as 2·(log 2 − u − softplus(−2u)) — exact and stable for
 * large |u|, unlike log(1 − tanh(u)² + ε) whose ε biases the density (the form SB3 and CleanRL
 * use). Methods create tensors: call them inside `tf.tidy` or a gradient function.
 */
export class TanhSquashedGaussian {
  /** The Gaussian over the pre-squash variable u. */
  readonly base: DiagGaussian;
  private readonly offset: Float32Array | undefined; // c [d]
  private readonly scale: Float32Array | undefined; // s [d]
  private readonly logScaleSum: number; // Σ_d log s

  constructor(mean: tf.Tensor2D, logStd: tf.Tensor2D | tf.Tensor1D, bounds?: ActionBounds) {
    this.base = new DiagGaussian(mean, logStd);
    if (bounds === undefined) {
      this.offset = undefined;
      this.scale = undefined;
      this.logScaleSum = 0;
      return;
    }
    const d = mean.shape[1];
    const low = expand(bounds.low, d, 'low');
    const high = expand(bounds.high, d, 'high');
    this.offset = new Float32Array(d);
    this.scale = new Float32Array(d);
    let logScaleSum = 0;
    for (let i = 0; i < d; i++) {
      if (!(Number.isFinite(low[i]) && Number.isFinite(high[i]) && high[i]! > low[i]!)) {
        throw new RangeError(`TanhSquashedGaussian: bounds need finite low < high, dimension ${i} has [${low[i]}, ${high[i]}]`);
      }
      this.offset[i] = (high[i]! + low[i]!) / 2;
      this.scale[i] = (high[i]! - low[i]!) / 2;
      logScaleSum += Math.log(this.scale[i]!);
    }
    this.logScaleSum = logScaleSum;
  }

  /** a = c + s·tanh(u) for a reparameterised u = μ + σ ⊙ ε  [batch, d]. */
  sample(rng: Rng): tf.Tensor2D {
    return this.squash(this.base.sample(rng));
  }

  /** One reparameterised draw with log π(a) computed from u (no atanh): what SAC's losses need. */
  sampleWithLogProb(rng: Rng): SquashedSample {
    const u = this.base.sample(rng);
    return { action: this.squash(u), logProb: this.logProbFromPreTanh(u) };
  }

  /** log π(a) from the pre-squash value u [batch, d] → [batch]. */
  logProbFromPreTanh(u: tf.Tensor2D): tf.Tensor1D {
    // log(1 − tanh(u)²) = 2·(log 2 − u − softplus(−2u))
    const logDet = tf.sum(tf.mul(2, tf.sub(tf.sub(LOG_TWO, u), tf.softplus(tf.mul(-2, u)))), -1);
    const logProb = tf.sub(this.base.logProb(u), logDet);
    return (this.logScaleSum === 0 ? logProb : tf.sub(logProb, this.logScaleSum)) as tf.Tensor1D;
  }

  /**
   * log π(a) for a given action [batch, d] → [batch], via u = atanh((a − c)/s) with |(a − c)/s|
   * clipped to 1 − 1e-6: actions on the bounds get a finite but approximate density. Prefer
   * {@link TanhSquashedGaussian.sampleWithLogProb} for the policy's own samples.
   */
  logProb(action: tf.Tensor2D): tf.Tensor1D {
    let squashed: tf.Tensor = action;
    if (this.offset !== undefined && this.scale !== undefined) {
      squashed = tf.div(tf.sub(action, tf.tensor1d(this.offset)), tf.tensor1d(this.scale));
    }
    const u = tf.atanh(tf.clipByValue(squashed, -1 + ATANH_CLIP, 1 - ATANH_CLIP));
    return this.logProbFromPreTanh(u as tf.Tensor2D);
  }

  /** Deterministic action c + s·tanh(μ)  [batch, d]. */
  mode(): tf.Tensor2D {
    return this.squash(this.base.mean);
  }

  private squash(u: tf.Tensor2D): tf.Tensor2D {
    const a = tf.tanh(u);
    if (this.offset === undefined || this.scale === undefined) return a;
    return tf.add(tf.tensor1d(this.offset), tf.mul(tf.tensor1d(this.scale), a));
  }
}

function expand(value: number | ArrayLike<number>, d: number, what: string): Float32Array {
  if (typeof value === 'number') return new Float32Array(d).fill(value);
  if (value.length !== d) throw new RangeError(`TanhSquashedGaussian: ${what} has ${value.length} entries, actions have ${d}`);
  return Float32Array.from(value);
}
