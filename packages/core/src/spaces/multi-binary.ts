import { checkLength, checkPositiveInteger } from '../internal/validate.js';
import type { Rng } from '../rng.js';
import { checkFlatSource, flatTarget } from './internal.js';
import type { MultiBinaryJSON, Space } from './space.js';

/**
 * Mask of a {@link MultiBinary} space, one entry per element (Gymnasium's semantics):
 * 0 — the element must be 0, 1 — it must be 1, 2 — drawn at random.
 */
export type MultiBinaryMask = ArrayLike<number>;

/** Vectors of n bits (Gymnasium's `MultiBinary`): Int8Arrays of 0s and 1s; flattens to floats. */
export class MultiBinary implements Space<Int8Array, MultiBinaryMask> {
  readonly kind = 'multi-binary' as const;
  readonly shape: readonly number[];
  /** Number of bits. */
  readonly n: number;
  readonly flatDim: number;

  constructor(n: number) {
    checkPositiveInteger('MultiBinary', 'n', n, true);
    this.n = n;
    this.shape = Object.freeze([n]);
    this.flatDim = n;
  }

  contains(x: unknown): x is Int8Array {
    if (!(x instanceof Int8Array) || x.length !== this.n) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0 && x[i] !== 1) return false;
    return true;
  }

  /** Fair coin flips, except where `mask` fixes an element to 0 or 1. */
  sample(rng: Rng, mask?: MultiBinaryMask): Int8Array {
    if (mask !== undefined) checkLength('MultiBinary.sample', 'mask', mask.length, this.n);
    const out = new Int8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const m = mask === undefined ? 2 : mask[i];
      if (m === 2) out[i] = rng.int(2);
      else if (m === 0 || m === 1) out[i] = m;
      else throw new RangeError(`MultiBinary.sample: mask[${i}] must be 0, 1 or 2, got ${m}`);
    }
    return out;
  }

  flatten(x: Int8Array, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('MultiBinary', this.flatDim, out, offset);
    checkLength('MultiBinary.flatten', 'value', x.length, this.n);
    target.set(x, offset);
    return target;
  }

  /** 1 where the flat entry is above 0.5, else 0. */
  unflatten(flat: ArrayLike<number>, offset = 0): Int8Array {
    checkFlatSource('MultiBinary', this.flatDim, flat, offset);
    const out = new Int8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = flat[offset + i]! > 0.5 ? 1 : 0;
    return out;
  }

  toJSON(): MultiBinaryJSON {
    return { kind: 'multi-binary', n: this.n };
  }

  /** `MultiBinary(n)`. */
  toString(): string {
    return `MultiBinary(${this.n})`;
  }
}
