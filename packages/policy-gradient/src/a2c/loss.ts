import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link a2cLoss}: tensors [batch]. */
export interface A2cLossInput {
  /** log π_θ(a_t|s_t) of the actions taken, under the policy being trained. */
  readonly logProbs: tf.Tensor1D;
  /** Advantage estimates Â_t (constants). */
  readonly advantages: tf.Tensor1D;
  /** V_θ(s_t) being trained. */
  readonly values: tf.Tensor1D;
  /** Value targets R_t = Â_t + V_old(s_t) (constants, before any advantage normalisation). */
  readonly returns: tf.Tensor1D;
  /** H(π_θ(·|s_t)). */
  readonly entropy: tf.Tensor1D;
  /** Weight c₁ of the value loss. */
  readonly vfCoef: number;
  /** Weight c₂ of the entropy bonus. */
  readonly entCoef: number;
}

/** What {@link a2cLoss} returns: scalars. */
export interface A2cLossResult {
  /** L = L_π + c₁·L_V − c₂·H, the loss to minimise. */
  readonly loss: tf.Scalar;
  /** L_π = −mean(Â_t · log π_θ(a_t|s_t)). */
  readonly policyLoss: tf.Scalar;
  /** L_V = mean((V_θ(s_t) − R_t)²), as Stable-Baselines3 (no ½). */
  readonly valueLoss: tf.Scalar;
  /** H = mean(H(π_θ(·|s_t))). */
  readonly entropy: tf.Scalar;
}

/**
 * The A2C loss (Mnih et al. 2016, as Stable-Baselines3's A2C):
 *
 *   L = −mean(Â_t · log π_θ(a_t|s_t)) + c₁·mean((V_θ(s_t) − R_t)²) − c₂·mean(H(π_θ(·|s_t)))
 *
 * Â and R are constants: gradients reach the policy through log π and H, the critic through V.
 */
export function a2cLoss(input: A2cLossInput): A2cLossResult {
  const { logProbs, advantages, values, returns, entropy, vfCoef, entCoef } = input;
  if (!(vfCoef >= 0 && Number.isFinite(vfCoef))) throw new RangeError(`a2cLoss: vfCoef must be a finite number >= 0, got ${vfCoef}`);
  if (!(entCoef >= 0 && Number.isFinite(entCoef))) throw new RangeError(`a2cLoss: entCoef must be a finite number >= 0, got ${entCoef}`);
  const policyLoss = tf.neg(tf.mean(tf.mul(advantages, logProbs))) as tf.Scalar;
  const valueLoss = tf.mean(tf.square(tf.sub(values, returns))) as tf.Scalar;
  const meanEntropy = tf.mean(entropy) as tf.Scalar;
  const loss = tf.sub(tf.add(policyLoss, tf.mul(vfCoef, valueLoss)), tf.mul(entCoef, meanEntropy)) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy: meanEntropy };
}
