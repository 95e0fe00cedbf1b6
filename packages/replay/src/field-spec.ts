/** Element types a stored column can have. */
export type FieldDtype = 'float32' | 'float64' | 'int32' | 'uint8';

/** Dtypes an observation column may use: float32, or uint8 for images (4× less memory). */
export type ObservationDtype = 'float32' | 'uint8';

/** Dtypes an action column may use: int32 for discrete actions, float32 for continuous ones. */
export type ActionDtype = 'int32' | 'float32';

/** The typed array that holds a column of dtype `D`. */
export type ArrayForDtype<D extends FieldDtype> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

/** Any typed array a column can be. */
export type ColumnArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** One stored field: the shape of one row (`[]` for a scalar) and its element type. */
export interface FieldDescriptor {
  readonly shape: readonly number[];
  readonly dtype: FieldDtype;
}

/** Named fields of a buffer's rows; each becomes one preallocated typed-array column. */
export type FieldSpec = Readonly<Record<string, FieldDescriptor>>;

/** Constructors of each dtype's typed array. */
export const DTYPE_ARRAYS = Object.freeze({
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
}) satisfies Readonly<Record<FieldDtype, new (length: number) => ColumnArray>>;

/** Numbers per row of a field: the product of its shape (1 for a scalar). */
export function fieldWidth(field: FieldDescriptor): number {
  let width = 1;
  for (const d of field.shape) width *= d;
  return width;
}

/** A new zero-filled array of `length` elements of `dtype`. */
export function createColumn<D extends FieldDtype>(dtype: D, length: number): ArrayForDtype<D> {
  return new DTYPE_ARRAYS[dtype](length) as ArrayForDtype<D>;
}

/** Throws a RangeError naming `what` unless `shape` is a list of positive integers. */
export function checkShape(owner: string, what: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new RangeError(`${owner}: ${what} must be an array of positive integers, got ${JSON.stringify(shape)}`);
  }
}

/**
 * A validated, frozen copy of `spec` (shapes positive integers, known dtypes), so that later
 * edits of the caller's object cannot change a buffer's layout.
 */
export function validateFieldSpec(owner: string, spec: FieldSpec): FieldSpec {
  const out: Record<string, FieldDescriptor> = {};
  for (const [name, field] of Object.entries(spec)) {
    if (field === null || typeof field !== 'object') throw new TypeError(`${owner}: field ${name} must be { shape, dtype }`);
    checkShape(owner, `field ${name} shape`, field.shape);
    if (!Object.hasOwn(DTYPE_ARRAYS, field.dtype)) {
      throw new RangeError(
        `${owner}: field ${name} dtype must be one of ${Object.keys(DTYPE_ARRAYS).join(', ')}, got ${String(field.dtype)}`,
      );
    }
    out[name] = Object.freeze({ shape: Object.freeze([...field.shape]), dtype: field.dtype });
  }
  return Object.freeze(out);
}

/** Field names a transition buffer reserves; extras may not use them. */
export const TRANSITION_FIELDS = Object.freeze([
  'observation',
  'action',
  'reward',
  'nextObservation',
  'terminated',
  'truncated',
] as const);

/** Layout options shared by the transition buffers. */
export interface TransitionLayoutOptions {
  /** Shape of one observation, e.g. [4] for CartPole or [84, 84, 4] for stacked frames. */
  readonly observationShape: readonly number[];
  /** Element type observations are stored in. Default 'float32'; 'uint8' for images. */
  readonly observationDtype?: ObservationDtype;
  /** Shape of one action: [] (default) for a Discrete action or a scalar, [k] for a k-dim Box. */
  readonly actionShape?: readonly number[];
  /** 'int32' for discrete actions, 'float32' for continuous ones. */
  readonly actionDtype: ActionDtype;
  /** Further per-transition fields, e.g. `{ logProb: { shape: [], dtype: 'float32' } }`. */
  readonly extras?: FieldSpec;
  /** Store `nextObservation` in its own column (default true). */
  readonly storeNextObservations?: boolean;
}

/**
 * The field spec of a transition buffer: observation, action, reward (float32), terminated and
 * truncated (uint8), nextObservation when `storeNextObservations` is not false, then the extras.
 */
export function transitionFieldSpec(owner: string, options: TransitionLayoutOptions): FieldSpec {
  const { observationShape, observationDtype = 'float32', actionShape = [], actionDtype, extras = {} } = options;
  checkShape(owner, 'observationShape', observationShape);
  checkShape(owner, 'actionShape', actionShape);
  if (observationDtype !== 'float32' && observationDtype !== 'uint8') {
    throw new RangeError(`${owner}: observationDtype must be 'float32' or 'uint8', got ${String(observationDtype)}`);
  }
  if (actionDtype !== 'int32' && actionDtype !== 'float32') {
    throw new RangeError(`${owner}: actionDtype must be 'int32' or 'float32', got ${String(actionDtype)}`);
  }
  for (const name of Object.keys(extras)) {
    if ((TRANSITION_FIELDS as readonly string[]).includes(name)) {
      throw new RangeError(`${owner}: extras.${name} clashes with a transition field of that name`);
    }
  }
  const spec: Record<string, FieldDescriptor> = {
    observation: { shape: observationShape, dtype: observationDtype },
    action: { shape: actionShape, dtype: actionDtype },
    reward: { shape: [], dtype: 'float32' },
    terminated: { shape: [], dtype: 'uint8' },
    truncated: { shape: [], dtype: 'uint8' },
  };
  if (options.storeNextObservations !== false) spec.nextObservation = { shape: observationShape, dtype: observationDtype };
  return validateFieldSpec(owner, { ...spec, ...extras });
}
