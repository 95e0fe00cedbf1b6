import { checkPositiveInteger } from '../internal/validate.js';
import type { Rng } from '../rng.js';
import { argmax, checkFlatSource, flatTarget, sampleAllowed, writeOneHot } from './internal.js';
import type { DiscreteJSON, Space } from './space.js';

/** Mask of a {@link Discrete} space: entry i truthy when `start + i` may be drawn. */
export type DiscreteMask = ArrayLike<number | boolean>;

/** Options of {@link Discrete}. */
export interface DiscreteOptions {
  /** Smallest value of the space (default 0). */
  start?: number;
}

/**
 * The integers `start, start + 1, …, start + n - 1` (Gymnasium's `Discrete`). Flattens to a
 * one-hot vector of length n.
 */
export class Discrete implements Space<number, DiscreteMask> {
  readonly kind = 'discrete' as const;
  readonly shape: readonly number[] = Object.freeze([]);
  /** Number of values. */
  readonly n: number;
  /** Smallest value. */
  readonly start: number;
  readonly flatDim: number;

  constructor(n: number, options: DiscreteOptions = {}) {
    const start = (options.start ?? 0) + 0; // + 0 turns -0 into 0
    checkPositiveInteger('Discrete', 'n', n, true);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(start + (n - 1))) {
      throw new RangeError(`Discrete: start must be an integer (with start + n - 1 a safe integer), got ${start}`);
    }
    this.n = n;
    this.start = start;
    this.flatDim = n;
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /**
   * A uniform value among those `mask` allows. When the mask allows none, returns `start`
   * (as Gymnasium does), so check the mask yourself if that value must not be taken.
   */
  sample(rng: Rng, mask?: DiscreteMask): number {
    const i = sampleAllowed('Discrete.sample', rng, this.n, mask);
    return this.start + (i < 0 ? 0 : i);
  }

  flatten(x: number, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('Discrete', this.flatDim, out, offset);
    if (!this.contains(x)) throw new RangeError(`Discrete.flatten: ${x} is not in ${this.toString()}`);
    writeOneHot(target, offset, this.n, x - this.start);
    return target;
  }

  /** The value whose one-hot entry is largest (the first on ties). */
  unflatten(flat: ArrayLike<number>, offset = 0): number {
    checkFlatSource('Discrete', this.flatDim, flat, offset);
    return this.start + argmax(flat, offset, this.n);
  }

  toJSON(): DiscreteJSON {
    return { kind: 'discrete', n: this.n, start: this.start };
  }

  /** `Discrete(n)` or `Discrete(n, start=s)`, as Gymnasium prints it. */
  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
