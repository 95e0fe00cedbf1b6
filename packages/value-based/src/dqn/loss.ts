import * as tf from '@tensorflow/tfjs-core';
import type { DqnLossKind } from './config.js';

// Pure functions of tensors: they create tensors (call them inside tf.tidy or a gradient
// function) and never write into their inputs.

/** Added to the Q-values of masked actions so that no max or argmax picks them. */
const MASKED = -1e9;

/** Q-values with masked actions pushed to −1e9: q + (mask − 1)·10⁹. [batch, actions] */
export function maskQValues(q: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor2D {
  return mask === undefined ? q : tf.add(q, tf.mul(tf.sub(mask, 1), -MASKED));
}

/** Inputs of {@link tdTarget}. */
export interface TdTargetInput {
  /** r, or Σ_{k<n} γ^k r_{t+k} for n-step transitions. [batch] */
  readonly rewards: tf.Tensor1D;
  /** γ^n (γ for one-step transitions). [batch] */
  readonly discounts: tf.Tensor1D;
  /** 1 where s' is terminal (no bootstrap), else 0; never truncation. [batch] */
  readonly terminated: tf.Tensor1D;
  /** Q_target(s', ·). [batch, actions] */
  readonly nextQTarget: tf.Tensor2D;
  /** 1 for the actions allowed in s', 0 otherwise; omitted: all allowed. [batch, actions] */
  readonly nextMask?: tf.Tensor2D;
}

/** Inputs of {@link doubleQTarget}: those of {@link tdTarget} plus the online net's Q(s', ·). */
export interface DoubleQTargetInput extends TdTargetInput {
  /** Q_online(s', ·). [batch, actions] */
  readonly nextQOnline: tf.Tensor2D;
}

/** y = r + γ^n·(1 − terminated)·max_{a allowed} Q_target(s', a)  (Mnih et al. 2015). [batch] */
export function tdTarget(input: TdTargetInput): tf.Tensor1D {
  const { rewards, discounts, terminated, nextQTarget, nextMask } = input;
  const nextValue = tf.max(maskQValues(nextQTarget, nextMask), 1);
  return bootstrap(rewards, discounts, terminated, nextValue as tf.Tensor1D);
}

/**
 * y = r + γ^n·(1 − terminated)·Q_target(s', argmax_{a allowed} Q_online(s', a))
 * (Double DQN, van Hasselt et al. 2016): the online net picks, the target net values. [batch]
 */
export function doubleQTarget(input: DoubleQTargetInput): tf.Tensor1D {
  const { rewards, discounts, terminated, nextQTarget, nextQOnline, nextMask } = input;
  const best = greedyActions(nextQOnline, nextMask);
  const nextValue = gatherActions(nextQTarget, best);
  return bootstrap(rewards, discounts, terminated, nextValue);
}

/** argmax_{a allowed} q(·, a) (first index on ties). [batch] int32 */
export function greedyActions(q: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor1D {
  return tf.argMax(maskQValues(q, mask), 1) as tf.Tensor1D;
}

/** x(i, a_i) for each row i: Σ_a x(i, a)·1[a = a_i]. `x` [batch, actions], `actions` [batch] int32 → [batch]. */
export function gatherActions(x: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
  const oneHot = tf.oneHot(tf.cast(actions, 'int32'), x.shape[1]);
  return tf.sum(tf.mul(x, oneHot), 1) as tf.Tensor1D;
}

function bootstrap(rewards: tf.Tensor1D, discounts: tf.Tensor1D, terminated: tf.Tensor1D, nextValue: tf.Tensor1D): tf.Tensor1D {
  // (1 − terminated) multiplies a finite value even where every action of s' is masked.
  return tf.add(rewards, tf.mul(tf.mul(discounts, tf.sub(1, terminated)), nextValue)) as tf.Tensor1D;
}

/** Inputs of {@link dqnLoss}. */
export interface DqnLossInput {
  /** Q_online(s, ·). [batch, actions] */
  readonly q: tf.Tensor2D;
  /** a taken in s. [batch] int32 */
  readonly actions: tf.Tensor1D;
  /** y (a constant: from {@link tdTarget} or {@link doubleQTarget}). [batch] */
  readonly targets: tf.Tensor1D;
  /** Importance-sampling weights w_i (prioritized replay); omitted: all 1. [batch] */
  readonly weights?: tf.Tensor1D;
  /** Huber with κ = 1 (SB3's smooth L1) or squared error. */
  readonly kind: DqnLossKind;
}

/** What {@link dqnLoss} returns. */
export interface DqnLossResult {
  /** L = (1/B)·Σ_i w_i·ℓ(δ_i). */
  readonly loss: tf.Scalar;
  /** δ_i = Q(s_i, a_i) − y_i (new priorities are |δ_i|). [batch] */
  readonly tdErrors: tf.Tensor1D;
  /** Q(s_i, a_i). [batch] */
  readonly chosenQ: tf.Tensor1D;
}

/**
 * L = (1/B)·Σ_i w_i·ℓ(δ_i),  δ_i = Q(s_i, a_i) − y_i,
 * ℓ(δ) = ½δ² for |δ| ≤ 1 and |δ| − ½ otherwise (Huber), or δ² (MSE).
 */
export function dqnLoss(input: DqnLossInput): DqnLossResult {
  const { q, actions, targets, weights, kind } = input;
  const chosenQ = gatherActions(q, actions);
  const tdErrors = tf.sub(chosenQ, targets) as tf.Tensor1D;
  let perSample: tf.Tensor1D;
  if (kind === 'huber') {
    const absolute = tf.abs(tdErrors);
    const quadratic = tf.minimum(absolute, 1);
    // ½·min(|δ|, 1)² + (|δ| − min(|δ|, 1))
    perSample = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(absolute, quadratic)) as tf.Tensor1D;
  } else {
    perSample = tf.square(tdErrors);
  }
  const weighted = weights === undefined ? perSample : tf.mul(perSample, weights);
  return { loss: tf.mean(weighted) as tf.Scalar, tdErrors, chosenQ };
}

/** Inputs of {@link categoricalLoss}. */
export interface CategoricalLossInput {
  /** log p_online(s, ·) over the atoms. [batch, actions, atoms] */
  readonly logProbabilities: tf.Tensor3D;
  /** a taken in s. [batch] int32 */
  readonly actions: tf.Tensor1D;
  /** m: the projected target distribution Φ T̂Z(s, a) from core's `categoricalProjection`. [batch, atoms] */
  readonly targetProbabilities: tf.Tensor2D;
  /** Importance-sampling weights w_i; omitted: all 1. [batch] */
  readonly weights?: tf.Tensor1D;
}

/** What {@link categoricalLoss} returns. */
export interface CategoricalLossResult {
  /** L = (1/B)·Σ_i w_i·ℓ_i. */
  readonly loss: tf.Scalar;
  /** ℓ_i = −Σ_j m_ij·log p_j(s_i, a_i), the priorities of prioritized replay (Rainbow). [batch] */
  readonly perSample: tf.Tensor1D;
}

/**
 * C51 loss (Bellemare et al. 2017): the cross-entropy of the projected target m against the
 * online distribution of the action taken, ℓ_i = −Σ_j m_ij·log p_j(s_i, a_i), L = (1/B)·Σ_i w_i·ℓ_i.
 */
export function categoricalLoss(input: CategoricalLossInput): CategoricalLossResult {
  const { logProbabilities, actions, targetProbabilities, weights } = input;
  const [, numActions] = logProbabilities.shape;
  const oneHot = tf.expandDims(tf.oneHot(tf.cast(actions, 'int32'), numActions), 2); // [batch, actions, 1]
  const chosen = tf.sum(tf.mul(logProbabilities, oneHot), 1); // [batch, atoms]
  const perSample = tf.neg(tf.sum(tf.mul(targetProbabilities, chosen), 1)) as tf.Tensor1D;
  const weighted = weights === undefined ? perSample : tf.mul(perSample, weights);
  return { loss: tf.mean(weighted) as tf.Scalar, perSample };
}
