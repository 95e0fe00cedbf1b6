import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract, equalAsFloat32 } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { Box } from './box.js';
import { DictSpace } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiDiscrete } from './multi-discrete.js';
import type { Space } from './space.js';
import { spaceFromJSON } from './space-from-json.js';

const arbLeaf: fc.Arbitrary<Space> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => new Discrete(n)),
  fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }).map((nvec) => new MultiDiscrete(nvec)),
  fc.integer({ min: 0, max: 3 }).map((n) => new Box({ low: -Infinity, high: 0, shape: [n], dtype: 'float64' })),
);
const arbDict = fc
  .dictionary(fc.string({ maxLength: 4 }), arbLeaf, { maxKeys: 5 })
  .map((spaces) => new DictSpace(spaces));

// float64 Box values come back from a flatten round trip with float32 precision.
describeSpaceContract('DictSpace (random keys and parts)', arbDict, { equal: equalAsFloat32 });

describe('DictSpace', () => {
  it('flattens in sorted key order, each key as its own space does', () => {
    fc.assert(
      fc.property(arbDict, fc.integer(), (space, seed) => {
        const x = space.sample(Rng.fromSeed(seed));
        const back = space.unflatten(space.flatten(x));
        for (const key of space.keys) {
          const sub = space.spaces[key]!;
          expect(back[key]).toEqual(sub.unflatten(sub.flatten(x[key])));
        }
      }),
    );
    const space = new DictSpace({ b: new Discrete(2), a: new Discrete(3) });
    expect(space.keys).toEqual(['a', 'b']);
    expect(space.flatten({ a: 2, b: 0 })).toEqual(new Float32Array([0, 0, 1, 1, 0]));
    expect(Object.keys(space.toJSON().spaces)).toEqual(['a', 'b']);
  });

  it('sorts keys by code point, as Python does', () => {
    const one = new Discrete(1);
    const space = new DictSpace({ '\u{1F600}': one, '\uFFFF': one, B: one, a: one });
    expect(space.keys).toEqual(['B', 'a', '\uFFFF', '\u{1F600}']);
    expect(String(space)).toBe(
      'Dict("B": Discrete(1), "a": Discrete(1), "\uFFFF": Discrete(1), "\u{1F600}": Discrete(1))',
    );
  });

  it('keeps keys such as "__proto__" and "10" as plain keys', () => {
    const spaces = JSON.parse(
      '{"__proto__": {"kind": "discrete", "n": 2, "start": 0}, "10": {"kind": "multi-binary", "n": 1}, ' +
        '"9": {"kind": "discrete", "n": 3, "start": 0}}',
    );
    const space = spaceFromJSON({ kind: 'dict', spaces }) as DictSpace;
    expect(space.keys).toEqual(['10', '9', '__proto__']);
    const x = space.sample(Rng.fromSeed(1));
    expect(Object.keys(x).sort()).toEqual(['10', '9', '__proto__']);
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(space.contains(x)).toBe(true);
    expect(space.unflatten(space.flatten(x))).toEqual(x);
    expect(space.contains({ 10: new Int8Array([0]), 9: 0 })).toBe(false);
    expect(space.sample(Rng.fromSeed(1), {})).toEqual(x);
  });

  it('passes each key’s sub-mask to its space and leaves missing keys unmasked', () => {
    const space = new DictSpace({ move: new Discrete(4), fire: new MultiDiscrete([2, 2]) });
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }).filter((m) => m.some(Boolean)),
        fc.integer(),
        (moveMask, seed) => {
          const x = space.sample(Rng.fromSeed(seed), { move: moveMask, fire: [[0, 1], [1, 0]] });
          expect(moveMask[x.move]).toBe(true);
          expect(Array.from(x.fire)).toEqual([1, 0]);
          expect(space.contains(space.sample(Rng.fromSeed(seed), { fire: undefined }))).toBe(true);
        },
      ),
    );
  });

  it('contains only records with exactly its keys, each value contained', () => {
    const space = new DictSpace({ a: new Discrete(2), b: new Discrete(2) });
    expect(space.contains({ a: 0, b: 1 })).toBe(true);
    expect(space.contains({ a: 0, b: 2 })).toBe(false);
    expect(space.contains({ a: 0 })).toBe(false);
    expect(space.contains({ a: 0, c: 1 })).toBe(false);
    expect(space.contains({ a: 0, b: 1, c: 1 })).toBe(false);
    expect(space.contains([0, 1])).toBe(false);
    expect(space.contains(null)).toBe(false);
    expect(space.contains(1)).toBe(false);
    expect(space.shape).toEqual([]);
  });

  it('allows the empty dict', () => {
    const empty = new DictSpace({});
    expect(empty.flatDim).toBe(0);
    expect(empty.sample(Rng.fromSeed(0))).toEqual({});
    expect(empty.contains({})).toBe(true);
    expect(empty.unflatten(empty.flatten({}))).toEqual({});
    expect(String(empty)).toBe('Dict()');
  });

  it('rejects non-spaces, bad masks, values and buffers', () => {
    // @ts-expect-error: not a space
    expect(() => new DictSpace({ a: new Discrete(2), b: 3 })).toThrow(/spaces\["b"\] is not a Space/);
    // @ts-expect-error: not a record
    expect(() => new DictSpace([new Discrete(2)])).toThrow(/spaces must be a record of spaces/);
    // @ts-expect-error: not a record
    expect(() => new DictSpace(null)).toThrow(TypeError);
    const space = new DictSpace({ a: new Discrete(2), b: new Discrete(3) });
    // @ts-expect-error: unknown key
    expect(() => space.sample(Rng.fromSeed(0), { c: [1] })).toThrow(/mask has unknown key "c"/);
    // @ts-expect-error: missing key
    expect(() => space.flatten({ a: 1 })).toThrow(/value has no key "b"/);
    expect(() => space.flatten({ a: 1, b: 1 }, new Float32Array(4))).toThrow(/out has length 4, needs 5/);
    expect(() => space.unflatten([1, 0, 1, 0])).toThrow(/flat has length 4, needs 5/);
  });

  it('types values and masks by the record of spaces', () => {
    const space = new DictSpace({ position: new Box({ low: 0, high: 1, shape: [2] }), action: new Discrete(3) });
    expectTypeOf(space.sample(Rng.fromSeed(0))).toEqualTypeOf<{ position: Float32Array; action: number }>();
    expectTypeOf<Parameters<typeof space.sample>[1]>().toEqualTypeOf<
      { readonly position?: undefined; readonly action?: ArrayLike<number | boolean> } | undefined
    >();
  });
});
