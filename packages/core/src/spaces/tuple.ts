import type { Rng } from '../rng.js';
import { checkFlatSource, flatTarget, isSpace } from './internal.js';
import type { Space, SpaceMask, SpaceValue, TupleJSON } from './space.js';

/** The value type of a {@link TupleSpace} over the spaces `S`: one value per space. */
export type TupleValue<S extends readonly Space[]> = { -readonly [K in keyof S]: SpaceValue<S[K]> };

/** Mask of a {@link TupleSpace}: one sub-mask per space, `undefined` for none. */
export type TupleMask<S extends readonly Space[]> = { readonly [K in keyof S]: SpaceMask<S[K]> | undefined };

/**
 * The product of a fixed list of spaces (Gymnasium's `Tuple`); values are arrays with one
 * value per space, flattened as the concatenation of the spaces' flattenings. An empty
 * tuple is allowed (as in Gymnasium): its one value is `[]` and its flatDim is 0.
 */
export class TupleSpace<const S extends readonly Space[] = readonly Space[]>
  implements Space<TupleValue<S>, TupleMask<S>>
{
  readonly kind = 'tuple' as const;
  /** A tuple has no array shape of its own (Gymnasium: None), so this is `[]`. */
  readonly shape: readonly number[] = Object.freeze([]);
  /** The sub-spaces, in order. */
  readonly spaces: S;
  readonly flatDim: number;

  constructor(spaces: S) {
    if (!Array.isArray(spaces)) throw new TypeError('TupleSpace: spaces must be an array of spaces');
    spaces.forEach((s, i) => {
      if (!isSpace(s)) throw new TypeError(`TupleSpace: spaces[${i}] is not a Space`);
    });
    this.spaces = Object.freeze([...spaces]) as unknown as S;
    this.flatDim = spaces.reduce((sum, s) => sum + s.flatDim, 0);
  }

  contains(x: unknown): x is TupleValue<S> {
    return (
      Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((space, i) => space.contains(x[i]))
    );
  }

  /** One sample per sub-space, each with its own sub-mask. */
  sample(rng: Rng, mask?: TupleMask<S>): TupleValue<S> {
    if (mask !== undefined && mask.length !== this.spaces.length) {
      throw new RangeError(`TupleSpace.sample: mask has ${mask.length} entries, expected ${this.spaces.length}`);
    }
    return this.spaces.map((space, i) => space.sample(rng, mask?.[i])) as TupleValue<S>;
  }

  flatten(x: TupleValue<S>, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('TupleSpace', this.flatDim, out, offset);
    if (!Array.isArray(x) || x.length !== this.spaces.length) {
      throw new RangeError(`TupleSpace.flatten: value must be an array of ${this.spaces.length} values`);
    }
    let at = offset;
    this.spaces.forEach((space, i) => {
      space.flatten(x[i], target, at);
      at += space.flatDim;
    });
    return target;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): TupleValue<S> {
    checkFlatSource('TupleSpace', this.flatDim, flat, offset);
    let at = offset;
    return this.spaces.map((space) => {
      const value = space.unflatten(flat, at);
      at += space.flatDim;
      return value;
    }) as TupleValue<S>;
  }

  toJSON(): TupleJSON {
    return { kind: 'tuple', spaces: this.spaces.map((space) => space.toJSON()) };
  }

  /** `Tuple(a, b, …)`. */
  toString(): string {
    return `Tuple(${this.spaces.map(String).join(', ')})`;
  }
}
