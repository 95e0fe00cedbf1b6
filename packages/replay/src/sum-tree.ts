import { checkCapacity } from './internal/validate.js';

/**
 * A sum segment tree over `capacity` non-negative leaves, stored in a Float64Array of 2·L
 * entries (L = the next power of two ≥ capacity; node i has children 2i and 2i+1, leaves at
 * L … L + capacity − 1, the root at 1). Every internal node is recomputed from its two
 * children, never adjusted by a delta, so the tree is a pure function of its leaves: no drift
 * after millions of updates, and a rebuild from the leaves (snapshot restore) is bit-identical.
 */
export class SumTree {
  /** Number of leaves. */
  readonly capacity: number;
  /** Index of the first leaf in `nodes` (a power of two). */
  private readonly leaves: number;
  private readonly nodes: Float64Array;

  constructor(capacity: number) {
    checkCapacity('SumTree', capacity, 30);
    this.capacity = capacity;
    let leaves = 1;
    while (leaves < capacity) leaves *= 2;
    this.leaves = leaves;
    this.nodes = new Float64Array(2 * leaves);
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.nodes.byteLength;
  }

  /** Sum of all leaves. */
  get total(): number {
    return this.nodes[1]!;
  }

  /** Value of leaf `index`. */
  get(index: number): number {
    return this.nodes[this.leaves + index]!;
  }

  /** Sets leaf `index` to `value` (finite, ≥ 0) and updates its ancestors: O(log capacity). */
  set(index: number, value: number): void {
    if (!(index >= 0 && index < this.capacity && Number.isInteger(index))) {
      throw new RangeError(`SumTree.set: index ${index} is outside 0..${this.capacity - 1}`);
    }
    if (!(value >= 0 && value < Infinity)) {
      throw new RangeError(`SumTree.set: value at index ${index} must be finite and >= 0, got ${value}`);
    }
    const nodes = this.nodes;
    let i = this.leaves + index;
    nodes[i] = value;
    for (i >>= 1; i >= 1; i >>= 1) nodes[i] = nodes[2 * i]! + nodes[2 * i + 1]!;
  }

  /**
   * The leaf i whose cumulative interval [Σ_{j<i} v_j, Σ_{j≤i} v_j) contains `mass`, for
   * 0 ≤ mass < total. Only leaves with a positive value are returned: a mass at or past the
   * total (rounding) gives the last positive leaf. Throws when the total is 0.
   */
  find(mass: number): number {
    if (!(mass >= 0)) throw new RangeError(`SumTree.find: mass must be >= 0, got ${mass}`);
    const nodes = this.nodes;
    if (!(nodes[1]! > 0)) throw new RangeError('SumTree.find: the tree is empty (total is 0)');
    let i = 1;
    let m = mass;
    while (i < this.leaves) {
      const left = nodes[2 * i]!;
      // Go right only into a positive subtree, so a zero-valued leaf is never returned.
      if (m < left || nodes[2 * i + 1]! === 0) i = 2 * i;
      else {
        m -= left;
        i = 2 * i + 1;
      }
    }
    return i - this.leaves;
  }

  /** Copy of the first `count` leaves. */
  leafValues(count = this.capacity): Float64Array {
    return this.nodes.slice(this.leaves, this.leaves + count);
  }

  /** Sets the leaves to `values` (the rest to 0) and rebuilds every internal node: O(capacity). */
  load(values: ArrayLike<number>): void {
    if (values.length > this.capacity) throw new RangeError(`SumTree.load: ${values.length} values for ${this.capacity} leaves`);
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (!(v >= 0 && v < Infinity)) throw new RangeError(`SumTree.load: value at index ${k} must be finite and >= 0, got ${v}`);
    }
    const nodes = this.nodes;
    nodes.fill(0, this.leaves);
    for (let k = 0; k < values.length; k++) nodes[this.leaves + k] = values[k]!;
    for (let i = this.leaves - 1; i >= 1; i--) nodes[i] = nodes[2 * i]! + nodes[2 * i + 1]!;
  }

  /** Sets every leaf to 0. */
  clear(): void {
    this.nodes.fill(0);
  }
}
