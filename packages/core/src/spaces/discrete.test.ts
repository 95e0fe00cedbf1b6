import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { describeSpaceContract } from '@tfrl/testing';
import { Rng } from '../rng.js';
import { Discrete } from './discrete.js';

const arbDiscrete = fc
  .record({ n: fc.integer({ min: 1, max: 20 }), start: fc.integer({ min: -50, max: 50 }) })
  .map(({ n, start }) => new Discrete(n, { start }));

describeSpaceContract('Discrete (random n and start)', arbDiscrete, {
  masks: (space) => fc.array(fc.boolean(), { minLength: space.n, maxLength: space.n }),
});

describe('Discrete', () => {
  it('flattens every value to a one-hot and back', () => {
    fc.assert(
      fc.property(arbDiscrete, (space) => {
        for (let x = space.start; x < space.start + space.n; x++) {
          const flat = space.flatten(x);
          expect(flat.reduce((s, v) => s + v, 0)).toBe(1);
          expect(flat[x - space.start]).toBe(1);
          expect(space.unflatten(flat)).toBe(x);
        }
      }),
    );
  });

  it('unflattens any vector to its argmax (the first on ties)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 10 }), (flat) => {
        const space = new Discrete(flat.length, { start: 3 });
        const max = Math.max(...flat);
        expect(space.unflatten(flat)).toBe(3 + flat.indexOf(max));
      }),
    );
    expect(new Discrete(3).unflatten([NaN, 0.5, 0.2])).toBe(1);
  });

  it('samples only values the mask allows, and start when it allows none', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.integer(),
        (start, mask, seed) => {
          const space = new Discrete(mask.length, { start });
          const rng = Rng.fromSeed(seed);
          for (let i = 0; i < 10; i++) {
            const x = space.sample(rng, mask);
            if (mask.some(Boolean)) expect(mask[x - start]).toBe(true);
            else expect(x).toBe(start);
          }
        },
      ),
    );
  });

  it('reaches every allowed value of a numeric mask', () => {
    const space = new Discrete(5, { start: 10 });
    const rng = Rng.fromSeed(1);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(space.sample(rng, [1, 0, 1, 0, 1]));
    expect([...seen].sort()).toEqual([10, 12, 14]);
  });

  it('contains only integers in start .. start + n - 1', () => {
    const space = new Discrete(3, { start: -1 });
    expect([-1, 0, 1].every((x) => space.contains(x))).toBe(true);
    for (const x of [-2, 2, 0.5, NaN, Infinity, '0', null, undefined, [0]]) expect(space.contains(x)).toBe(false);
    expect(space.shape).toEqual([]);
    expect(space.flatDim).toBe(3);
    expect(String(space)).toBe('Discrete(3, start=-1)');
    expect(String(new Discrete(2))).toBe('Discrete(2)');
  });

  it('rejects invalid n and start, naming the field', () => {
    for (const n of [0, -1, 1.5, NaN, Infinity]) expect(() => new Discrete(n)).toThrow(/Discrete: n must be/);
    expect(() => new Discrete(0)).toThrow(RangeError);
    for (const start of [0.5, NaN, Number.MAX_SAFE_INTEGER]) {
      expect(() => new Discrete(2, { start })).toThrow(/Discrete: start must be/);
    }
  });

  it('rejects bad masks, values and buffers', () => {
    const space = new Discrete(3);
    const rng = Rng.fromSeed(0);
    expect(() => space.sample(rng, [1, 1])).toThrow(/mask has length 2, expected 3/);
    expect(() => space.flatten(3)).toThrow(/3 is not in Discrete\(3\)/);
    expect(() => space.flatten(0, new Float32Array(4), 2)).toThrow(/out has length 4, needs 5/);
    expect(() => space.flatten(0, new Float32Array(4), -1)).toThrow(/offset must be a non-negative integer/);
    expect(() => space.unflatten([0, 1, 0], 1)).toThrow(/flat has length 3, needs 4/);
    expect(() => space.unflatten([0, 1, 0], 0.5)).toThrow(/offset must be a non-negative integer/);
    expect(space.flatten(1, undefined, 2)).toEqual(new Float32Array([0, 0, 0, 1, 0]));
  });

  it('types its values as numbers', () => {
    const space = new Discrete(4);
    expectTypeOf(space.sample(Rng.fromSeed(0))).toEqualTypeOf<number>();
    expectTypeOf(space.unflatten([1, 0, 0, 0])).toEqualTypeOf<number>();
  });
});
