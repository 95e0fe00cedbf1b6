import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link offPolicyQTarget}: tensors [batch]. */
export interface OffPolicyQTargetInput {
  readonly rewards: tf.Tensor1D;
  /** 1 where s' is terminal (truncated episodes bootstrap). */
  readonly terminated: tf.Tensor1D;
  /** Q(s', a') with a' ~ π(·|s') drawn fresh from the CURRENT policy (not the replayed action). */
  readonly nextQ: tf.Tensor1D;
  readonly gamma: number;
}

/** The target of Q^π (CS285 lecture 6, off-policy actor-critic step 3): y = r + γ(1 − done)·Q(s', a'), a' ~ π(·|s'). [batch] */
export function offPolicyQTarget(input: OffPolicyQTargetInput): tf.Tensor1D {
  const { rewards, terminated, nextQ, gamma } = input;
  return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, terminated), gamma), nextQ)) as tf.Tensor1D;
}

/** Inputs of {@link offPolicyActorLoss}: tensors [batch], a^π ~ π(·|s) fresh at replayed states. */
export interface OffPolicyActorLossInput {
  /** log π(a^π|s). */
  readonly logProbs: tf.Tensor1D;
  /** Q(s, a^π). */
  readonly q: tf.Tensor1D;
  /**
   * 'reparameterized': Q carries the gradient through a^π: loss mean(β log π − Q);
   * 'likelihood-ratio': Q is a constant weight (compute it outside the gradient function): loss
   * −mean(log π·Q) (β is not used).
   */
  readonly kind: 'reparameterized' | 'likelihood-ratio';
  /** Entropy bonus weight β ≥ 0. */
  readonly entropyCoefficient: number;
}

/**
 * The actor loss whose gradient is −(1/N)Σ_i ∇ log π(a^π_i|s_i)·Q(s_i, a^π_i) (likelihood
 * ratio, CS285 lecture 6 step 4) or −(1/N)Σ_i ∇ Q(s_i, a^π_i(θ)) + β∇ log π (reparameterised).
 */
export function offPolicyActorLoss(input: OffPolicyActorLossInput): tf.Scalar {
  const { logProbs, q, kind, entropyCoefficient } = input;
  if (kind === 'likelihood-ratio') return tf.neg(tf.mean(tf.mul(logProbs, q))) as tf.Scalar;
  return tf.mean(tf.sub(tf.mul(entropyCoefficient, logProbs), q)) as tf.Scalar;
}
