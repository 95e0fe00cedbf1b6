import { checkCapacity } from './internal/validate.js';

/**
 * A min segment tree over `capacity` leaves, stored in a Float64Array of 2·L entries (L = the
 * next power of two ≥ capacity; node i has children 2i and 2i+1, leaves at L … L + capacity − 1,
 * the root at 1). Unset leaves are +∞, so `min` is the minimum over the leaves that were set.
 * Nodes are recomputed from their children, so the tree is a pure function of its leaves.
 */
export class MinTree {
  /** Number of leaves. */
  readonly capacity: number;
  /** Index of the first leaf in `nodes` (a power of two). */
  private readonly leaves: number;
  private readonly nodes: Float64Array;

  constructor(capacity: number) {
    checkCapacity('MinTree', capacity, 30);
    this.capacity = capacity;
    let leaves = 1;
    while (leaves < capacity) leaves *= 2;
    this.leaves = leaves;
    this.nodes = new Float64Array(2 * leaves).fill(Infinity);
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.nodes.byteLength;
  }

  /** Minimum over the leaves (+∞ when none is set). */
  get min(): number {
    return this.nodes[1]!;
  }

  /** Value of leaf `index` (+∞ when unset). */
  get(index: number): number {
    return this.nodes[this.leaves + index]!;
  }

  /** Sets leaf `index` to `value` (not NaN; +∞ unsets it) and updates its ancestors: O(log capacity). */
  set(index: number, value: number): void {
    if (!(index >= 0 && index < this.capacity && Number.isInteger(index))) {
      throw new RangeError(`MinTree.set: index ${index} is outside 0..${this.capacity - 1}`);
    }
    if (Number.isNaN(value)) throw new RangeError(`MinTree.set: value at index ${index} is NaN`);
    const nodes = this.nodes;
    let i = this.leaves + index;
    nodes[i] = value;
    for (i >>= 1; i >= 1; i >>= 1) {
      const a = nodes[2 * i]!;
      const b = nodes[2 * i + 1]!;
      nodes[i] = a < b ? a : b;
    }
  }

  /** Sets the leaves to `values` (the rest to +∞) and rebuilds every internal node: O(capacity). */
  load(values: ArrayLike<number>): void {
    if (values.length > this.capacity) throw new RangeError(`MinTree.load: ${values.length} values for ${this.capacity} leaves`);
    for (let k = 0; k < values.length; k++) {
      if (Number.isNaN(values[k])) throw new RangeError(`MinTree.load: value at index ${k} is NaN`);
    }
    const nodes = this.nodes;
    nodes.fill(Infinity, this.leaves);
    for (let k = 0; k < values.length; k++) nodes[this.leaves + k] = values[k]!;
    for (let i = this.leaves - 1; i >= 1; i--) {
      const a = nodes[2 * i]!;
      const b = nodes[2 * i + 1]!;
      nodes[i] = a < b ? a : b;
    }
  }

  /** Unsets every leaf. */
  clear(): void {
    this.nodes.fill(Infinity);
  }
}
