import { checkLength, checkRolloutLayout, checkUnitInterval } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/**
 * A rollout of `steps` steps from `numEnvs` environments, laid out as for
 * {@link computeGae}: every array `[steps, numEnvs]` row-major (entry t·numEnvs + e).
 */
export interface LambdaReturnsInput {
  /** r_t: reward received after the action at step t. */
  readonly rewards: Floats; // [steps, numEnvs]
  /**
   * V(s_{t+1}): value of the observation that followed step t; on a truncated step the value of
   * the final, pre-reset observation. Ignored, even if NaN, on terminated steps.
   */
  readonly nextValues: Floats; // [steps, numEnvs]
  /** Non-zero where step t reached a terminal state: G^λ_t = r_t. */
  readonly terminated: Uint8Array; // [steps, numEnvs]
  /** Non-zero where step t was cut short: G^λ_t = r_t + γ·V(s_{t+1}). */
  readonly truncated: Uint8Array; // [steps, numEnvs]
  /** Number of parallel environments (the row width). Default 1: a flat sequence. */
  readonly numEnvs?: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** λ in [0, 1]: 0 gives one-step TD targets, 1 gives Monte Carlo returns (bootstrapped at cuts). */
  readonly lambda: number;
}

/**
 * TD(λ) returns in the recursive form (Sutton & Barto 2018, eq. 12.3 rearranged):
 *
 *   G^λ_t = r_t + γ·(1−terminated_t)·[(1−λ)·V(s_{t+1}) + λ·G^λ_{t+1}]
 *
 * where G^λ_{t+1} is replaced by V(s_{t+1}) when step t was truncated or is the rollout's last
 * step, so dones are handled as in {@link computeGae}: with consistent values
 * (`nextValues` of step t = V(s_{t+1})), G^λ equals GAE's `returns`. Float64 accumulation;
 * writes into `out` when given, otherwise a new Float32Array. Never mutates `input`.
 */
export function lambdaReturns<T extends Floats = Float32Array>(input: LambdaReturnsInput, out?: T): T {
  const { rewards, nextValues, terminated, truncated, numEnvs = 1, gamma, lambda } = input;
  const n = rewards.length;
  checkRolloutLayout('lambdaReturns', numEnvs, n, { nextValues, terminated, truncated });
  checkUnitInterval('lambdaReturns', 'gamma', gamma);
  checkUnitInterval('lambdaReturns', 'lambda', lambda);
  const result = out ?? (new Float32Array(n) as T);
  checkLength('lambdaReturns', 'out', result.length, n, 'rewards.length');

  const nextReturn = new Float64Array(numEnvs); // G^λ_{t+1} per env
  for (let row = n - numEnvs; row >= 0; row -= numEnvs) {
    const lastRow = row === n - numEnvs;
    for (let e = 0; e < numEnvs; e++) {
      const i = row + e;
      let g = rewards[i]!;
      if (terminated[i] === 0) {
        const v = nextValues[i]!;
        g += lastRow || truncated[i] !== 0 ? gamma * v : gamma * ((1 - lambda) * v + lambda * nextReturn[e]!);
      }
      nextReturn[e] = g;
      result[i] = g;
    }
  }
  return result;
}
