import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfrl/core';
import { CategoricalDistribution, type Mlp } from '@tfrl/core/nn';
import type { ActionSpec } from './action-spec.js';
import type { ActionDistribution } from './actor-critic.js';

/** Actions drawn for a batch of rows, with their log-probabilities. */
export interface SampledActions {
  /** Discrete indices [rows] or Gaussian samples [rows × size]. */
  readonly actions: Int32Array | Float32Array;
  /** log π(a|s) [rows]. */
  readonly logProbs: Float32Array;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Actions for `rows` rows of a policy head read back: `head` holds log-probabilities [rows × n]
 * (Discrete) or means [rows × size] (Box, with the state-independent `logStd` [size]). Sampled
 * with `rng` (categorical by inverse CDF, Gaussian as μ + σ·ε with ε from `rng`), or the mode
 * with `deterministic`.
 */
export function sampleActions(
  action: ActionSpec,
  head: Float32Array,
  logStd: Float32Array | null,
  rows: number,
  rng: Rng,
  deterministic: boolean,
): SampledActions {
  if (action.kind === 'discrete') {
    const n = action.n;
    const actions = new Int32Array(rows);
    const logProbs = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const a = deterministic ? argmax(head, r * n, n) : sampleRow(head, r * n, n, rng);
      actions[r] = a;
      logProbs[r] = head[r * n + a]!;
    }
    return { actions, logProbs };
  }
  const d = action.size;
  const actions = new Float32Array(rows * d);
  const logProbs = new Float32Array(rows);
  const noise = deterministic ? null : rng.fillNormal(new Float32Array(rows * d));
  for (let r = 0; r < rows; r++) {
    let lp = 0;
    for (let j = 0; j < d; j++) {
      const i = r * d + j;
      const eps = noise === null ? 0 : noise[i]!;
      actions[i] = head[i]! + Math.exp(logStd![j]!) * eps;
      lp += -0.5 * eps * eps - logStd![j]! - HALF_LOG_TWO_PI;
    }
    logProbs[r] = lp;
  }
  return { actions, logProbs };
}

/** The tensor {@link sampleActions} reads: log-probabilities (categorical) or a copy of the means (Gaussian). */
export function distributionHead(distribution: ActionDistribution): tf.Tensor {
  const { inner } = distribution;
  return inner instanceof CategoricalDistribution ? inner.logProbabilities() : tf.clone(inner.mean);
}

/** Scales the last layer's weight of `net` by `gain` (small policy-head init, √2 hidden layers). */
export function scaleLastLayer(net: Mlp, gain: number): void {
  const { weight } = net.layers[net.layers.length - 1]!;
  tf.tidy(() => weight.assign(tf.mul(weight, gain)));
}

/** Index of the first largest of `values[offset … offset + n)`. */
export function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/** Inverse-CDF draw from one row of log-probabilities. */
export function sampleRow(logP: Float32Array, offset: number, n: number, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp(logP[offset + i]!);
  const target = rng.uniform() * total;
  let cumulative = 0;
  let chosen = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp(logP[offset + i]!);
    if (p <= 0) continue;
    chosen = i;
    cumulative += p;
    if (target < cumulative) break;
  }
  return chosen;
}
