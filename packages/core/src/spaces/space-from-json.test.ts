import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../rng.js';
import { Box } from './box.js';
import { DictSpace } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import { MultiDiscrete } from './multi-discrete.js';
import type { Space, SpaceJSON } from './space.js';
import { spaceFromJSON, spacesEqual } from './space-from-json.js';
import { TupleSpace } from './tuple.js';

/** Any space, nested up to three levels (float64 Boxes left out: they flatten to float32). */
const { space: arbSpace } = fc.letrec<{ space: Space; leaf: Space; composite: Space }>((tie) => ({
  space: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('composite')),
  leaf: fc.oneof(
    fc
      .record({ n: fc.integer({ min: 1, max: 5 }), start: fc.integer({ min: -3, max: 3 }) })
      .map(({ n, start }) => new Discrete(n, { start })),
    fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
        low: fc.constantFrom(-Infinity, -1, 0),
        high: fc.constantFrom(Infinity, 1, 2),
        dtype: fc.constantFrom('float32' as const, 'int32' as const),
      })
      .map((options) => new Box<'float32' | 'int32'>(options)),
    fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }).map((nvec) => new MultiDiscrete(nvec, { start: 1 })),
    fc.integer({ min: 1, max: 4 }).map((n) => new MultiBinary(n)),
  ),
  composite: fc.oneof(
    fc.array(tie('space'), { maxLength: 3 }).map((spaces) => new TupleSpace(spaces)),
    fc
      .dictionary(fc.constantFrom('a', 'b', 'c', 'obs'), tie('space'), { maxKeys: 3 })
      .map((spaces) => new DictSpace(spaces)),
  ),
}));

describe('spaceFromJSON', () => {
  it('rebuilds an equal space from JSON, for any nesting of spaces', () => {
    fc.assert(
      fc.property(arbSpace, (space) => {
        const json = space.toJSON();
        const back = spaceFromJSON(JSON.parse(JSON.stringify(json)) as SpaceJSON);
        expect(back.toJSON()).toEqual(json);
        expect(spacesEqual(back, space)).toBe(true);
        expect(back.flatDim).toBe(space.flatDim);
        expect(back.constructor).toBe(space.constructor);
      }),
    );
  });

  it('gives nested spaces the laws of their parts: contained samples, flatten length, round trip, seeding', () => {
    fc.assert(
      fc.property(arbSpace, fc.integer(), (space, seed) => {
        const a = Rng.fromSeed(seed);
        const b = Rng.fromSeed(seed);
        for (let i = 0; i < 5; i++) {
          const x = space.sample(a);
          expect(space.contains(x)).toBe(true);
          expect(space.sample(b)).toEqual(x);
          const flat = space.flatten(x);
          expect(flat.length).toBe(space.flatDim);
          expect(space.unflatten(flat)).toEqual(x);
          const rebuilt = spaceFromJSON(space.toJSON());
          expect(rebuilt.contains(x)).toBe(true);
          expect(rebuilt.flatten(x)).toEqual(flat);
        }
      }),
    );
  });

  it('rejects malformed descriptions', () => {
    const bad = (json: unknown): SpaceJSON => json as SpaceJSON;
    expect(() => spaceFromJSON(bad(null))).toThrow(/expected an object, got null/);
    expect(() => spaceFromJSON(bad({ kind: 'graph' }))).toThrow(/unknown kind "graph"/);
    expect(() => spaceFromJSON(bad({ kind: 'box', shape: [1], low: 0, high: [1], dtype: 'float32' }))).toThrow(
      /box.low must be an array/,
    );
    expect(() => spaceFromJSON(bad({ kind: 'box', shape: [1], low: ['0'], high: [1], dtype: 'float32' }))).toThrow(
      /box.low\[0\] must be a number or null/,
    );
    expect(() => spaceFromJSON(bad({ kind: 'box', shape: 1, low: [0], high: [1], dtype: 'float32' }))).toThrow(
      /box.shape must be an array/,
    );
    expect(() => spaceFromJSON(bad({ kind: 'tuple', spaces: {} }))).toThrow(/tuple.spaces must be an array/);
    expect(() => spaceFromJSON(bad({ kind: 'dict', spaces: [] }))).toThrow(/dict.spaces must be an object/);
    expect(() => spaceFromJSON(bad({ kind: 'multi-discrete', nvec: 2, start: [0] }))).toThrow(/nvec must be an array/);
    expect(() => spaceFromJSON(bad({ kind: 'discrete', n: '3', start: 0 }))).toThrow(/Discrete: n must be/);
    expect(() => spaceFromJSON(bad({ kind: 'box', shape: [1], low: [2], high: [1], dtype: 'float32' }))).toThrow(
      /low\[0\] = 2 > high\[0\] = 1/,
    );
  });

  it('reads null bounds as the infinity of their side and fills in missing starts', () => {
    const json: SpaceJSON = { kind: 'box', shape: [2], low: [null, 0], high: [null], dtype: 'float64' };
    const box = spaceFromJSON(json) as Box<'float64'>;
    expect(Array.from(box.low)).toEqual([-Infinity, 0]);
    expect(Array.from(box.high)).toEqual([Infinity, Infinity]);
    const md = spaceFromJSON(JSON.parse('{"kind": "multi-discrete", "nvec": [2, 3]}')) as MultiDiscrete;
    expect(md.start).toEqual([0, 0]);
    const d = spaceFromJSON(JSON.parse('{"kind": "discrete", "n": 2}')) as Discrete;
    expect(d.start).toBe(0);
  });
});

describe('spacesEqual', () => {
  it('compares spaces by what they describe', () => {
    expect(spacesEqual(new Discrete(3), new Discrete(3, { start: 0 }))).toBe(true);
    expect(spacesEqual(new Discrete(3), new Discrete(3, { start: 1 }))).toBe(false);
    expect(spacesEqual(new Discrete(3), new Discrete(4))).toBe(false);
    expect(spacesEqual(new Box({ low: [0, 0], high: 1 }), new Box({ low: 0, high: 1, shape: [2] }))).toBe(true);
    expect(spacesEqual(new Box({ low: -0, high: 1 }), new Box({ low: 0, high: 1 }))).toBe(true);
    expect(spacesEqual(new Box({ low: 0, high: 1 }), new Box({ low: 0, high: 1, dtype: 'float64' }))).toBe(false);
    const grid = (shape: number[]): Box => new Box({ low: 0, high: 1, shape });
    expect(spacesEqual(grid([2, 3]), grid([3, 2]))).toBe(false);
    expect(spacesEqual(new MultiBinary(2), new MultiDiscrete([2, 2]))).toBe(false);
    const ab = new DictSpace({ a: new Discrete(2), b: new MultiBinary(2) });
    const ba = new DictSpace({ b: new MultiBinary(2), a: new Discrete(2) });
    expect(spacesEqual(ab, ba)).toBe(true);
    expect(spacesEqual(ab, new DictSpace({ a: new Discrete(2), c: new MultiBinary(2) }))).toBe(false);
    expect(spacesEqual(ab, new DictSpace({ a: new Discrete(2) }))).toBe(false);
    expect(spacesEqual(new TupleSpace([]), new DictSpace({}))).toBe(false);
    const two = new Discrete(2);
    expect(spacesEqual(new TupleSpace([two]), new TupleSpace([two, two]))).toBe(false);
    expect(spacesEqual(new TupleSpace([ab]), new TupleSpace([ba]))).toBe(true);
  });
});
