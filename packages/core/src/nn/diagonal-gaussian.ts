import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Diagonal Gaussian N(μ, diag σ²) with σ = exp(logStd), for continuous actions.
 * `mean` is [batch, d]; `logStd` is [batch, d] or state-independent [d] (broadcast).
 * Methods create tensors: call them inside `tf.tidy` or a gradient function. The inputs stay
 * owned by the caller.
 */
export class DiagGaussian {
  readonly mean: tf.Tensor2D; // [batch, d]
  readonly logStd: tf.Tensor; // [batch, d] or [d]

  constructor(mean: tf.Tensor2D, logStd: tf.Tensor2D | tf.Tensor1D) {
    const d = mean.shape[1];
    const ok = mean.rank === 2 && (logStd.rank === 1 ? logStd.shape[0] === d : logStd.shape.every((s, i) => s === mean.shape[i]));
    if (!ok) {
      throw new RangeError(
        `DiagGaussian: mean [batch, d] and logStd [batch, d] or [d] expected, got [${mean.shape.join(', ')}] and [${logStd.shape.join(', ')}]`,
      );
    }
    this.mean = mean;
    this.logStd = logStd;
  }

  /** σ = exp(logStd)  (shape of logStd). */
  std(): tf.Tensor {
    return tf.exp(this.logStd);
  }

  /** log N(x; μ, σ²) = Σ_d [−(x−μ)²/(2σ²) − log σ − ½·log 2π]  [batch]. */
  logProb(x: tf.Tensor2D): tf.Tensor1D {
    const z = tf.div(tf.sub(x, this.mean), this.std());
    const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(this.logStd, HALF_LOG_TWO_PI));
    return tf.sum(perDim, -1) as tf.Tensor1D;
  }

  /** H = Σ_d (½ + ½·log 2π + log σ)  [batch]. */
  entropy(): tf.Tensor1D {
    const logStd = tf.broadcastTo(this.logStd, this.mean.shape);
    return tf.sum(tf.add(logStd, 0.5 + HALF_LOG_TWO_PI), -1) as tf.Tensor1D;
  }

  /**
   * Reparameterised sample x = μ + σ ⊙ ε, ε ~ N(0, I) drawn from `rng` into a constant tensor,
   * so gradients flow to μ and logStd  [batch, d].
   */
  sample(rng: Rng): tf.Tensor2D {
    const epsilon = tf.tensor(rng.fillNormal(new Float32Array(this.mean.size)), this.mean.shape);
    return tf.add(this.mean, tf.mul(this.std(), epsilon));
  }

  /** The most likely point, μ  [batch, d] (a new tensor). */
  mode(): tf.Tensor2D {
    return tf.clone(this.mean);
  }

  /** KL(p ‖ q) = Σ_d [log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½]  [batch]. */
  kl(other: DiagGaussian): tf.Tensor1D {
    const varianceP = tf.exp(tf.mul(2, this.logStd));
    const varianceQ = tf.exp(tf.mul(2, other.logStd));
    const meanGap = tf.square(tf.sub(this.mean, other.mean));
    const perDim = tf.add(
      tf.sub(other.logStd, this.logStd),
      tf.sub(tf.div(tf.add(varianceP, meanGap), tf.mul(2, varianceQ)), 0.5),
    );
    return tf.sum(perDim, -1) as tf.Tensor1D;
  }
}
