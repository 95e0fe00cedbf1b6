import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link ppoClipLoss}: tensors [batch]. */
export interface PpoClipLossInput {
  /** log π_θ(a|s) under the policy being trained. */
  readonly logProbs: tf.Tensor1D;
  /** log π_θold(a|s) recorded when acting (constants). */
  readonly oldLogProbs: tf.Tensor1D;
  /** Advantage estimates Â (constants, normalised or not). */
  readonly advantages: tf.Tensor1D;
  /** ε of the clip range [1 − ε, 1 + ε]. */
  readonly clipRange: number;
}

/** What {@link ppoClipLoss} returns. */
export interface PpoClipLossResult {
  /** −mean(min(r·Â, clip(r, 1 − ε, 1 + ε)·Â)), the loss to minimise. */
  readonly loss: tf.Scalar;
  /** Fraction of rows where the clip was active (|r − 1| > ε). */
  readonly clipFraction: tf.Scalar;
  /** mean((r − 1) − log r), an unbiased, non-negative estimate of KL(π_old ‖ π_θ) (Schulman's k3). */
  readonly approxKl: tf.Scalar;
}

/**
 * PPO's clipped surrogate objective (Schulman et al. 2017, eq. 7), negated for minimisation,
 * with r = exp(log π_θ − log π_θold).
 */
export function ppoClipLoss(input: PpoClipLossInput): PpoClipLossResult {
  const { logProbs, oldLogProbs, advantages, clipRange } = input;
  if (!(clipRange > 0)) throw new RangeError(`ppoClipLoss: clipRange must be > 0, got ${clipRange}`);
  const logRatio = tf.sub(logProbs, oldLogProbs);
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(ratio, advantages);
  const clipped = tf.mul(clip(ratio, 1 - clipRange, 1 + clipRange), advantages);
  const loss = tf.neg(tf.mean(tf.minimum(unclipped, clipped))) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRange), 'float32')) as tf.Scalar;
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  return { loss, clipFraction, approxKl };
}

/** Inputs of {@link valueLoss}: tensors [batch]. */
export interface ValueLossInput {
  /** V_θ(s) being trained. */
  readonly values: tf.Tensor1D;
  /** Regression targets (returns). */
  readonly returns: tf.Tensor1D;
  /** V recorded when acting; needed with `clipRange`. */
  readonly oldValues?: tf.Tensor1D;
  /** Clip V to oldValues ± clipRange and take the larger error (PPO2's value clipping); null: plain. */
  readonly clipRange?: number | null;
}

/**
 * ½-less mean squared error mean((V − R)²) as Stable-Baselines3; with a clip range the
 * pessimistic max((V − R)², (clip(V, V_old ± ε) − R)²) of OpenAI baselines' PPO2.
 */
export function valueLoss(input: ValueLossInput): tf.Scalar {
  const { values, returns, oldValues, clipRange = null } = input;
  const plain = tf.square(tf.sub(values, returns));
  if (clipRange === null) return tf.mean(plain) as tf.Scalar;
  if (oldValues === undefined) throw new Error('valueLoss: a clipRange needs oldValues');
  if (!(clipRange > 0)) throw new RangeError(`valueLoss: clipRange must be > 0, got ${clipRange}`);
  const clippedValues = tf.add(oldValues, clip(tf.sub(values, oldValues), -clipRange, clipRange));
  return tf.mean(tf.maximum(plain, tf.square(tf.sub(clippedValues, returns)))) as tf.Scalar;
}

/**
 * min(max(x, low), high). Not tf.clipByValue: the wasm backend's XNNPACK clamp refuses
 * low = high (a clip range decayed to ~0 makes 1 − ε and 1 + ε the same float32) and then
 * leaves its output unwritten.
 */
function clip(x: tf.Tensor, low: number, high: number): tf.Tensor {
  return tf.minimum(tf.maximum(x, low), high);
}
