import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MinTree } from './min-tree.js';

describe('MinTree', () => {
  it('the root equals the minimum of the set leaves after any sequence of updates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }).chain((capacity) =>
          fc.tuple(
            fc.constant(capacity),
            fc.array(fc.tuple(fc.nat({ max: capacity - 1 }), fc.double({ noNaN: true })), { maxLength: 120 }),
          ),
        ),
        ([capacity, sets]) => {
          const tree = new MinTree(capacity);
          const leaves = new Array<number>(capacity).fill(Infinity);
          for (const [i, v] of sets) {
            tree.set(i, v);
            leaves[i] = v;
            expect(tree.min).toBe(Math.min(...leaves));
          }
          const rebuilt = new MinTree(capacity);
          rebuilt.load(leaves);
          expect(rebuilt.min).toBe(tree.min);
          for (let i = 0; i < capacity; i++) expect(rebuilt.get(i)).toBe(leaves[i]);
        },
      ),
    );
  });

  it('is +∞ when empty, and after clear', () => {
    const tree = new MinTree(5);
    expect(tree.min).toBe(Infinity);
    tree.set(4, 3);
    tree.set(2, 7);
    expect(tree.min).toBe(3);
    tree.set(4, Infinity);
    expect(tree.min).toBe(7);
    tree.clear();
    expect(tree.min).toBe(Infinity);
  });

  it('rejects bad indices and NaN', () => {
    const tree = new MinTree(3);
    expect(() => new MinTree(1.5)).toThrow(RangeError);
    expect(() => tree.set(-1, 1)).toThrow(/index -1/);
    expect(() => tree.set(2, Number.NaN)).toThrow(/index 2 is NaN/);
    expect(() => tree.load([1, Number.NaN])).toThrow(/index 1/);
  });
});
