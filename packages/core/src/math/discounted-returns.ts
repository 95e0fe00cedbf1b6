import { checkSameLength, checkUnitInterval } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/** Options of {@link discountedReturns}. */
export interface DiscountedReturnsOptions<T extends Floats = Float32Array> {
  /**
   * Episode ends, one flag per step (`[steps]`): a non-zero flag at step t cuts the sum there
   * (G_t = r_t), so one call can cover several episodes laid end to end.
   */
  readonly dones?: Uint8Array;
  /**
   * Value of the state after the last step, added (discounted) when the sequence stops
   * without a done flag on its last step, e.g. a time-limit cut or a rollout boundary. Default 0.
   */
  readonly bootstrap?: number;
  /** Where to write the result (`[steps]`); a new Float32Array when omitted. May be `rewards` itself. */
  readonly out?: T;
}

/**
 * Reward-to-go of every step:
 * G_t = r_t + γ·(1−done_t)·G_{t+1},  G_T = bootstrap  (T = number of steps).
 * Accumulates in float64 whatever the array types. Never mutates its inputs.
 */
export function discountedReturns<T extends Floats = Float32Array>(
  rewards: Floats, // [steps]
  gamma: number,
  options: DiscountedReturnsOptions<T> = {},
): T {
  checkUnitInterval('discountedReturns', 'gamma', gamma);
  const steps = rewards.length;
  const { dones, bootstrap = 0 } = options;
  if (dones !== undefined) checkSameLength('discountedReturns', 'dones', dones.length, 'rewards', steps);
  if (!Number.isFinite(bootstrap)) {
    throw new RangeError(`discountedReturns: bootstrap must be finite, got ${bootstrap}`);
  }
  const out = options.out ?? (new Float32Array(steps) as T);
  checkSameLength('discountedReturns', 'out', out.length, 'rewards', steps);
  let g = bootstrap;
  for (let t = steps - 1; t >= 0; t--) {
    g = dones !== undefined && dones[t] !== 0 ? rewards[t]! : rewards[t]! + gamma * g;
    out[t] = g;
  }
  return out;
}

/** Return of a whole episode: Σ_t γ^t·r_t (Horner's rule from the end, in float64). */
export function discountedSum(rewards: Floats, gamma: number): number {
  checkUnitInterval('discountedSum', 'gamma', gamma);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) g = rewards[t]! + gamma * g;
  return g;
}
