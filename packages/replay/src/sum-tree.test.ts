import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SumTree } from './sum-tree.js';

/** A capacity and a sequence of (index, value) updates within it. */
const updates = (value: fc.Arbitrary<number>) =>
  fc.integer({ min: 1, max: 70 }).chain((capacity) =>
    fc.tuple(fc.constant(capacity), fc.array(fc.tuple(fc.nat({ max: capacity - 1 }), value), { maxLength: 120 })),
  );

function apply(capacity: number, sets: [number, number][]): { tree: SumTree; leaves: number[] } {
  const tree = new SumTree(capacity);
  const leaves = new Array<number>(capacity).fill(0);
  for (const [i, v] of sets) {
    tree.set(i, v);
    leaves[i] = v;
  }
  return { tree, leaves };
}

describe('SumTree', () => {
  it('the root equals the sum of the leaves after any sequence of updates (exact on integers)', () => {
    fc.assert(
      fc.property(updates(fc.integer({ min: 0, max: 1000 })), ([capacity, sets]) => {
        const { tree, leaves } = apply(capacity, sets);
        expect(tree.total).toBe(leaves.reduce((a, b) => a + b, 0));
        for (let i = 0; i < capacity; i++) expect(tree.get(i)).toBe(leaves[i]);
      }),
    );
  });

  it('the root equals the sum of float leaves within rounding (1e-12 relative)', () => {
    fc.assert(
      fc.property(updates(fc.double({ min: 0, max: 1e6, noNaN: true })), ([capacity, sets]) => {
        const { tree, leaves } = apply(capacity, sets);
        const sum = leaves.reduce((a, b) => a + b, 0);
        expect(Math.abs(tree.total - sum)).toBeLessThanOrEqual(1e-12 * sum);
      }),
    );
  });

  it('find(mass) returns the leaf whose cumulative interval contains the mass', () => {
    fc.assert(
      fc.property(
        updates(fc.integer({ min: 0, max: 50 })),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ([capacity, sets], u) => {
          const { tree, leaves } = apply(capacity, sets);
          fc.pre(tree.total > 0);
          const mass = u * tree.total;
          const i = tree.find(mass);
          let before = 0;
          for (let k = 0; k < i; k++) before += leaves[k]!;
          expect(before).toBeLessThanOrEqual(mass);
          expect(mass).toBeLessThan(before + leaves[i]!);
          // every integer mass lands where the cumulative sums say
          for (let m = 0, k = 0, acc = 0; m < tree.total; m++) {
            while (acc + leaves[k]! <= m) acc += leaves[k++]!;
            expect(tree.find(m)).toBe(k);
          }
        },
      ),
    );
  });

  it('never returns a zero-valued leaf, even for a mass at or past the total', () => {
    fc.assert(
      fc.property(updates(fc.double({ min: 0, max: 10, noNaN: true })), fc.double({ min: 0, max: 2, noNaN: true }), ([capacity, sets], u) => {
        const { tree, leaves } = apply(capacity, sets);
        fc.pre(tree.total > 0);
        const i = tree.find(u * tree.total);
        expect(leaves[i]).toBeGreaterThan(0);
        if (u >= 1) expect(i).toBe(leaves.length - 1 - [...leaves].reverse().findIndex((v) => v > 0));
      }),
    );
  });

  it('finds by hand-computed intervals [0,1) [1,1) [1,4) [4,6)', () => {
    const tree = new SumTree(4);
    [1, 0, 3, 2].forEach((v, i) => tree.set(i, v));
    expect([0, 0.999, 1, 3.999, 4, 5.999, 6, 100].map((m) => tree.find(m))).toEqual([0, 0, 2, 2, 3, 3, 3, 3]);
  });

  it('load rebuilds the same tree as the sequence of sets (bit for bit)', () => {
    fc.assert(
      fc.property(updates(fc.double({ min: 0, max: 1e3, noNaN: true })), ([capacity, sets]) => {
        const { tree } = apply(capacity, sets);
        const rebuilt = new SumTree(capacity);
        rebuilt.set(0, 5);
        rebuilt.load(tree.leafValues());
        expect(rebuilt.total).toBe(tree.total);
        for (const m of [0, 0.3, 0.7, 0.999]) if (tree.total > 0) expect(rebuilt.find(m * tree.total)).toBe(tree.find(m * tree.total));
      }),
    );
  });

  it('rejects bad indices, values and masses', () => {
    const tree = new SumTree(3);
    expect(() => new SumTree(0)).toThrow(RangeError);
    expect(() => tree.set(3, 1)).toThrow(/index 3/);
    expect(() => tree.set(0, -1)).toThrow(/index 0.*-1/);
    expect(() => tree.set(1, Number.NaN)).toThrow(/index 1.*NaN/);
    expect(() => tree.set(1, Infinity)).toThrow(RangeError);
    expect(() => tree.find(0)).toThrow(/empty/);
    tree.set(1, 2);
    expect(() => tree.find(-1)).toThrow(RangeError);
    expect(() => tree.find(Number.NaN)).toThrow(RangeError);
    expect(() => tree.load([1, 2, 3, 4])).toThrow(RangeError);
    tree.clear();
    expect(tree.total).toBe(0);
  });
});
