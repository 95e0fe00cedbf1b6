import type { Rng } from '../rng.js';

/** The kinds of space tfrl knows; `toJSON()` tags each description with one. */
export type SpaceKind = 'discrete' | 'box' | 'multi-discrete' | 'multi-binary' | 'tuple' | 'dict';

/** Numeric storage of a Box space's elements. */
export type BoxDtype = 'float32' | 'float64' | 'int32';

/** A JSON description of a space, enough to rebuild it with `spaceFromJSON`. */
export type SpaceJSON =
  | { kind: 'discrete'; n: number; start: number }
  | { kind: 'box'; shape: number[]; low: (number | null)[]; high: (number | null)[]; dtype: BoxDtype }
  | { kind: 'multi-discrete'; nvec: number[]; start: number[] }
  | { kind: 'multi-binary'; n: number }
  | { kind: 'tuple'; spaces: SpaceJSON[] }
  | { kind: 'dict'; spaces: Record<string, SpaceJSON> };

/**
 * A set of valid values (Gymnasium's `Space`). `T` is the value type, `M` the type of the
 * optional mask `sample` accepts (which values may be drawn).
 */
export interface Space<T = unknown, M = unknown> {
  readonly kind: SpaceKind;
  /** Shape of one value (`[]` for a scalar Discrete). */
  readonly shape: readonly number[];
  /** Length of `flatten(x)`. */
  readonly flatDim: number;
  /** True when `x` is a value of this space (right type, shape and bounds). */
  contains(x: unknown): x is T;
  /** A random value drawn with `rng`; `mask` restricts which values can come out. */
  sample(rng: Rng, mask?: M): T;
  /** Writes `x` as `flatDim` numbers into `out` at `offset` (a new array when `out` is omitted). */
  flatten(x: T, out?: Float32Array, offset?: number): Float32Array;
  /** Inverse of `flatten`: reads `flatDim` numbers from `flat` at `offset`. */
  unflatten(flat: ArrayLike<number>, offset?: number): T;
  /** A JSON description (for checkpoints and for comparing spaces). */
  toJSON(): SpaceJSON;
}

/** The value type of a space. */
export type SpaceValue<S> = S extends Space<infer T, unknown> ? T : never;
