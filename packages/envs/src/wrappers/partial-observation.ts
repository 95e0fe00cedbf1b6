import {
  Box,
  type BoxDtype,
  type BoxValue,
  type Env,
  type ResetOptions,
  type ResetResult,
  type Space,
  type StepResult,
} from '@tfrl/core';
import { requireBox, showValue } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/** Which elements of the (row-major flattened) Box observation {@link PartialObservation} keeps. */
export type PartialObservationSelection =
  | {
      /** Indices to keep, in the order they appear in the outer observation. */
      keep: readonly number[];
    }
  | {
      /** Indices to remove; the others stay in their order. */
      hide: readonly number[];
    };

/**
 * Removes chosen elements of a Box observation, turning an MDP into a POMDP (the setting
 * recurrent policies are for): CartPole without velocities is `{ keep: [0, 2] }` or
 * `{ hide: [1, 3] }`. The outer space is a Box([kept]) of the inner dtype with the kept
 * elements' bounds. Indices address the row-major flattened observation.
 */
export class PartialObservation<O extends BoxValue = BoxValue, A = unknown> extends Wrapper<O, A> {
  /** The kept indices of the inner observation, in outer order. */
  readonly kept: readonly number[];
  private readonly space: Box<BoxDtype>;
  private readonly scratch: Float64Array;

  constructor(env: Env<O, A>, selection: PartialObservationSelection) {
    super(env);
    const inner = requireBox('PartialObservation', 'observation', env.observationSpace);
    const size = inner.flatDim;
    const hasKeep = selection !== null && typeof selection === 'object' && 'keep' in selection;
    const hasHide = selection !== null && typeof selection === 'object' && 'hide' in selection;
    if (hasKeep === hasHide) {
      throw new TypeError('PartialObservation: selection must have exactly one of keep or hide');
    }
    const field = hasKeep ? 'keep' : 'hide';
    const indices: unknown = (selection as Record<string, unknown>)[field];
    if (!Array.isArray(indices)) {
      throw new TypeError(`PartialObservation: ${field} must be an array of indices, got ${showValue(indices)}`);
    }
    const seen = new Set<number>();
    for (const [i, index] of (indices as number[]).entries()) {
      if (!Number.isInteger(index) || index < 0 || index >= size) {
        throw new RangeError(`PartialObservation: ${field}[${i}] = ${index} is not an index in [0, ${size})`);
      }
      if (seen.has(index)) throw new RangeError(`PartialObservation: ${field} lists index ${index} twice`);
      seen.add(index);
    }
    const kept = hasKeep ? [...(indices as number[])] : Array.from({ length: size }, (_, i) => i).filter((i) => !seen.has(i));
    if (kept.length === 0) throw new RangeError(`PartialObservation: ${field} leaves no element of the observation`);
    this.kept = Object.freeze(kept);
    this.scratch = new Float64Array(kept.length);
    this.space = new Box({
      low: kept.map((i) => inner.low[i]!),
      high: kept.map((i) => inner.high[i]!),
      shape: [kept.length],
      dtype: inner.dtype,
    });
  }

  override get observationSpace(): Space<O> {
    return this.space as unknown as Space<O>;
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    const { observation, info } = this.env.reset(options);
    return { observation: this.select(observation), info };
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    return { ...result, observation: this.select(result.observation) };
  }

  private select(observation: O): O {
    // Float64 scratch keeps every dtype's values exact; unflatten allocates the outer dtype.
    this.kept.forEach((index, i) => (this.scratch[i] = observation[index]!));
    return this.space.unflatten(this.scratch) as O;
  }
}
