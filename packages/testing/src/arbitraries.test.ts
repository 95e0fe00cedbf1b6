import fc from 'fast-check';
import { Box, DictSpace, Discrete, MultiBinary, MultiDiscrete, TupleSpace, spaceFromJSON, type Space } from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import {
  arbitraryFromSpace,
  arbitraryOutsideSpace,
  arbitrarySpace,
  arbitrarySpaceJSON,
} from './arbitraries.js';

describe('arbitrarySpace', () => {
  it('generates JSON that spaceFromJSON accepts and toJSON reproduces', () => {
    fc.assert(
      fc.property(arbitrarySpaceJSON(), (json) => {
        const space = spaceFromJSON(json);
        expect(spaceFromJSON(space.toJSON()).toJSON()).toEqual(space.toJSON());
      }),
      { numRuns: 300 },
    );
  });

  it('reaches every kind, and Tuple/Dict only up to maxDepth', () => {
    const kinds = new Set(fc.sample(arbitrarySpace(), { seed: 1, numRuns: 300 }).map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['box', 'dict', 'discrete', 'multi-binary', 'multi-discrete', 'tuple']);
    const leaves = fc.sample(arbitrarySpace({ maxDepth: 0 }), { seed: 2, numRuns: 100 });
    expect(leaves.every((s) => s.kind !== 'tuple' && s.kind !== 'dict')).toBe(true);
  });
});

describe('arbitraryFromSpace', () => {
  it('only produces values the space contains (any space)', () => {
    fc.assert(
      fc.property(
        arbitrarySpace().chain((space) => fc.tuple(fc.constant(space), arbitraryFromSpace(space))),
        ([space, value]) => space.contains(value),
      ),
      { numRuns: 500 },
    );
  });

  it('values flatten to flatDim finite numbers', () => {
    fc.assert(
      fc.property(
        arbitrarySpace().chain((space) => fc.tuple(fc.constant(space), arbitraryFromSpace(space))),
        ([space, value]) => {
          const flat = space.flatten(value);
          return flat.length === space.flatDim;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('makes the typed array of the Box dtype, finite where a side is unbounded', () => {
    const cases: [Space, abstract new (...args: never[]) => unknown][] = [
      [new Box({ low: -Infinity, high: Infinity, shape: [3] }), Float32Array],
      [new Box({ low: [0, -Infinity], high: [Infinity, 1], dtype: 'float64' }), Float64Array],
      [new Box({ low: -3, high: 3, shape: [2, 2], dtype: 'int32' }), Int32Array],
      [new MultiDiscrete([2, 3], { start: [-1, 5] }), Int32Array],
      [new MultiBinary(4), Int8Array],
    ];
    for (const [space, type] of cases) {
      for (const value of fc.sample(arbitraryFromSpace(space), { seed: 3, numRuns: 50 })) {
        expect(value).toBeInstanceOf(type);
        expect(Array.from(value as ArrayLike<number>).every(Number.isFinite)).toBe(true);
        expect(space.contains(value)).toBe(true);
      }
    }
  });

  it('handles image-sized Boxes with shared bounds quickly', () => {
    const space = new Box({ low: 0, high: 255, shape: [84, 84, 4] });
    const values = fc.sample(arbitraryFromSpace(space), { seed: 8, numRuns: 5 });
    expect(values.every((v) => v.length === 84 * 84 * 4 && space.contains(v))).toBe(true);
  });

  it('builds arrays for Tuple and objects for Dict', () => {
    const space = new DictSpace({ a: new Discrete(3, { start: 1 }), b: new TupleSpace([new MultiBinary(2), new Discrete(2)]) });
    const values = fc.sample(arbitraryFromSpace(space), { seed: 4, numRuns: 30 });
    for (const value of values) {
      expect(Object.keys(value as object).sort()).toEqual(['a', 'b']);
      expect(Array.isArray((value as { b: unknown }).b)).toBe(true);
    }
  });

  it('reaches both ends of a small Discrete', () => {
    const values = new Set(fc.sample(arbitraryFromSpace(new Discrete(3, { start: -1 })), { seed: 5, numRuns: 100 }));
    expect([...values].sort()).toEqual([-1, 0, 1]);
  });
});

describe('arbitraryOutsideSpace', () => {
  it('only produces values the space rejects (any space)', () => {
    fc.assert(
      fc.property(
        arbitrarySpace()
          .map((space) => [space, arbitraryOutsideSpace(space)] as const)
          .filter(([, outside]) => outside !== null)
          .chain(([space, outside]) => fc.tuple(fc.constant(space), outside!)),
        ([space, value]) => !space.contains(value),
      ),
      { numRuns: 500 },
    );
  });

  it('includes out-of-range integers, NaN, infinities and wrong lengths', () => {
    const discrete = fc.sample(arbitraryOutsideSpace(new Discrete(2))!, { seed: 6, numRuns: 200 });
    expect(discrete.some((v) => Number.isNaN(v))).toBe(true);
    expect(discrete.some((v) => (v as number) < 0)).toBe(true);
    expect(discrete.some((v) => (v as number) >= 2 && Number.isFinite(v))).toBe(true);
    const box = fc.sample(arbitraryOutsideSpace(new Box({ low: -1, high: 1, shape: [2] }))!, { seed: 7, numRuns: 200 });
    const arrays = box as Float32Array[];
    expect(arrays.some((v) => v.length === 2 && v.some(Number.isNaN))).toBe(true);
    expect(arrays.some((v) => v.length === 2 && v.some((x) => x === Infinity || x === -Infinity))).toBe(true);
    expect(arrays.some((v) => v.length === 2 && v.some((x) => Number.isFinite(x) && Math.abs(x) > 1))).toBe(true);
    expect(arrays.some((v) => v.length !== 2)).toBe(true);
  });
});
