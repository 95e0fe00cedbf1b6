import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract, equalAsFloat32, sameSpaceValue } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { Box, type BoxValue } from './box.js';
import type { BoxDtype } from './space.js';

type Side = 'both' | 'below' | 'above' | 'none';

/** A bound pair of one element: integers for int32, floats otherwise. */
const arbBounds = (dtype: BoxDtype): fc.Arbitrary<[number, number]> => {
  const value =
    dtype === 'int32' ? fc.integer({ min: -1000, max: 1000 }) : fc.double({ min: -1e3, max: 1e3, noNaN: true });
  const width = dtype === 'int32' ? fc.nat(50) : fc.double({ min: 0, max: 1e3, noNaN: true });
  return fc
    .tuple(fc.constantFrom<Side>('both', 'below', 'above', 'none'), value, width)
    .map(([side, v, w]) => [
      side === 'both' || side === 'below' ? v : -Infinity,
      side === 'both' ? v + w : side === 'above' ? v : Infinity,
    ]);
};

const arbBox = fc
  .tuple(
    fc.constantFrom<BoxDtype>('float32', 'float64', 'int32'),
    fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  )
  .chain(([dtype, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc
      .array(arbBounds(dtype), { minLength: size, maxLength: size })
      .map((bounds) => new Box({ low: bounds.map((b) => b[0]), high: bounds.map((b) => b[1]), shape, dtype }));
  });

/** Round trips are exact, except that float64 values come back with float32 precision. */
const exceptFloat64Precision = (back: BoxValue<BoxDtype>, x: BoxValue<BoxDtype>): boolean =>
  x instanceof Float64Array ? equalAsFloat32(back, x) : sameSpaceValue(back, x);

describeSpaceContract('Box (random bounds, shapes and dtypes)', arbBox, { equal: exceptFloat64Precision });

describe('Box', () => {
  it('round-trips every float32 value and every int32 value within ±2^24 exactly', () => {
    fc.assert(
      fc.property(fc.float32Array({ noNaN: true, noDefaultInfinity: true, maxLength: 8 }), (x) => {
        const space = new Box({ low: -Infinity, high: Infinity, shape: [x.length] });
        expect(space.contains(x)).toBe(true);
        expect(space.unflatten(space.flatten(x))).toEqual(x);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), { maxLength: 8 }), (values) => {
        const x = Int32Array.from(values);
        const space = new Box({ low: -(2 ** 24), high: 2 ** 24, shape: [x.length], dtype: 'int32' });
        expect(space.contains(x)).toBe(true);
        expect(space.unflatten(space.flatten(x))).toEqual(x);
      }),
    );
  });

  it('writes infinite bounds as null and equal bounds once', () => {
    const space = new Box({ low: [-Infinity, 0], high: [1, Infinity] });
    expect(space.toJSON()).toEqual({ kind: 'box', shape: [2], low: [null, 0], high: [1, null], dtype: 'float32' });
    const image = new Box({ low: 0, high: 255, shape: [2, 2], dtype: 'int32' });
    expect(image.toJSON()).toEqual({ kind: 'box', shape: [2, 2], low: [0], high: [255], dtype: 'int32' });
    expect(new Box({ low: 0, high: 1, shape: [0] }).toJSON()).toMatchObject({ low: [], high: [] });
    expect(String(space)).toBe('Box([-inf, 0], [1, inf], [2], float32)');
    expect(String(image)).toBe('Box(0, 255, [2, 2], int32)');
  });

  it('never contains NaN or infinities, even when unbounded', () => {
    const space = new Box({ low: -Infinity, high: Infinity, shape: [2], dtype: 'float64' });
    expect(space.contains(new Float64Array([0, 1e300]))).toBe(true);
    expect(space.contains(new Float64Array([0, NaN]))).toBe(false);
    expect(space.contains(new Float64Array([Infinity, 0]))).toBe(false);
    expect(space.contains(new Float64Array([0, -Infinity]))).toBe(false);
    expect(new Box({ low: 0, high: 1 }).contains(new Float32Array([NaN]))).toBe(false);
  });

  it('rejects the wrong dtype, length or type and out-of-bounds values', () => {
    const space = new Box({ low: [0, -1], high: [1, 1] });
    expect(space.contains(new Float32Array([0.5, -1]))).toBe(true);
    expect(space.contains(new Float64Array([0.5, 0]))).toBe(false);
    expect(space.contains(new Int32Array([0, 0]))).toBe(false);
    expect(space.contains([0.5, 0])).toBe(false);
    expect(space.contains(new Float32Array([0.5]))).toBe(false);
    expect(space.contains(new Float32Array([0.5, 0, 0]))).toBe(false);
    expect(space.contains(new Float32Array([1.5, 0]))).toBe(false);
    expect(space.contains(new Float32Array([0.5, -1.5]))).toBe(false);
    expect(space.contains(null)).toBe(false);
    const ints = new Box({ low: 0, high: 3, shape: [2], dtype: 'int32' });
    expect(ints.contains(new Int32Array([0, 3]))).toBe(true);
    expect(ints.contains(new Float32Array([0, 3]))).toBe(false);
  });

  it('samples one-sided bounds with shifted exponentials that stay in bounds', () => {
    const rng = Rng.fromSeed(4);
    const below = new Box({ low: 2, high: Infinity, shape: [1000], dtype: 'float64' });
    const above = new Box({ low: -Infinity, high: -3, shape: [1000], dtype: 'float64' });
    const mean = (x: ArrayLike<number>): number => Array.from(x).reduce((s, v) => s + v, 0) / x.length;
    for (let i = 0; i < 10; i++) {
      const b = below.sample(rng);
      const a = above.sample(rng);
      expect(b.every((v) => v >= 2)).toBe(true);
      expect(a.every((v) => v <= -3)).toBe(true);
      expect(mean(b)).toBeGreaterThan(2.8); // Exp(1) has mean 1
      expect(mean(b)).toBeLessThan(3.2);
      expect(mean(a)).toBeLessThan(-3.8);
      expect(mean(a)).toBeGreaterThan(-4.2);
    }
    const intBelow = new Box({ low: -5, high: Infinity, shape: [1000], dtype: 'int32' });
    const intAbove = new Box({ low: -Infinity, high: 5, shape: [1000], dtype: 'int32' });
    expect(intBelow.sample(rng).every((v) => v >= -5)).toBe(true);
    expect(intAbove.sample(rng).every((v) => v <= 5)).toBe(true);
  });

  it('samples unbounded elements from N(0, 1) and bounded ones uniformly', () => {
    const rng = Rng.fromSeed(9);
    const normal = new Box({ low: -Infinity, high: Infinity, shape: [20000], dtype: 'float64' }).sample(rng);
    const m = normal.reduce((s, v) => s + v, 0) / normal.length;
    const sd = Math.sqrt(normal.reduce((s, v) => s + (v - m) ** 2, 0) / normal.length);
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    const uniform = new Box({ low: -1, high: 3, shape: [20000] }).sample(rng);
    expect(uniform.reduce((s, v) => s + v, 0) / uniform.length).toBeCloseTo(1, 1);
    const ints = new Box({ low: -2, high: 2, shape: [500], dtype: 'int32' }).sample(rng);
    expect([...new Set(ints)].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('keeps float32 samples inside bounds that float32 cannot represent exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1e-6, noNaN: true }),
        fc.integer(),
        (low, width, seed) => {
          const space = new Box({ low, high: low + width, shape: [16] });
          expect(space.contains(space.sample(Rng.fromSeed(seed)))).toBe(true);
        },
      ),
    );
  });

  it('samples bounds near the largest double without overflowing', () => {
    const space = new Box({ low: -Number.MAX_VALUE, high: Number.MAX_VALUE, shape: [100], dtype: 'float64' });
    const rng = Rng.fromSeed(2);
    for (let i = 0; i < 10; i++) expect(space.contains(space.sample(rng))).toBe(true);
    const ints = new Box({ low: -(2 ** 31), high: 2 ** 31 - 1, shape: [100], dtype: 'int32' });
    expect(ints.contains(ints.sample(rng))).toBe(true);
  });

  it('tells which sides are bounded', () => {
    const both = new Box({ low: 0, high: 1, shape: [2] });
    const below = new Box({ low: [0, 0], high: [1, Infinity] });
    const above = new Box({ low: [-Infinity, 0], high: 1 });
    expect([both.isBounded(), both.isBounded('below'), both.isBounded('above')]).toEqual([true, true, true]);
    expect([below.isBounded(), below.isBounded('below'), below.isBounded('above')]).toEqual([false, true, false]);
    expect([above.isBounded(), above.isBounded('below'), above.isBounded('above')]).toEqual([false, false, true]);
    // @ts-expect-error: not a manner
    expect(() => both.isBounded('left')).toThrow(/manner must be/);
  });

  it('infers the shape and broadcasts single bounds', () => {
    expect(new Box({ low: 0, high: 1 }).shape).toEqual([1]);
    expect(new Box({ low: [0, 0, 0], high: 1 }).shape).toEqual([3]);
    expect(new Box({ low: 0, high: [1, 2] }).shape).toEqual([2]);
    const scalar = new Box({ low: 0, high: 1, shape: [] });
    expect([scalar.flatDim, scalar.sample(Rng.fromSeed(0)).length]).toEqual([1, 1]);
    const grid = new Box({ low: [-1], high: [0, 1, 2, 3, 4, 5], shape: [2, 3] });
    expect(Array.from(grid.low)).toEqual(new Array(6).fill(-1));
    expect(Array.from(grid.high)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Box({ low: 0.1, high: 1 }).low[0]).toBe(Math.fround(0.1));
    expect(new Box({ low: 0.1, high: 1, dtype: 'float64' }).low[0]).toBe(0.1);
  });

  it('rejects invalid bounds and shapes, naming the field', () => {
    expect(() => new Box({ low: [0, 2], high: [1, 1] })).toThrow(/low\[1\] = 2 > high\[1\] = 1/);
    expect(() => new Box({ low: [0, NaN], high: 1 })).toThrow(/low\[1\] is NaN/);
    expect(() => new Box({ low: 0, high: [1, NaN] })).toThrow(/high\[1\] is NaN/);
    expect(() => new Box({ low: Infinity, high: Infinity })).toThrow(/low\[0\] is \+Infinity/);
    expect(() => new Box({ low: -Infinity, high: -Infinity })).toThrow(/high\[0\] is -Infinity/);
    expect(() => new Box({ low: 0, high: 1, shape: [2, -1] })).toThrow(/shape\[1\] must be a non-negative integer/);
    expect(() => new Box({ low: 0, high: 1, shape: [1.5] })).toThrow(/shape\[0\] must be a non-negative integer/);
    expect(() => new Box({ low: [0, 0], high: 1, shape: [3] })).toThrow(/low has length 2, but shape \[3\] needs 3/);
    expect(() => new Box({ low: [0, 0], high: [1, 1, 1] })).toThrow(/high has length 3, but shape \[2\] needs 2/);
    // @ts-expect-error: not a dtype
    expect(() => new Box({ low: 0, high: 1, dtype: 'uint8' })).toThrow(/dtype must be one of/);
    expect(() => new Box({ low: 0.5, high: 1, dtype: 'int32' })).toThrow(/low\[0\] = 0.5 is not an int32/);
    expect(() => new Box({ low: 0, high: 2 ** 31, dtype: 'int32' })).toThrow(/high\[0\] = 2147483648 is not an int32/);
    expect(() => new Box({ low: 0, high: 1, shape: [-1] })).toThrow(RangeError);
  });

  it('rejects masks, short buffers and values of the wrong length', () => {
    const space = new Box({ low: 0, high: 1, shape: [3] });
    // @ts-expect-error: a Box takes no mask
    expect(() => space.sample(Rng.fromSeed(0), [1, 1, 1])).toThrow(/takes no mask/);
    expect(() => space.flatten(new Float32Array(2))).toThrow(/value has length 2, expected 3/);
    expect(() => space.flatten(new Float32Array(3), new Float32Array(3), 1)).toThrow(/out has length 3, needs 4/);
    expect(() => space.unflatten([0, 0])).toThrow(/flat has length 2, needs 3/);
  });

  it('rounds int32 values when unflattening', () => {
    const space = new Box({ low: -5, high: 5, shape: [3], dtype: 'int32' });
    expect(space.unflatten([0.9, -1.2, 2.5])).toEqual(new Int32Array([1, -1, 3]));
  });

  it('types values by dtype', () => {
    const rng = Rng.fromSeed(0);
    expectTypeOf(new Box({ low: 0, high: 1 }).sample(rng)).toEqualTypeOf<Float32Array>();
    expectTypeOf(new Box({ low: 0, high: 1, dtype: 'float64' }).sample(rng)).toEqualTypeOf<Float64Array>();
    expectTypeOf(new Box({ low: 0, high: 1, dtype: 'int32' }).sample(rng)).toEqualTypeOf<Int32Array>();
    const dtype: BoxDtype = 'float64';
    expectTypeOf(new Box<BoxDtype>({ low: 0, high: 1, dtype }).sample(rng)).toEqualTypeOf<
      Float32Array | Float64Array | Int32Array
    >();
  });
});

describe('Box.unflatten clamping', () => {
  it('clamps values that float32 storage moved past a bound', () => {
    const f64 = new Box({ low: 0.1, high: 0.1, dtype: 'float64' });
    expect(f64.contains(f64.unflatten(f64.flatten(new Float64Array([0.1]))))).toBe(true);
    const i32 = new Box({ low: -Infinity, high: 2 ** 31 - 1, dtype: 'int32' });
    expect(i32.unflatten(i32.flatten(new Int32Array([2 ** 31 - 2])))[0]).toBe(2 ** 31 - 1);
    const unbounded = new Box({ low: -Infinity, high: Infinity, shape: [1], dtype: 'int32' });
    expect(unbounded.unflatten([2 ** 40])[0]).toBe(2 ** 31 - 1);
    expect(Array.from(new Box({ low: -1, high: 1, shape: [2] }).unflatten([-5, 5]))).toEqual([-1, 1]);
  });
});
