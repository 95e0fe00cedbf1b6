import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link tdErrors}: one entry per transition. */
export interface TdErrorInput {
  /** r_t. [n] */
  readonly rewards: ArrayLike<number>;
  /** V(s_t). [n] */
  readonly values: ArrayLike<number>;
  /** V(s_{t+1}) of the observation the step led to (the episode's last one when it ended). [n] */
  readonly nextValues: ArrayLike<number>;
  /** 1 where s_{t+1} is terminal (no bootstrap); a truncated step is not terminal. [n] */
  readonly terminated: ArrayLike<number>;
  /** Discount γ. */
  readonly gamma: number;
}

/**
 * One-step TD targets y = r + γ·V(s')·(1 − terminated) and TD errors δ = y − V(s)
 * (Sutton & Barto 13.5), in float64, stored as float32.
 */
export function tdErrors(input: TdErrorInput): { targets: Float32Array; deltas: Float32Array } {
  const { rewards, values, nextValues, terminated, gamma } = input;
  const n = rewards.length;
  if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`tdErrors: gamma must be in [0, 1], got ${gamma}`);
  for (const [name, column] of [['values', values], ['nextValues', nextValues], ['terminated', terminated]] as const) {
    if (column.length !== n) throw new RangeError(`tdErrors: ${name} has length ${column.length}, rewards ${n}`);
  }
  const targets = new Float32Array(n);
  const deltas = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const y = rewards[i]! + (terminated[i] ? 0 : gamma * nextValues[i]!);
    targets[i] = y;
    deltas[i] = y - values[i]!;
  }
  return { targets, deltas };
}

/** Inputs of {@link actorCriticLoss}: tensors [batch]. */
export interface ActorCriticLossInput {
  /** log π_θ(a|s) under the actor being trained. */
  readonly logProbs: tf.Tensor1D;
  /** δ, the TD errors (constants). */
  readonly advantages: tf.Tensor1D;
  /** V_w(s) under the critic being trained. */
  readonly values: tf.Tensor1D;
  /** TD targets y (constants). */
  readonly targets: tf.Tensor1D;
  /** H(π_θ(·|s)); needed when `entropyCoefficient` > 0. */
  readonly entropy?: tf.Tensor1D;
  /** β of the entropy bonus. Default 0. */
  readonly entropyCoefficient?: number;
}

/** What {@link actorCriticLoss} returns: scalars. */
export interface ActorCriticLossResult {
  /** Actor loss −mean(δ·log π(a|s)) − β·mean H. */
  readonly policyLoss: tf.Scalar;
  /** Critic loss mean((V(s) − y)²). */
  readonly valueLoss: tf.Scalar;
  /** mean H (0 without `entropy`). */
  readonly entropy: tf.Scalar;
}

/**
 * The one-step actor-critic losses: the actor follows δ·∇log π(a|s) (+ β∇H), the critic
 * regresses V(s) on the TD target y (semi-gradient: y is a constant).
 */
export function actorCriticLoss(input: ActorCriticLossInput): ActorCriticLossResult {
  const { logProbs, advantages, values, targets, entropy, entropyCoefficient = 0 } = input;
  if (!(entropyCoefficient >= 0)) throw new RangeError(`actorCriticLoss: entropyCoefficient must be >= 0, got ${entropyCoefficient}`);
  if (entropyCoefficient > 0 && entropy === undefined) throw new Error('actorCriticLoss: an entropyCoefficient > 0 needs the entropy');
  const meanEntropy = (entropy === undefined ? tf.scalar(0) : tf.mean(entropy)) as tf.Scalar;
  const surrogate = tf.neg(tf.mean(tf.mul(logProbs, advantages)));
  const policyLoss = (entropyCoefficient > 0 ? tf.sub(surrogate, tf.mul(entropyCoefficient, meanEntropy)) : surrogate) as tf.Scalar;
  const valueLoss = tf.mean(tf.square(tf.sub(values, targets))) as tf.Scalar;
  return { policyLoss, valueLoss, entropy: meanEntropy };
}

/**
 * The transitions of one vector step that a one-step update learns from, with s' for each:
 * under `'same-step'` autoreset the ended episodes' last observations come from
 * `finalObservations`; under `'next-step'` the row of a sub-env whose episode ended in the
 * previous step is its reset step (no transition) and is left out (`pendingResets` marks those
 * rows and is updated in place).
 */
export function oneStepTransitions(input: {
  readonly observationSize: number;
  readonly nextObservations: Float32Array;
  readonly finalObservations?: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Next-step autoreset: 1 where the sub-env's current row is its reset step. null for same-step. */
  readonly pendingResets: Uint8Array | null;
}): { rows: Int32Array; nextObservations: Float32Array } {
  const { observationSize: d, nextObservations, finalObservations, terminated, truncated, pendingResets } = input;
  const numEnvs = terminated.length;
  const rows: number[] = [];
  for (let e = 0; e < numEnvs; e++) {
    if (pendingResets !== null) {
      if (pendingResets[e]) {
        pendingResets[e] = 0;
        continue;
      }
      if (terminated[e] || truncated[e]) pendingResets[e] = 1;
    }
    rows.push(e);
  }
  const next = new Float32Array(rows.length * d);
  rows.forEach((e, k) => {
    const ended = terminated[e] !== 0 || truncated[e] !== 0;
    const source = pendingResets === null && ended ? finalObservations : nextObservations;
    if (source === undefined) throw new Error('oneStepTransitions: same-step autoreset needs finalObservations for the episodes that ended');
    next.set(source.subarray(e * d, (e + 1) * d), k * d);
  });
  return { rows: Int32Array.from(rows), nextObservations: next };
}
