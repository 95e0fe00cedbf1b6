import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link sacQTarget}: tensors [batch]. */
export interface SacQTargetInput {
  readonly rewards: tf.Tensor1D;
  /** 1 where s' is terminal (a truncated episode still bootstraps). */
  readonly terminated: tf.Tensor1D;
  /** Q'_1(s', a') and Q'_2(s', a') of the target critics, a' ~ π(·|s') fresh. */
  readonly nextQ1: tf.Tensor1D;
  readonly nextQ2: tf.Tensor1D;
  /** log π(a'|s'). */
  readonly nextLogProbs: tf.Tensor1D;
  /** Temperature α (a number or a scalar tensor). */
  readonly alpha: number | tf.Scalar;
  readonly gamma: number;
}

/** The soft Q target y = r + γ(1 − done)(min(Q'_1, Q'_2)(s', a') − α log π(a'|s')) (Haarnoja et al. 2018b, eq. 3 with clipped double Q). [batch] */
export function sacQTarget(input: SacQTargetInput): tf.Tensor1D {
  const { rewards, terminated, nextQ1, nextQ2, nextLogProbs, alpha, gamma } = input;
  const softValue = tf.sub(tf.minimum(nextQ1, nextQ2), tf.mul(alpha, nextLogProbs));
  return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, terminated), gamma), softValue)) as tf.Tensor1D;
}

/** Inputs of {@link sacCriticLoss}: tensors [batch]. */
export interface SacCriticLossInput {
  /** Q_1(s, a), Q_2(s, a) of the replayed actions. */
  readonly q1: tf.Tensor1D;
  readonly q2: tf.Tensor1D;
  /** Targets y (constants). */
  readonly targets: tf.Tensor1D;
}

/** ½·(mean((Q_1 − y)²) + mean((Q_2 − y)²)): both critics in one loss (SB3's critic loss). */
export function sacCriticLoss(input: SacCriticLossInput): tf.Scalar {
  const { q1, q2, targets } = input;
  return tf.mul(0.5, tf.add(tf.mean(tf.squaredDifference(q1, targets)), tf.mean(tf.squaredDifference(q2, targets)))) as tf.Scalar;
}

/** Inputs of {@link sacActorLoss}: tensors [batch]. */
export interface SacActorLossInput {
  /** log π(ã|s) of reparameterised actions ã = tanh(μ + σε). */
  readonly logProbs: tf.Tensor1D;
  /** Q_1(s, ã), Q_2(s, ã): gradients flow through ã. */
  readonly q1: tf.Tensor1D;
  readonly q2: tf.Tensor1D;
  readonly alpha: number | tf.Scalar;
}

/** The policy loss mean(α log π(ã|s) − min(Q_1, Q_2)(s, ã)) (Haarnoja et al. 2018b, eq. 7). */
export function sacActorLoss(input: SacActorLossInput): tf.Scalar {
  const { logProbs, q1, q2, alpha } = input;
  return tf.mean(tf.sub(tf.mul(alpha, logProbs), tf.minimum(q1, q2))) as tf.Scalar;
}

/** Inputs of {@link sacTemperatureLoss}. */
export interface SacTemperatureLossInput {
  /** The learned log α (scalar). */
  readonly logAlpha: tf.Scalar;
  /** log π(ã|s) of the policy's own samples (constants). [batch] */
  readonly logProbs: tf.Tensor1D;
  /** H̄, usually −dim(A). */
  readonly targetEntropy: number;
}

/**
 * The temperature loss −mean(log α·(log π(ã|s) + H̄)) (Haarnoja et al. 2018b, eq. 18, on log α as
 * SB3): it raises α while the policy's entropy −log π is below H̄ and lowers it above.
 */
export function sacTemperatureLoss(input: SacTemperatureLossInput): tf.Scalar {
  const { logAlpha, logProbs, targetEntropy } = input;
  return tf.neg(tf.mean(tf.mul(logAlpha, tf.add(logProbs, targetEntropy)))) as tf.Scalar;
}
