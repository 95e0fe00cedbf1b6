import { checkLength, checkRolloutLayout, checkUnitInterval } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/**
 * A vectorised rollout of `steps` steps from `numEnvs` environments. Every array is
 * `[steps, numEnvs]` row-major: the entry of step t and env e sits at `t * numEnvs + e`.
 */
export interface GaeInput {
  /** r_t: reward received after the action at step t. */
  readonly rewards: Floats; // [steps, numEnvs]
  /** V(s_t): value of the observation the action at step t was chosen from. */
  readonly values: Floats; // [steps, numEnvs]
  /**
   * V(s_{t+1}): value of the observation that followed step t. Inside an episode this is
   * `values` of step t+1; on the last step of the rollout it is the value of the last
   * observation; on a truncated step it is the value of the final, pre-reset observation
   * (not of the reset one). Ignored, even if NaN, on terminated steps.
   */
  readonly nextValues: Floats; // [steps, numEnvs]
  /** Non-zero where step t reached a terminal state: no bootstrap, the episode ends. */
  readonly terminated: Uint8Array; // [steps, numEnvs]
  /** Non-zero where step t was cut short (time limit): bootstrap from V(s_{t+1}), the episode ends. */
  readonly truncated: Uint8Array; // [steps, numEnvs]
  /** Number of parallel environments (the row width); `steps` is `rewards.length / numEnvs`. */
  readonly numEnvs: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** GAE λ in [0, 1]: 0 gives one-step TD errors, 1 gives Monte Carlo returns minus V. */
  readonly gaeLambda: number;
}

/** Advantages and value targets from {@link computeGae}, both `[steps, numEnvs]`. */
export interface GaeResult<T extends Floats = Float32Array> {
  /** A_t, the GAE(λ) advantage estimates. */
  readonly advantages: T;
  /** A_t + V(s_t): the value-function targets (TD(λ) returns). */
  readonly returns: T;
}

/**
 * Generalised advantage estimation, GAE(γ, λ) (Schulman et al. 2016), over a vectorised rollout:
 *
 *   δ_t = r_t + γ·(1−terminated_t)·V(s_{t+1}) − V(s_t)
 *   A_t = δ_t + γλ·(1−done_t)·A_{t+1},   done_t = terminated_t ∨ truncated_t,   A_steps = 0
 *   returns_t = A_t + V(s_t)
 *
 * The advantage recursion stops at every episode end, but on truncation δ still bootstraps
 * from the value of the true next state (`nextValues`), so a time limit is not mistaken for
 * a terminal state. Recursions run per env along the step axis, in float64.
 *
 * Writes into `out` when given (both arrays `[steps, numEnvs]`, distinct), otherwise into new
 * Float32Arrays. Never mutates `input`.
 */
export function computeGae<T extends Floats = Float32Array>(input: GaeInput, out?: GaeResult<T>): GaeResult<T> {
  const { rewards, values, nextValues, terminated, truncated, numEnvs, gamma, gaeLambda } = input;
  const n = rewards.length;
  checkRolloutLayout('computeGae', numEnvs, n, { values, nextValues, terminated, truncated });
  checkUnitInterval('computeGae', 'gamma', gamma);
  checkUnitInterval('computeGae', 'gaeLambda', gaeLambda);
  const advantages = out?.advantages ?? (new Float32Array(n) as T);
  const returns = out?.returns ?? (new Float32Array(n) as T);
  checkLength('computeGae', 'out.advantages', advantages.length, n, 'rewards.length');
  checkLength('computeGae', 'out.returns', returns.length, n, 'rewards.length');
  if (advantages === returns) throw new RangeError('computeGae: out.advantages and out.returns must be distinct');

  const gl = gamma * gaeLambda;
  const nextAdvantage = new Float64Array(numEnvs); // A_{t+1} per env; 0 past the rollout's end
  for (let row = n - numEnvs; row >= 0; row -= numEnvs) {
    for (let e = 0; e < numEnvs; e++) {
      const i = row + e;
      const value = values[i]!;
      let a: number;
      if (terminated[i] !== 0) {
        a = rewards[i]! - value; // no bootstrap, and the recursion stops
      } else {
        a = rewards[i]! + gamma * nextValues[i]! - value;
        if (truncated[i] === 0) a += gl * nextAdvantage[e]!;
      }
      nextAdvantage[e] = a;
      advantages[i] = a;
      returns[i] = a + value;
    }
  }
  return { advantages, returns };
}
