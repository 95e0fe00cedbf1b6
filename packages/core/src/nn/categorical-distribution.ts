import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

/**
 * Categorical policy distribution from unnormalised logits [batch, n]: p = softmax(logits).
 * Tensor-returning methods create tensors (call them inside `tf.tidy` or a gradient function);
 * `sample` and `mode` read the probabilities back and return plain Int32Arrays for the env.
 * The logits stay owned by the caller.
 */
export class CategoricalDistribution {
  readonly logits: tf.Tensor2D; // [batch, n]

  constructor(logits: tf.Tensor2D) {
    if (logits.rank !== 2) throw new RangeError(`CategoricalDistribution: logits must be [batch, n], got [${logits.shape.join(', ')}]`);
    this.logits = logits;
  }

  /** Number of categories n. */
  get categories(): number {
    return this.logits.shape[1];
  }

  /** p = softmax(logits)  [batch, n]. */
  probabilities(): tf.Tensor2D {
    return tf.softmax(this.logits, -1);
  }

  /** log p = logits − logΣexp(logits)  [batch, n]. */
  logProbabilities(): tf.Tensor2D {
    return tf.logSoftmax(this.logits, -1);
  }

  /** log p(a) for int32 actions [batch] → [batch]. */
  logProb(actions: tf.Tensor1D): tf.Tensor1D {
    if (actions.dtype !== 'int32') throw new TypeError(`CategoricalDistribution.logProb: actions must be int32, got ${actions.dtype}`);
    const mask = tf.oneHot(actions, this.categories); // [batch, n]
    return tf.sum(tf.mul(mask, this.logProbabilities()), 1) as tf.Tensor1D;
  }

  /** H = −Σ_i p_i·log p_i  [batch]. */
  entropy(): tf.Tensor1D {
    const logP = this.logProbabilities();
    return tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 1)) as tf.Tensor1D;
  }

  /** KL(p ‖ q) = Σ_i p_i·(log p_i − log q_i)  [batch]. */
  kl(other: CategoricalDistribution): tf.Tensor1D {
    const logP = this.logProbabilities();
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, other.logProbabilities())), 1) as tf.Tensor1D;
  }

  /** a ~ p per row by inverting the cumulative probabilities with one uniform draw: Int32Array [batch]. */
  sample(rng: Rng): Int32Array {
    const [batch, n] = this.logits.shape;
    const probsTensor = tf.tidy(() => this.probabilities());
    const probs = probsTensor.dataSync();
    probsTensor.dispose();
    const out = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const row = b * n;
      let total = 0;
      for (let i = 0; i < n; i++) total += probs[row + i]!;
      const target = rng.uniform() * total;
      let cumulative = 0;
      let chosen = -1;
      for (let i = 0; i < n; i++) {
        const p = probs[row + i]!;
        if (p <= 0) continue;
        chosen = i; // last positive entry: where rounding lands a target past the end
        cumulative += p;
        if (target < cumulative) break;
      }
      if (chosen < 0) throw new RangeError(`CategoricalDistribution.sample: row ${b} has no positive probability`);
      out[b] = chosen;
    }
    return out;
  }

  /** argmax_i p_i per row (first index on ties): Int32Array [batch]. */
  mode(): Int32Array {
    const [batch, n] = this.logits.shape;
    const logits = this.logits.dataSync();
    const out = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      let best = 0;
      for (let i = 1; i < n; i++) if (logits[b * n + i]! > logits[b * n + best]!) best = i;
      out[b] = best;
    }
    return out;
  }
}
