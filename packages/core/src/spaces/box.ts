import { checkLength, checkNonNegativeInteger } from '../internal/validate.js';
import type { Rng } from '../rng.js';
import { checkFlatSource, flatTarget, isInt32 } from './internal.js';
import type { BoxDtype, BoxJSON, Space } from './space.js';

/** The typed array that holds a value of a Box with dtype `D`. */
export type BoxValue<D extends BoxDtype = BoxDtype> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : Int32Array;

/** A bound of a Box: one number for every element, or one per element in row-major order. */
export type BoxBound = number | ArrayLike<number>;

/** Options of {@link Box}. */
export interface BoxOptions<D extends BoxDtype = 'float32'> {
  /** Lower bounds (inclusive); -Infinity leaves a side unbounded. */
  low: BoxBound;
  /** Upper bounds (inclusive); +Infinity leaves a side unbounded. */
  high: BoxBound;
  /**
   * Shape of a value. Defaults to `[low.length]` (or `[high.length]`) when a bound is an
   * array, else `[1]`, as in Gymnasium.
   */
  shape?: readonly number[];
  /** Element type (default `'float32'`). */
  dtype?: D;
}

/** Which sides {@link Box.isBounded} checks. */
export type BoundedManner = 'both' | 'below' | 'above';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const DTYPES: readonly BoxDtype[] = ['float32', 'float64', 'int32'];

/**
 * A (possibly unbounded) box in R^n, `low <= x <= high` element-wise (Gymnasium's `Box`).
 * Values are typed arrays of `prod(shape)` finite numbers; flattens to a float copy.
 */
export class Box<D extends BoxDtype = 'float32'> implements Space<BoxValue<D>, undefined> {
  readonly kind = 'box' as const;
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly flatDim: number;
  /** Lower bounds, one per element (after rounding to `dtype`); do not mutate. */
  readonly low: ArrayLike<number>;
  /** Upper bounds, one per element (after rounding to `dtype`); do not mutate. */
  readonly high: ArrayLike<number>;
  private readonly lows: Float64Array;
  private readonly highs: Float64Array;

  constructor(options: BoxOptions<D>) {
    const { low, high } = options;
    const dtype = (options.dtype ?? 'float32') as D;
    if (!DTYPES.includes(dtype)) {
      throw new RangeError(`Box: dtype must be one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
    }
    const inferred = typeof low !== 'number' ? low.length : typeof high !== 'number' ? high.length : 1;
    const shape = options.shape ?? [inferred];
    shape.forEach((d, i) => checkNonNegativeInteger('Box', `shape[${i}]`, d, true));
    const size = shape.reduce((a, b) => a * b, 1);
    const lows = broadcast('low', low, size, shape);
    const highs = broadcast('high', high, size, shape);
    for (let i = 0; i < size; i++) {
      if (dtype === 'float32') {
        // Bounds are stored as the dtype stores values, so sampled values never fall outside.
        lows[i] = Math.fround(lows[i]!);
        highs[i] = Math.fround(highs[i]!);
      }
      // + 0 turns -0 into 0, so equal spaces have equal JSON.
      const l = (lows[i] = lows[i]! + 0);
      const h = (highs[i] = highs[i]! + 0);
      if (Number.isNaN(l)) throw new RangeError(`Box: low[${i}] is NaN`);
      if (Number.isNaN(h)) throw new RangeError(`Box: high[${i}] is NaN`);
      if (l === Infinity) throw new RangeError(`Box: low[${i}] is +Infinity; it must be finite or -Infinity`);
      if (h === -Infinity) throw new RangeError(`Box: high[${i}] is -Infinity; it must be finite or +Infinity`);
      if (l > h) throw new RangeError(`Box: low[${i}] = ${l} > high[${i}] = ${h}`);
      if (dtype === 'int32') {
        if (Number.isFinite(l) && !isInt32(l)) throw new RangeError(`Box: low[${i}] = ${l} is not an int32`);
        if (Number.isFinite(h) && !isInt32(h)) throw new RangeError(`Box: high[${i}] = ${h} is not an int32`);
      }
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.flatDim = size;
    this.lows = lows;
    this.highs = highs;
    this.low = lows;
    this.high = highs;
  }

  /** True when every element is bounded on the side(s) `manner` names (Gymnasium's `is_bounded`). */
  isBounded(manner: BoundedManner = 'both'): boolean {
    if (manner !== 'both' && manner !== 'below' && manner !== 'above') {
      throw new RangeError(`Box.isBounded: manner must be 'both', 'below' or 'above', got ${String(manner)}`);
    }
    const below = manner !== 'above';
    const above = manner !== 'below';
    for (let i = 0; i < this.flatDim; i++) {
      if (below && this.lows[i] === -Infinity) return false;
      if (above && this.highs[i] === Infinity) return false;
    }
    return true;
  }

  /** Right typed array, right length, every element finite and within its bounds. */
  contains(x: unknown): x is BoxValue<D> {
    if (!(x instanceof valueConstructor(this.dtype)) || x.length !== this.flatDim) return false;
    for (let i = 0; i < this.flatDim; i++) {
      const v = x[i]!;
      // NaN fails both comparisons, so it is never contained.
      if (!(v >= this.lows[i]! && v <= this.highs[i]!) || !Number.isFinite(v)) return false;
    }
    return true;
  }

  /**
   * Per element, as Gymnasium: bounded → uniform in [low, high); unbounded → N(0, 1);
   * bounded below only → low + Exp(1); above only → high − Exp(1). int32 draws a uniform
   * integer in [low, high] (Gymnasium's floor of a uniform in [low, high + 1)) and floors the
   * unbounded draws. Box takes no mask.
   */
  sample(rng: Rng, mask?: undefined): BoxValue<D> {
    if (mask !== undefined) throw new TypeError('Box.sample: a Box takes no mask');
    const out = this.allocate();
    const isInt = this.dtype === 'int32';
    for (let i = 0; i < this.flatDim; i++) {
      const l = this.lows[i]!;
      const h = this.highs[i]!;
      const lowBounded = l !== -Infinity;
      const highBounded = h !== Infinity;
      let v: number;
      if (lowBounded && highBounded) {
        if (isInt) {
          v = rng.integer(l, h);
        } else {
          const u = rng.uniform();
          const span = h - l;
          // h - l overflows to Infinity for bounds near ±Number.MAX_VALUE; interpolate then.
          v = Number.isFinite(span) ? l + span * u : l * (1 - u) + h * u;
        }
      } else if (lowBounded) {
        v = l + exponential(rng);
      } else if (highBounded) {
        v = h - exponential(rng);
      } else {
        v = rng.normal();
      }
      if (isInt) v = Math.floor(v);
      else if (this.dtype === 'float32') v = Math.fround(v);
      // Rounding (and, for int32, the int32 range) can push a draw just past a bound.
      out[i] = Math.min(Math.max(v, l, isInt ? INT32_MIN : -Infinity), h, isInt ? INT32_MAX : Infinity);
    }
    return out;
  }

  /**
   * Copies `x` as float32. Exact for float32 values and for int32 values within ±2^24;
   * float64 values keep float32 precision only.
   */
  flatten(x: BoxValue<D>, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('Box', this.flatDim, out, offset);
    checkLength('Box.flatten', 'value', x.length, this.flatDim);
    target.set(x, offset);
    return target;
  }

  /** A new value of this Box's dtype from `flatDim` numbers, clamped into the bounds (rounded for int32). */
  unflatten(flat: ArrayLike<number>, offset = 0): BoxValue<D> {
    checkFlatSource('Box', this.flatDim, flat, offset);
    const out = this.allocate();
    const round = this.dtype === 'int32';
    // Clamped into the bounds: float32 storage can move a value just past a bound (a float64
    // 0.1 comes back as 0.10000000149, an int32 2^31 − 2 as 2^31, which would wrap).
    for (let i = 0; i < this.flatDim; i++) {
      const v = flat[offset + i]!;
      const clamped = Math.min(Math.max(round ? Math.round(v) : v, this.lows[i]!), this.highs[i]!);
      out[i] = round ? Math.min(Math.max(clamped, -2147483648), 2147483647) : clamped;
    }
    return out;
  }

  /** Bounds as in {@link BoxJSON}: a single entry when all are equal, `null` for infinities. */
  toJSON(): BoxJSON {
    return {
      kind: 'box',
      shape: [...this.shape],
      low: boundsJSON(this.lows),
      high: boundsJSON(this.highs),
      dtype: this.dtype,
    };
  }

  /** `Box(low, high, shape, dtype)` with each bound shown once when all are equal. */
  toString(): string {
    const show = (b: Float64Array): string => {
      const j = boundsJSON(b).map((v, i) => (v === null ? (b[i]! < 0 ? '-inf' : 'inf') : String(v)));
      return j.length === 1 ? j[0]! : `[${j.join(', ')}]`;
    };
    return `Box(${show(this.lows)}, ${show(this.highs)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }

  private allocate(): BoxValue<D> {
    return new (valueConstructor(this.dtype))(this.flatDim) as BoxValue<D>;
  }
}

function valueConstructor(dtype: BoxDtype): Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor {
  return dtype === 'float32' ? Float32Array : dtype === 'float64' ? Float64Array : Int32Array;
}

/** Exp(1) deviate: −ln(1 − U) with U in [0, 1), so never infinite. */
function exponential(rng: Rng): number {
  return -Math.log(1 - rng.uniform());
}

function broadcast(field: 'low' | 'high', bound: BoxBound, size: number, shape: readonly number[]): Float64Array {
  const out = new Float64Array(size);
  if (typeof bound === 'number') return out.fill(bound);
  if (bound.length === size) {
    for (let i = 0; i < size; i++) out[i] = bound[i]!;
    return out;
  }
  if (bound.length === 1) return out.fill(bound[0]!);
  throw new RangeError(
    `Box: ${field} has length ${bound.length}, but shape [${shape.join(', ')}] needs ${size} (or a single bound)`,
  );
}

function boundsJSON(bounds: Float64Array): (number | null)[] {
  const toJSON = (v: number): number | null => (Number.isFinite(v) ? v : null);
  if (bounds.length > 0 && bounds.every((v) => v === bounds[0])) return [toJSON(bounds[0]!)];
  return Array.from(bounds, toJSON);
}
