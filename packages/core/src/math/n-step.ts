import { checkIntegerAtLeast, checkSameLength, checkUnitInterval } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/** A flat sequence of `steps` transitions from one environment (episodes laid end to end). */
export interface NStepInput {
  /** r_t: reward received after the action at step t. */
  readonly rewards: Floats; // [steps]
  /** Non-zero where step t reached a terminal state: the window stops there, no bootstrap. */
  readonly terminated: Uint8Array; // [steps]
  /** Non-zero where step t was cut short: the window stops there and bootstraps from V(s_{t+1}). */
  readonly truncated: Uint8Array; // [steps]
  /**
   * V(s_{t+1}): value of the observation that followed step t (on a truncated step the final,
   * pre-reset observation). Omit it to get `returns` without a bootstrap term (V taken as 0),
   * e.g. when the learner bootstraps itself from `discounts` and `bootstrapIndices`.
   * Ignored, even if NaN, where the window ends on a terminated step.
   */
  readonly nextValues?: Floats; // [steps]
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Window length n ≥ 1. */
  readonly n: number;
}

/** Per-step results of {@link nStepTargets}, all `[steps]`. */
export interface NStepResult {
  /** G^(n)_t = rewardSums_t + discounts_t · V(s_{b_t + 1}), b_t = bootstrapIndices_t. */
  readonly returns: Float32Array;
  /** Σ_{k<m} γ^k·r_{t+k}, the discounted rewards inside the window (no bootstrap). */
  readonly rewardSums: Float32Array;
  /** γ^m·(1−terminated_{t+m−1}): the factor of the bootstrap value (0 when the window hit a termination). */
  readonly discounts: Float32Array;
  /**
   * t+m−1, the last step inside the window: the bootstrap state is the observation that followed
   * it (`nextObservation` of that step). m ≤ n is the window's effective length.
   */
  readonly bootstrapIndices: Int32Array;
}

/**
 * n-step returns over one environment's flat sequence:
 *
 *   G^(n)_t = Σ_{k<m} γ^k·r_{t+k} + γ^m·(1−terminated_{t+m−1})·V(s_{t+m})
 *
 * where the window length m = min(n, steps to the episode's end, steps to the sequence's end):
 * it stops early at a terminated step (no bootstrap), at a truncated step (bootstrap from the
 * value of the truncated step's true next state) and at the end of the sequence (bootstrap from
 * the last `nextValues`). With n = 1 this is the one-step target r_t + γ·(1−terminated_t)·V(s_{t+1}).
 * O(steps·n), float64 accumulation. Never mutates `input`.
 */
export function nStepTargets(input: NStepInput): NStepResult {
  const { rewards, terminated, truncated, nextValues, gamma, n } = input;
  const steps = rewards.length;
  checkSameLength('nStepTargets', 'terminated', terminated.length, 'rewards', steps);
  checkSameLength('nStepTargets', 'truncated', truncated.length, 'rewards', steps);
  if (nextValues !== undefined) checkSameLength('nStepTargets', 'nextValues', nextValues.length, 'rewards', steps);
  checkUnitInterval('nStepTargets', 'gamma', gamma);
  checkIntegerAtLeast('nStepTargets', 'n', n, 1);

  const returns = new Float32Array(steps);
  const rewardSums = new Float32Array(steps);
  const discounts = new Float32Array(steps);
  const bootstrapIndices = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    const end = Math.min(t + n, steps); // exclusive end of the window
    let sum = 0;
    let discount = 1; // γ^k
    let j = t;
    for (;;) {
      sum += discount * rewards[j]!;
      discount *= gamma;
      if (terminated[j] !== 0) {
        discount = 0;
        break;
      }
      if (truncated[j] !== 0 || j + 1 === end) break;
      j++;
    }
    rewardSums[t] = sum;
    discounts[t] = discount;
    bootstrapIndices[t] = j;
    returns[t] = discount === 0 || nextValues === undefined ? sum : sum + discount * nextValues[j]!;
  }
  return { returns, rewardSums, discounts, bootstrapIndices };
}
