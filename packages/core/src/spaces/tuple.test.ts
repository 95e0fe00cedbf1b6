import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { Box } from './box.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import type { Space } from './space.js';
import { TupleSpace } from './tuple.js';

const arbLeaf: fc.Arbitrary<Space> = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => new Discrete(n, { start: -1 })),
  fc.integer({ min: 1, max: 4 }).map((n) => new MultiBinary(n)),
  fc.integer({ min: 0, max: 3 }).map((n) => new Box({ low: -1, high: [1, 2, Infinity].slice(0, 1), shape: [n] })),
);
const arbTuple = fc.array(arbLeaf, { maxLength: 4 }).map((spaces) => new TupleSpace(spaces));

describeSpaceContract('TupleSpace (random parts)', arbTuple);

describe('TupleSpace', () => {
  it('flattens to the concatenation of its parts', () => {
    fc.assert(
      fc.property(arbTuple, fc.integer(), (space, seed) => {
        const x = space.sample(Rng.fromSeed(seed));
        const flat = space.flatten(x);
        let at = 0;
        space.spaces.forEach((s, i) => {
          expect(flat.subarray(at, at + s.flatDim)).toEqual(s.flatten(x[i]));
          at += s.flatDim;
        });
      }),
    );
  });

  it('passes each sub-mask to its space', () => {
    const space = new TupleSpace([new Discrete(4), new MultiBinary(3), new Box({ low: 0, high: 1 })]);
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }).filter((m) => m.some(Boolean)),
        fc.array(fc.constantFrom(0, 1), { minLength: 3, maxLength: 3 }),
        fc.integer(),
        (discreteMask, bits, seed) => {
          const x = space.sample(Rng.fromSeed(seed), [discreteMask, bits, undefined]);
          expect(space.contains(x)).toBe(true);
          expect(discreteMask[x[0]]).toBe(true);
          expect(Array.from(x[1])).toEqual(bits);
        },
      ),
    );
    expect(space.sample(Rng.fromSeed(0), [undefined, undefined, undefined])).toHaveLength(3);
  });

  it('contains only arrays of the right length whose parts are contained', () => {
    const space = new TupleSpace([new Discrete(2), new MultiBinary(1)]);
    expect(space.contains([1, new Int8Array([0])])).toBe(true);
    expect(space.contains([2, new Int8Array([0])])).toBe(false);
    expect(space.contains([1])).toBe(false);
    expect(space.contains([1, new Int8Array([0]), 0])).toBe(false);
    expect(space.contains({ 0: 1, 1: new Int8Array([0]), length: 2 })).toBe(false);
    expect(space.shape).toEqual([]);
    expect(String(space)).toBe('Tuple(Discrete(2), MultiBinary(1))');
  });

  it('allows the empty tuple', () => {
    const empty = new TupleSpace([]);
    expect(empty.flatDim).toBe(0);
    expect(empty.sample(Rng.fromSeed(0))).toEqual([]);
    expect(empty.contains([])).toBe(true);
    expect(empty.flatten([])).toEqual(new Float32Array(0));
    expect(empty.unflatten([])).toEqual([]);
  });

  it('rejects non-spaces, bad masks, values and buffers', () => {
    // @ts-expect-error: not a space
    expect(() => new TupleSpace([new Discrete(2), { kind: 'discrete' }])).toThrow(/spaces\[1\] is not a Space/);
    // @ts-expect-error: not an array
    expect(() => new TupleSpace(new Discrete(2))).toThrow(/spaces must be an array/);
    const space = new TupleSpace([new Discrete(2), new Discrete(3)]);
    // @ts-expect-error: one sub-mask short
    expect(() => space.sample(Rng.fromSeed(0), [[1, 1]])).toThrow(/mask has 1 entries, expected 2/);
    // @ts-expect-error: one value short
    expect(() => space.flatten([1])).toThrow(/value must be an array of 2 values/);
    expect(() => space.flatten([1, 1], new Float32Array(4))).toThrow(/out has length 4, needs 5/);
    expect(() => space.unflatten([1, 0, 1, 0])).toThrow(/flat has length 4, needs 5/);
  });

  it('types values and masks by the tuple of spaces', () => {
    const space = new TupleSpace([new Discrete(2), new Box({ low: 0, high: 1, dtype: 'int32' })]);
    expectTypeOf(space.sample(Rng.fromSeed(0))).toEqualTypeOf<[number, Int32Array]>();
    expectTypeOf(space.unflatten([1, 0, 0])).toEqualTypeOf<[number, Int32Array]>();
    expectTypeOf<Parameters<typeof space.sample>[1]>().toEqualTypeOf<
      readonly [ArrayLike<number | boolean> | undefined, undefined] | undefined
    >();
  });
});
