import * as tf from '@tensorflow/tfjs-core';
import { discountedReturns, discountedSum } from '@tfrl/core';
import type { ReinforceReturnKind, RunningMeanKind } from './config.js';

/**
 * The return weighting each step of whole episodes laid end to end (episode i spans rows
 * `offsets[i] … offsets[i + 1]`): `'reward-to-go'` G_t = Σ_{k≥t} γ^{k−t} r_k of its episode,
 * `'episode'` the episode's whole return G_0 = Σ_k γ^k r_k on every one of its steps. Monte
 * Carlo: nothing is bootstrapped, also for a truncated episode. [size]
 */
export function reinforceReturns(rewards: Float32Array, offsets: Int32Array, gamma: number, kind: ReinforceReturnKind): Float32Array {
  const size = rewards.length;
  if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== size) {
    throw new RangeError(`reinforceReturns: offsets must run from 0 to ${size} (the rewards), got [${Array.from(offsets).join(', ')}]`);
  }
  const out = new Float32Array(size);
  for (let i = 0; i + 1 < offsets.length; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (end < start) throw new RangeError(`reinforceReturns: offsets must not decrease, got ${start} then ${end}`);
    const episode = rewards.subarray(start, end);
    if (kind === 'reward-to-go') discountedReturns(episode, gamma, { out: out.subarray(start, end) });
    else out.fill(discountedSum(episode, gamma), start, end);
  }
  return out;
}

/** State of a running-mean baseline: the mean so far and how many returns it averages (0: none yet). */
export interface RunningMeanState {
  readonly mean: number;
  readonly count: number;
}

/**
 * The running mean after a batch of `returns`: `'exponential'` b ← d·b + (1 − d)·mean(returns)
 * (the first batch sets b = its mean); `'average'` the plain mean of every return seen.
 */
export function updateRunningMean(state: RunningMeanState, returns: Float32Array, kind: RunningMeanKind, decay: number): RunningMeanState {
  const n = returns.length;
  if (n === 0) return state;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]!;
  if (state.count === 0) return { mean: sum / n, count: n };
  if (kind === 'exponential') return { mean: decay * state.mean + (1 - decay) * (sum / n), count: state.count + n };
  const count = state.count + n;
  return { mean: state.mean + (sum - n * state.mean) / count, count };
}

/**
 * Advantages Â_t = G_t − b_t, with `baselines` one per step (a learned V(s_t)), one number for
 * every step (a running mean) or null (none); with `normalize` scaled to mean 0, standard
 * deviation 1 (population std, + 1e-8). [size]
 */
export function reinforceAdvantages(returns: Float32Array, baselines: Float32Array | number | null, normalize: boolean): Float32Array {
  const n = returns.length;
  if (baselines instanceof Float32Array && baselines.length !== n) {
    throw new RangeError(`reinforceAdvantages: ${baselines.length} baselines for ${n} returns`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = baselines === null ? 0 : typeof baselines === 'number' ? baselines : baselines[i]!;
    out[i] = returns[i]! - b;
  }
  if (normalize && n > 0) normalizeInPlace(out);
  return out;
}

/** x ← (x − mean(x)) / (std(x) + 1e-8), population std; computed in float64. */
export function normalizeInPlace(x: Float32Array): Float32Array {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (x[i]! - mean) ** 2;
  const scale = 1 / (Math.sqrt(squares / n) + 1e-8);
  for (let i = 0; i < n; i++) x[i] = (x[i]! - mean) * scale;
  return x;
}

/** Inputs of {@link reinforceLoss}: tensors [batch]. */
export interface ReinforceLossInput {
  /** log π_θ(a_t|s_t) under the policy being trained. */
  readonly logProbs: tf.Tensor1D;
  /** Â_t, constants (returns minus baseline). */
  readonly advantages: tf.Tensor1D;
  /** H(π_θ(·|s_t)); needed when `entropyCoefficient` > 0. */
  readonly entropy?: tf.Tensor1D;
  /** β of the entropy bonus. Default 0. */
  readonly entropyCoefficient?: number;
}

/** What {@link reinforceLoss} returns: scalars. */
export interface ReinforceLossResult {
  /** policyLoss − β·entropy, the loss to minimise. */
  readonly loss: tf.Scalar;
  /** −mean(log π(a|s)·Â), whose gradient is the (negated) REINFORCE estimate of ∇J. */
  readonly policyLoss: tf.Scalar;
  /** mean H(π(·|s)) (0 without `entropy`). */
  readonly entropy: tf.Scalar;
}

/**
 * REINFORCE's surrogate loss (Williams 1992): L = −mean_t(log π_θ(a_t|s_t)·Â_t) − β·mean_t H,
 * whose gradient is −(1/T)·Σ_t ∇log π(a_t|s_t)·Â_t − β∇H.
 */
export function reinforceLoss(input: ReinforceLossInput): ReinforceLossResult {
  const { logProbs, advantages, entropy, entropyCoefficient = 0 } = input;
  if (!(entropyCoefficient >= 0)) throw new RangeError(`reinforceLoss: entropyCoefficient must be >= 0, got ${entropyCoefficient}`);
  if (entropyCoefficient > 0 && entropy === undefined) throw new Error('reinforceLoss: an entropyCoefficient > 0 needs the entropy');
  const policyLoss = tf.neg(tf.mean(tf.mul(logProbs, advantages))) as tf.Scalar;
  const meanEntropy = (entropy === undefined ? tf.scalar(0) : tf.mean(entropy)) as tf.Scalar;
  const loss = (entropyCoefficient > 0 ? tf.sub(policyLoss, tf.mul(entropyCoefficient, meanEntropy)) : tf.add(policyLoss, 0)) as tf.Scalar;
  return { loss, policyLoss, entropy: meanEntropy };
}
