import { checkLength, checkPositiveInteger } from '../internal/validate.js';
import type { Rng } from '../rng.js';
import { argmax, checkFlatSource, flatTarget, isInt32, sampleAllowed, writeOneHot } from './internal.js';
import type { MultiDiscreteJSON, Space } from './space.js';

/** Mask of a {@link MultiDiscrete} space: one {@link DiscreteMask}-like array per dimension. */
export type MultiDiscreteMask = readonly ArrayLike<number | boolean>[];

/** Options of {@link MultiDiscrete}. */
export interface MultiDiscreteOptions {
  /** Smallest value of every dimension, or of each (default 0). */
  start?: number | ArrayLike<number>;
}

/**
 * A vector of independent discrete values, dimension i in `start[i] .. start[i] + nvec[i] - 1`
 * (Gymnasium's `MultiDiscrete`, one-dimensional `nvec`). Values are Int32Arrays; flattens to
 * the concatenated one-hots of the dimensions.
 */
export class MultiDiscrete implements Space<Int32Array, MultiDiscreteMask> {
  readonly kind = 'multi-discrete' as const;
  readonly shape: readonly number[];
  /** Number of values of each dimension. */
  readonly nvec: readonly number[];
  /** Smallest value of each dimension. */
  readonly start: readonly number[];
  readonly flatDim: number;

  constructor(nvec: ArrayLike<number>, options: MultiDiscreteOptions = {}) {
    const n = Array.from(nvec);
    const startOption = options.start ?? 0;
    // + 0 turns -0 into 0, so equal spaces have equal JSON.
    const start =
      typeof startOption === 'number' ? n.map(() => startOption + 0) : Array.from(startOption, (s) => s + 0);
    if (start.length !== n.length) {
      throw new RangeError(`MultiDiscrete: start has length ${start.length}, nvec ${n.length}`);
    }
    n.forEach((k, i) => {
      checkPositiveInteger('MultiDiscrete', `nvec[${i}]`, k);
      // Values live in an Int32Array, so the whole range must fit in int32.
      if (!isInt32(start[i]!) || !isInt32(start[i]! + k - 1)) {
        throw new RangeError(
          `MultiDiscrete: start[${i}] = ${start[i]} must be an integer ` +
            `with start[${i}] + nvec[${i}] - 1 in int32 range`,
        );
      }
    });
    this.nvec = Object.freeze(n);
    this.start = Object.freeze(start);
    this.shape = Object.freeze([n.length]);
    this.flatDim = n.reduce((a, b) => a + b, 0);
  }

  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array) || x.length !== this.nvec.length) return false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! - this.start[i]!;
      if (v < 0 || v >= this.nvec[i]!) return false;
    }
    return true;
  }

  /**
   * Each dimension uniform among the values its mask allows; a dimension whose mask allows
   * none gets its `start` (as Gymnasium does).
   */
  sample(rng: Rng, mask?: MultiDiscreteMask): Int32Array {
    if (mask !== undefined && mask.length !== this.nvec.length) {
      throw new RangeError(`MultiDiscrete.sample: mask has ${mask.length} entries, expected ${this.nvec.length}`);
    }
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) {
      const k = sampleAllowed(`MultiDiscrete.sample: mask[${i}]`, rng, this.nvec[i]!, mask?.[i]);
      out[i] = this.start[i]! + (k < 0 ? 0 : k);
    }
    return out;
  }

  flatten(x: Int32Array, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('MultiDiscrete', this.flatDim, out, offset);
    checkLength('MultiDiscrete.flatten', 'value', x.length, this.nvec.length);
    let at = offset;
    for (let i = 0; i < x.length; i++) {
      const n = this.nvec[i]!;
      const v = x[i]! - this.start[i]!;
      if (!(v >= 0 && v < n)) throw new RangeError(`MultiDiscrete.flatten: value[${i}] = ${x[i]} is out of range`);
      writeOneHot(target, at, n, v);
      at += n;
    }
    return target;
  }

  /** Per dimension, the value whose one-hot entry is largest (the first on ties). */
  unflatten(flat: ArrayLike<number>, offset = 0): Int32Array {
    checkFlatSource('MultiDiscrete', this.flatDim, flat, offset);
    const out = new Int32Array(this.nvec.length);
    let at = offset;
    for (let i = 0; i < out.length; i++) {
      out[i] = this.start[i]! + argmax(flat, at, this.nvec[i]!);
      at += this.nvec[i]!;
    }
    return out;
  }

  toJSON(): MultiDiscreteJSON {
    return { kind: 'multi-discrete', nvec: [...this.nvec], start: [...this.start] };
  }

  /** `MultiDiscrete([n0, n1, …])`, with the starts when any is not 0. */
  toString(): string {
    const starts = this.start.some((s) => s !== 0) ? `, start=[${this.start.join(', ')}]` : '';
    return `MultiDiscrete([${this.nvec.join(', ')}]${starts})`;
  }
}
