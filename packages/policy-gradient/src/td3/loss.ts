import * as tf from '@tensorflow/tfjs-core';

/**
 * The critics' regression target, TD3's clipped double-Q:
 *   y = r + γ·(1 − terminated)·min_k Q'_k(s', ã)
 * With one critic this is DDPG's y = r + γ·(1 − terminated)·Q'(s', μ'(s')). Only `terminated`
 * stops the bootstrap: a truncated episode's last transition still bootstraps from s'.
 * Tensors [batch]; `nextQ` holds one or more target-critic values of (s', ã).
 */
export function td3Target(input: {
  rewards: tf.Tensor1D;
  terminated: tf.Tensor1D;
  nextQ: readonly tf.Tensor1D[];
  gamma: number;
}): tf.Tensor1D {
  const { rewards, terminated, nextQ, gamma } = input;
  if (nextQ.length === 0) throw new RangeError('td3Target: needs at least one target-critic value');
  return tf.tidy(() => {
    const minQ = nextQ.slice(1).reduce((m, q) => tf.minimum(m, q), nextQ[0]!);
    return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, terminated), gamma), minQ));
  });
}

/**
 * Target policy smoothing (TD3): ã = clip(μ'(s') + clip(ε, −c, c), −1, 1), with ε ~ N(0, σ²)
 * given as `noise` (same shape as `actions`, [batch, actionSize]), in the normalised action scale.
 */
export function targetPolicySmoothing(actions: tf.Tensor2D, noise: tf.Tensor2D, noiseClip: number): tf.Tensor2D {
  return tf.tidy(() => tf.clipByValue(tf.add(actions, tf.clipByValue(noise, -noiseClip, noiseClip)), -1, 1) as tf.Tensor2D);
}

/**
 * The critics' loss: Σ_k mean_i (Q_k(s_i, a_i) − y_i)², one term per critic (SB3's sum of MSEs),
 * so that both critics take one fused gradient step. `y` is a constant [batch].
 */
export function td3CriticLoss(q: readonly tf.Tensor1D[], targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.addN(q.map((qk) => tf.mean(tf.squaredDifference(qk, targets)))) as tf.Scalar);
}

/**
 * The deterministic policy gradient's loss (Silver et al. 2014): L(φ) = −mean_i Q_1(s_i, μ_φ(s_i)),
 * `q` [batch] the first critic's values of the actor's own actions.
 */
export function td3ActorLoss(q: tf.Tensor1D): tf.Scalar {
  return tf.neg(tf.mean(q)) as tf.Scalar;
}
