import * as tf from '@tensorflow/tfjs-core';

/** What {@link a3cTargets} returns, per step of a rollout. */
export interface A3cTargets {
  /** n-step returns R_t = r_t + γR_{t+1}, R_n = the bootstrap value. */
  readonly returns: Float32Array;
  /** Advantages R_t − V(s_t) (constants of the policy gradient). */
  readonly advantages: Float32Array;
}

/**
 * The targets of one worker's rollout of n ≤ t_max steps (Algorithm S3): going backwards from
 * R = `bootstrap` (0 after a terminal state, V(s_{t+n}) after t_max steps or a truncation),
 * R ← r_i + γR; the advantage is R − V(s_i) with the values recorded when acting.
 */
export function a3cTargets(rewards: ArrayLike<number>, values: ArrayLike<number>, bootstrap: number, gamma: number): A3cTargets {
  const n = rewards.length;
  if (values.length !== n) throw new RangeError(`a3cTargets: ${n} rewards but ${values.length} values`);
  const returns = new Float32Array(n);
  const advantages = new Float32Array(n);
  let R = bootstrap;
  for (let i = n - 1; i >= 0; i--) {
    R = rewards[i]! + gamma * R;
    returns[i] = R;
    advantages[i] = R - values[i]!;
  }
  return { returns, advantages };
}

/** Inputs of {@link a3cLoss}: tensors [n] over a rollout. */
export interface A3cLossInput {
  /** log π(a_i|s_i; θ'). */
  readonly logProbs: tf.Tensor1D;
  /** V(s_i; θ'_v). */
  readonly values: tf.Tensor1D;
  /** H(π(·|s_i; θ')). */
  readonly entropy: tf.Tensor1D;
  /** n-step returns (constants). */
  readonly returns: tf.Tensor1D;
  /** R_i − V(s_i) (constants: no gradient flows into the value through the policy loss). */
  readonly advantages: tf.Tensor1D;
  readonly vfCoef: number;
  readonly entCoef: number;
}

/** Scalars of {@link a3cLoss}. */
export interface A3cLossResult {
  /** policyLoss + vfCoef·valueLoss − entCoef·entropy, minimised. */
  readonly loss: tf.Scalar;
  /** −mean(log π(a|s)·A). */
  readonly policyLoss: tf.Scalar;
  /** mean((R − V)²). */
  readonly valueLoss: tf.Scalar;
  /** mean(H). */
  readonly entropy: tf.Scalar;
}

/**
 * A3C's loss for one rollout: the policy gradient −log π(a|s)·(R − V), the value regression
 * (R − V)² and the entropy bonus β·H of Algorithm S3 (eq. in Section 4), averaged over the
 * rollout's steps (the paper sums; a mean keeps the step size independent of n).
 */
export function a3cLoss(input: A3cLossInput): A3cLossResult {
  const { logProbs, values, entropy, returns, advantages, vfCoef, entCoef } = input;
  const policyLoss = tf.neg(tf.mean(tf.mul(logProbs, advantages))) as tf.Scalar;
  const valueLoss = tf.mean(tf.square(tf.sub(returns, values))) as tf.Scalar;
  const meanEntropy = tf.mean(entropy) as tf.Scalar;
  const loss = tf.sub(tf.add(policyLoss, tf.mul(valueLoss, vfCoef)), tf.mul(meanEntropy, entCoef)) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy: meanEntropy };
}

/** ‖g‖ of a flat gradient; scales it in place to norm `maxNorm` when larger (null: no clip). Returns the norm before. */
export function clipFlatGradient(grad: Float32Array, maxNorm: number | null): number {
  let sum = 0;
  for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!;
  const norm = Math.sqrt(sum);
  if (maxNorm !== null && norm > maxNorm) {
    const scale = maxNorm / norm;
    for (let i = 0; i < grad.length; i++) grad[i]! *= scale;
  }
  return norm;
}

/** Settings of {@link sharedRmsPropStep}. */
export interface RmsPropStep {
  readonly learningRate: number;
  /** α of g ← αg + (1 − α)Δ². */
  readonly decay: number;
  readonly epsilon: number;
}

/**
 * Shared RMSProp (Mnih et al. 2016, Section 4 and S2), applied in place to arrays that may
 * live in a SharedArrayBuffer: per element, g ← αg + (1 − α)Δ², θ ← θ − ηΔ/(√g + ε).
 * Lock-free (Hogwild!): other threads may update the same elements meanwhile; each element is
 * read and written whole (4-byte aligned), so a race loses at most one thread's contribution to it.
 */
export function sharedRmsPropStep(params: Float32Array, squareAvg: Float32Array, grad: Float32Array, step: RmsPropStep): void {
  const { learningRate: lr, decay, epsilon } = step;
  const n = grad.length;
  if (params.length < n || squareAvg.length < n) throw new RangeError(`sharedRmsPropStep: ${n} gradients for ${params.length} parameters, ${squareAvg.length} statistics`);
  for (let i = 0; i < n; i++) {
    const d = grad[i]!;
    const g = decay * squareAvg[i]! + (1 - decay) * d * d;
    squareAvg[i] = g;
    params[i] = params[i]! - (lr * d) / (Math.sqrt(g) + epsilon);
  }
}

/** Settings of {@link sharedAdamStep}. */
export interface AdamStep {
  readonly learningRate: number;
  readonly epsilon: number;
  /** The optimizer's step count t ≥ 1 after this step (bias correction). */
  readonly t: number;
  readonly beta1?: number;
  readonly beta2?: number;
}

/**
 * Adam (Kingma & Ba 2015) with shared moments, in place, lock-free as {@link sharedRmsPropStep}:
 * m ← β₁m + (1 − β₁)Δ, v ← β₂v + (1 − β₂)Δ², θ ← θ − η·(m/(1 − β₁ᵗ))/(√(v/(1 − β₂ᵗ)) + ε).
 */
export function sharedAdamStep(params: Float32Array, m: Float32Array, v: Float32Array, grad: Float32Array, step: AdamStep): void {
  const { learningRate: lr, epsilon, t, beta1 = 0.9, beta2 = 0.999 } = step;
  if (!(Number.isInteger(t) && t >= 1)) throw new RangeError(`sharedAdamStep: t must be an integer >= 1, got ${t}`);
  const n = grad.length;
  if (params.length < n || m.length < n || v.length < n) throw new RangeError(`sharedAdamStep: ${n} gradients for ${params.length} parameters`);
  const c1 = 1 - beta1 ** t;
  const c2 = 1 - beta2 ** t;
  for (let i = 0; i < n; i++) {
    const d = grad[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * d;
    const vi = beta2 * v[i]! + (1 - beta2) * d * d;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
  }
}

/** η at `progress` ∈ [0, 1] of a run: constant, or annealed linearly to 0. */
export function scheduledLearningRate(learningRate: number, schedule: 'constant' | 'linear', progress: number): number {
  if (schedule === 'constant') return learningRate;
  return learningRate * Math.max(0, 1 - Math.min(1, Math.max(0, progress)));
}
