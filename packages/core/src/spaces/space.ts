import type { Rng } from '../rng.js';

/** The kinds of space tfrl knows; `toJSON()` tags each description with one. */
export type SpaceKind = 'discrete' | 'box' | 'multi-discrete' | 'multi-binary' | 'tuple' | 'dict';

/** Numeric storage of a Box space's elements. */
export type BoxDtype = 'float32' | 'float64' | 'int32';

/** JSON of a {@link Space} of kind `discrete`: the integers `start .. start + n - 1`. */
export interface DiscreteJSON {
  kind: 'discrete';
  n: number;
  start: number;
}

/**
 * JSON of a {@link Space} of kind `box`. JSON has no infinities, so `null` stands for an
 * unbounded side: `null` in `low` is -Infinity, `null` in `high` is +Infinity. Bounds are
 * row-major, one per element, or a single bound shared by every element.
 */
export interface BoxJSON {
  kind: 'box';
  shape: number[];
  /** Lower bounds; `null` means -Infinity (unbounded below). */
  low: (number | null)[];
  /** Upper bounds; `null` means +Infinity (unbounded above). */
  high: (number | null)[];
  dtype: BoxDtype;
}

/** JSON of a {@link Space} of kind `multi-discrete`. */
export interface MultiDiscreteJSON {
  kind: 'multi-discrete';
  nvec: number[];
  start: number[];
}

/** JSON of a {@link Space} of kind `multi-binary`. */
export interface MultiBinaryJSON {
  kind: 'multi-binary';
  n: number;
}

/** JSON of a {@link Space} of kind `tuple`. */
export interface TupleJSON {
  kind: 'tuple';
  spaces: SpaceJSON[];
}

/** JSON of a {@link Space} of kind `dict`; keys in sorted order. */
export interface DictJSON {
  kind: 'dict';
  spaces: Record<string, SpaceJSON>;
}

/** A JSON description of a space, enough to rebuild it with `spaceFromJSON`. */
export type SpaceJSON = DiscreteJSON | BoxJSON | MultiDiscreteJSON | MultiBinaryJSON | TupleJSON | DictJSON;

/**
 * A set of valid values (Gymnasium's `Space`). `T` is the value type, `M` the type of the
 * optional mask `sample` accepts (which values may be drawn).
 */
export interface Space<T = unknown, M = unknown> {
  readonly kind: SpaceKind;
  /** Shape of one value (`[]` for a scalar Discrete and for Tuple and Dict, which have none). */
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

/** The mask type a space's `sample` accepts. */
export type SpaceMask<S> = S extends Space<unknown, infer M> ? M : never;
