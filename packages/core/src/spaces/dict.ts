import type { Rng } from '../rng.js';
import { checkFlatSource, flatTarget, isSpace } from './internal.js';
import type { DictJSON, Space, SpaceMask, SpaceValue } from './space.js';

/** The value type of a {@link DictSpace} over the spaces `S`: one value per key. */
export type DictValue<S extends Record<keyof S, Space>> = { -readonly [K in keyof S]: SpaceValue<S[K]> };

/** Mask of a {@link DictSpace}: a sub-mask per key; a missing key is not masked. */
export type DictMask<S extends Record<keyof S, Space>> = { readonly [K in keyof S]?: SpaceMask<S[K]> };

/**
 * A record of named spaces (Gymnasium's `Dict`); values are plain objects with exactly those
 * keys. Keys are kept in sorted (code point) order, which is the order of `flatten`, as in
 * Gymnasium. An empty dict is allowed: its one value is `{}` and its flatDim is 0.
 */
export class DictSpace<const S extends Record<keyof S, Space> = Record<string, Space>>
  implements Space<DictValue<S>, DictMask<S>>
{
  readonly kind = 'dict' as const;
  /** A dict has no array shape of its own (Gymnasium: None), so this is `[]`. */
  readonly shape: readonly number[] = Object.freeze([]);
  /** The sub-spaces by key. */
  readonly spaces: Readonly<S>;
  /** The keys in sorted order: the order of `flatten` and `toJSON`. */
  readonly keys: readonly (keyof S & string)[];
  readonly flatDim: number;

  constructor(spaces: S) {
    if (typeof spaces !== 'object' || spaces === null || Array.isArray(spaces)) {
      throw new TypeError('DictSpace: spaces must be a record of spaces');
    }
    const keys = Object.keys(spaces).sort(compareCodePoints) as (keyof S & string)[];
    let flatDim = 0;
    for (const key of keys) {
      const space: unknown = spaces[key];
      if (!isSpace(space)) throw new TypeError(`DictSpace: spaces["${key}"] is not a Space`);
      flatDim += space.flatDim;
    }
    // fromEntries defines own properties, so even a key named "__proto__" stays a plain key.
    this.spaces = Object.freeze(Object.fromEntries(keys.map((key) => [key, spaces[key]]))) as Readonly<S>;
    this.keys = Object.freeze(keys);
    this.flatDim = flatDim;
  }

  contains(x: unknown): x is DictValue<S> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    if (Object.keys(x).length !== this.keys.length) return false;
    const record = x as Record<string, unknown>;
    return this.keys.every((key) => Object.hasOwn(record, key) && this.space(key).contains(record[key]));
  }

  /** One sample per key, each with the key's sub-mask if `mask` has one. */
  sample(rng: Rng, mask?: DictMask<S>): DictValue<S> {
    if (mask !== undefined) {
      for (const key of Object.keys(mask)) {
        if (!Object.hasOwn(this.spaces, key)) throw new RangeError(`DictSpace.sample: mask has unknown key "${key}"`);
      }
    }
    return Object.fromEntries(
      this.keys.map((key) => [key, this.space(key).sample(rng, mask !== undefined ? own(mask, key) : undefined)]),
    ) as DictValue<S>;
  }

  flatten(x: DictValue<S>, out?: Float32Array, offset = 0): Float32Array {
    const target = flatTarget('DictSpace', this.flatDim, out, offset);
    let at = offset;
    for (const key of this.keys) {
      if (!Object.hasOwn(x, key)) throw new RangeError(`DictSpace.flatten: value has no key "${key}"`);
      const space = this.space(key);
      space.flatten(x[key], target, at);
      at += space.flatDim;
    }
    return target;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): DictValue<S> {
    checkFlatSource('DictSpace', this.flatDim, flat, offset);
    let at = offset;
    return Object.fromEntries(
      this.keys.map((key) => {
        const space = this.space(key);
        const value = space.unflatten(flat, at);
        at += space.flatDim;
        return [key, value];
      }),
    ) as DictValue<S>;
  }

  /** Sub-space JSON keyed in sorted order. */
  toJSON(): DictJSON {
    return { kind: 'dict', spaces: Object.fromEntries(this.keys.map((key) => [key, this.space(key).toJSON()])) };
  }

  /** `Dict(a: …, b: …)` in key order. */
  toString(): string {
    return `Dict(${this.keys.map((key) => `${JSON.stringify(key)}: ${String(this.space(key))}`).join(', ')})`;
  }

  private space(key: string): Space {
    return (this.spaces as Record<string, Space>)[key]!;
  }
}

/** `obj[key]` when `key` is an own property, so "__proto__" and friends read as absent. */
function own<T extends object>(obj: T, key: string): T[keyof T] | undefined {
  return Object.hasOwn(obj, key) ? (obj as Record<string, T[keyof T]>)[key] : undefined;
}

/** Orders strings by Unicode code point, as Python's `sorted` does (JS sorts by UTF-16 unit). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
