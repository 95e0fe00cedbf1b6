import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { MultiDiscrete } from './multi-discrete.js';

const arbSpec = fc.array(fc.record({ n: fc.integer({ min: 1, max: 8 }), start: fc.integer({ min: -20, max: 20 }) }), {
  maxLength: 6,
});
const build = (spec: { n: number; start: number }[]): MultiDiscrete =>
  new MultiDiscrete(
    spec.map((d) => d.n),
    { start: spec.map((d) => d.start) },
  );
const arbSpace = arbSpec.map(build);

/** A space together with an arbitrary value of it (not only what `sample` draws). */
const arbSpaceAndValue = arbSpec.chain((spec) =>
  fc
    .tuple(...spec.map((d) => fc.integer({ min: d.start, max: d.start + d.n - 1 })))
    .map((values) => [build(spec), Int32Array.from(values)] as const),
);

describeSpaceContract('MultiDiscrete (random nvec and start)', arbSpace, {
  masks: (space) => fc.tuple(...space.nvec.map((n) => fc.array(fc.boolean(), { minLength: n, maxLength: n }))),
});

describe('MultiDiscrete', () => {
  it('flattens every value to concatenated one-hots', () => {
    fc.assert(
      fc.property(arbSpaceAndValue, ([space, x]) => {
        expect(space.flatten(x).reduce((s, v) => s + v, 0)).toBe(x.length);
      }),
    );
    expect(new MultiDiscrete([2, 3]).flatten(new Int32Array([1, 0]))).toEqual(new Float32Array([0, 1, 1, 0, 0]));
  });

  it('samples per dimension only what the mask allows, and start where it allows none', () => {
    const arbMasked = arbSpec.chain((spec) =>
      fc.tuple(
        fc.constant(build(spec)),
        fc.tuple(...spec.map((d) => fc.array(fc.boolean(), { minLength: d.n, maxLength: d.n }))),
      ),
    );
    fc.assert(
      fc.property(arbMasked, fc.integer(), ([space, mask], seed) => {
        const rng = Rng.fromSeed(seed);
        for (let t = 0; t < 5; t++) {
          const x = space.sample(rng, mask);
          expect(space.contains(x)).toBe(true);
          mask.forEach((m, i) => {
            if (m.some(Boolean)) expect(m[x[i]! - space.start[i]!]).toBe(true);
            else expect(x[i]).toBe(space.start[i]);
          });
        }
      }),
    );
  });

  it('contains only Int32Arrays of the right length and range', () => {
    const space = new MultiDiscrete([2, 3], { start: 1 });
    expect(space.start).toEqual([1, 1]);
    expect(space.shape).toEqual([2]);
    expect(space.flatDim).toBe(5);
    expect(space.contains(new Int32Array([1, 3]))).toBe(true);
    expect(space.contains(new Int32Array([0, 3]))).toBe(false);
    expect(space.contains(new Int32Array([1, 4]))).toBe(false);
    expect(space.contains(new Int32Array([1]))).toBe(false);
    expect(space.contains(new Float32Array([1, 1]))).toBe(false);
    expect(space.contains([1, 1])).toBe(false);
    expect(String(space)).toBe('MultiDiscrete([2, 3], start=[1, 1])');
    expect(String(new MultiDiscrete([4]))).toBe('MultiDiscrete([4])');
    const empty = new MultiDiscrete([]);
    expect([empty.flatDim, empty.sample(Rng.fromSeed(0)).length]).toEqual([0, 0]);
  });

  it('rejects invalid nvec and start, naming the field', () => {
    expect(() => new MultiDiscrete([2, 0])).toThrow(/nvec\[1\] must be a positive integer, got 0/);
    expect(() => new MultiDiscrete([1.5])).toThrow(/nvec\[0\] must be a positive integer/);
    expect(() => new MultiDiscrete([2, 2], { start: [0] })).toThrow(/start has length 1, nvec 2/);
    expect(() => new MultiDiscrete([2], { start: 0.5 })).toThrow(/start\[0\] = 0.5 must be an integer/);
    expect(() => new MultiDiscrete([2], { start: 2 ** 31 - 1 })).toThrow(/start\[0\].*int32 range/);
    expect(() => new MultiDiscrete([2, 0])).toThrow(RangeError);
  });

  it('rejects bad masks, values and buffers', () => {
    const space = new MultiDiscrete([2, 3]);
    const rng = Rng.fromSeed(0);
    expect(() => space.sample(rng, [[1, 1]])).toThrow(/mask has 1 entries, expected 2/);
    expect(() => space.sample(rng, [[1, 1], [1]])).toThrow(/mask\[1\]: mask has length 1, expected 3/);
    expect(() => space.flatten(new Int32Array([0, 3]))).toThrow(/value\[1\] = 3 is out of range/);
    expect(() => space.flatten(new Int32Array([0]))).toThrow(/value has length 1, expected 2/);
    expect(() => space.flatten(new Int32Array([0, 0]), new Float32Array(4))).toThrow(/out has length 4, needs 5/);
    expect(() => space.unflatten([1, 0, 1, 0])).toThrow(/flat has length 4, needs 5/);
  });

  it('types its values as Int32Array', () => {
    expectTypeOf(new MultiDiscrete([2]).sample(Rng.fromSeed(0))).toEqualTypeOf<Int32Array>();
  });
});
