import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { MultiBinary } from './multi-binary.js';

const arbSpace = fc.integer({ min: 1, max: 16 }).map((n) => new MultiBinary(n));
const arbSpaceAndValue = fc
  .array(fc.constantFrom(0, 1), { minLength: 1, maxLength: 16 })
  .map((bits) => [new MultiBinary(bits.length), Int8Array.from(bits)] as const);

describeSpaceContract('MultiBinary (random n)', arbSpace, {
  masks: (space) => fc.array(fc.constantFrom(0, 1, 2), { minLength: space.n, maxLength: space.n }),
});

describe('MultiBinary', () => {
  it('flattens every value to its bits as floats, and unflattens by rounding', () => {
    fc.assert(
      fc.property(arbSpaceAndValue, ([space, x]) => {
        expect(Array.from(space.flatten(x))).toEqual(Array.from(x));
      }),
    );
    expect(new MultiBinary(3).unflatten([0.2, 0.51, 0.5])).toEqual(new Int8Array([0, 1, 0]));
  });

  it('fixes masked elements to 0 or 1 and draws those masked 2', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 16 }), fc.integer(), (mask, seed) => {
        const space = new MultiBinary(mask.length);
        const x = space.sample(Rng.fromSeed(seed), Int8Array.from(mask));
        expect(space.contains(x)).toBe(true);
        mask.forEach((m, i) => {
          if (m !== 2) expect(x[i]).toBe(m);
        });
      }),
    );
    const rng = Rng.fromSeed(3);
    const draws = Array.from({ length: 50 }, () => new MultiBinary(1).sample(rng, [2])[0]);
    expect(new Set(draws).size).toBe(2);
  });

  it('contains only Int8Arrays of 0s and 1s of length n', () => {
    const space = new MultiBinary(2);
    expect(space.shape).toEqual([2]);
    expect(space.contains(new Int8Array([0, 1]))).toBe(true);
    expect(space.contains(new Int8Array([0, 2]))).toBe(false);
    expect(space.contains(new Int8Array([-1, 0]))).toBe(false);
    expect(space.contains(new Int8Array([0]))).toBe(false);
    expect(space.contains(new Uint8Array([0, 1]))).toBe(false);
    expect(space.contains([0, 1])).toBe(false);
    expect(String(space)).toBe('MultiBinary(2)');
  });

  it('rejects invalid n, masks, values and buffers, naming the field', () => {
    for (const n of [0, -2, 1.5, NaN]) {
      expect(() => new MultiBinary(n)).toThrow(/MultiBinary: n must be a positive integer/);
    }
    const space = new MultiBinary(3);
    const rng = Rng.fromSeed(0);
    expect(() => space.sample(rng, [2, 2])).toThrow(/mask has length 2, expected 3/);
    expect(() => space.sample(rng, [2, 3, 2])).toThrow(/mask\[1\] must be 0, 1 or 2, got 3/);
    expect(() => space.flatten(new Int8Array(2))).toThrow(/value has length 2, expected 3/);
    expect(() => space.flatten(new Int8Array(3), new Float32Array(2))).toThrow(/out has length 2, needs 3/);
    expect(() => space.unflatten([1])).toThrow(/flat has length 1, needs 3/);
  });

  it('types its values as Int8Array', () => {
    expectTypeOf(new MultiBinary(2).sample(Rng.fromSeed(0))).toEqualTypeOf<Int8Array>();
  });
});
