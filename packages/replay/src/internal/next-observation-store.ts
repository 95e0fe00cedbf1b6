import type { RingIndex } from '../columnar-storage.js';
import { createColumn, type ColumnArray, type ObservationDtype } from '../field-spec.js';
import type { SnapshotArray } from './snapshot.js';

/**
 * The next observations of a memory-optimised `UniformReplayBuffer` (`storeNextObservations:
 * false`, SB3's `optimize_memory_usage`). The next observation of the transition in slot i is
 * read from the observation in slot i+1, except where that is not it bit for bit (an episode
 * end, adds from several envs interleaved): those go to a side store, a FIFO of (absolute index
 * of the transition, next observation) kept only while the transition is stored. The newest
 * transition's next observation waits in `pending` for the slot after it.
 */
export class NextObservationStore {
  private readonly observationSize: number;
  private readonly dtype: ObservationDtype;
  /** nextObservation of the newest transition (not yet in the slot after it). */
  private readonly pending: ColumnArray;
  /** Transitions added since construction or clear(): the absolute index of the next one. */
  private totalAdds = 0;
  /** Side store: a ring of power-of-two length of (absolute index, nextObservation), indices increasing. */
  private stamps: Float64Array;
  private rows: ColumnArray;
  private head = 0;
  private count = 0;

  /** `ring` and `observations` are the buffer's own: its slots and its observation column. */
  constructor(
    private readonly ring: RingIndex,
    private readonly observations: ColumnArray,
    observationSize: number,
    dtype: ObservationDtype,
  ) {
    this.observationSize = observationSize;
    this.dtype = dtype;
    this.pending = createColumn(dtype, observationSize);
    this.stamps = new Float64Array(16);
    this.rows = createColumn(dtype, 16 * observationSize);
  }

  /** Bytes of typed arrays held. */
  get byteLength(): number {
    return this.pending.byteLength + this.stamps.byteLength + this.rows.byteLength;
  }

  /**
   * Before a transition whose observation is `observation` is added: if that is not exactly the
   * previous transition's nextObservation, the latter goes to the side store.
   */
  beforeAdd(observation: ArrayLike<number>): void {
    if (this.ring.size === 0) return;
    if (!this.sameAsPending(observation)) this.push(this.totalAdds - 1, this.pending, 0);
  }

  /** Before rows skip … n−1 of a batch are added (rows before `skip` are never stored). */
  beforeBatch(observations: ArrayLike<number>, nextObservations: ArrayLike<number>, skip: number, n: number): void {
    const w = this.observationSize;
    if (skip === 0) this.beforeAdd(observations); // its first row
    // Row `row` follows row − 1 of the same batch.
    for (let row = skip + 1; row < n; row++) {
      let same = true;
      const a = (row - 1) * w;
      const b = row * w;
      for (let k = 0; k < w && same; k++) same = Object.is(this.asStored(nextObservations[a + k]!), this.asStored(observations[b + k]!));
      if (!same) this.push(this.totalAdds + row - 1, nextObservations, row - 1);
    }
  }

  /** After `added` transitions went into the ring, the newest with row `row` of `nextObservations`. */
  afterAdd(nextObservations: ArrayLike<number>, row: number, added: number): void {
    const w = this.observationSize;
    for (let k = 0; k < w; k++) this.pending[k] = nextObservations[row * w + k]!;
    this.totalAdds += added;
    // Drop side entries of transitions no longer stored.
    const oldest = this.totalAdds - this.ring.size;
    while (this.count > 0 && this.stamps[this.head]! < oldest) {
      this.head = (this.head + 1) & (this.stamps.length - 1);
      this.count--;
    }
  }

  /** Copies the nextObservation of the transition in `slot` to out[at …]. */
  read(slot: number, out: Float32Array, at: number): void {
    const w = this.observationSize;
    let source: ColumnArray;
    let from: number;
    const newest = this.ring.slotFromNewest(0);
    if (slot === newest) {
      source = this.pending;
      from = 0;
    } else {
      const age = newest >= slot ? newest - slot : newest - slot + this.ring.capacity;
      const j = this.find(this.totalAdds - 1 - age);
      if (j >= 0) {
        source = this.rows;
        from = this.physical(j) * w;
      } else {
        source = this.observations;
        from = (slot + 1 === this.ring.capacity ? 0 : slot + 1) * w;
      }
    }
    for (let k = 0; k < w; k++) out[at + k] = source[from + k]!;
  }

  /** Forgets everything (the buffer was emptied). */
  clear(): void {
    this.totalAdds = 0;
    this.head = 0;
    this.count = 0;
  }

  /** The state for a snapshot: arrays, and `totalAdds` for its counters. */
  snapshot(): { arrays: Record<string, SnapshotArray>; totalAdds: number } {
    const w = this.observationSize;
    const stamps = new Float64Array(this.count);
    const rows = createColumn(this.dtype, this.count * w);
    for (let j = 0; j < this.count; j++) {
      const p = this.physical(j);
      stamps[j] = this.stamps[p]!;
      rows.set(this.rows.subarray(p * w, (p + 1) * w), j * w);
    }
    return { arrays: { 'side:pending': this.pending, 'side:stamps': stamps, 'side:rows': rows }, totalAdds: this.totalAdds };
  }

  /**
   * Checks the snapshot state of a buffer holding `size` transitions; calls `fail` for any
   * inconsistency, else returns the function that loads it (call it once the ring is restored).
   */
  checkRestore(
    arrays: Readonly<Record<string, SnapshotArray>>,
    totalAdds: number | undefined,
    size: number,
    fail: (why: string) => never,
  ): () => void {
    const w = this.observationSize;
    const pending = arrays['side:pending'];
    const stamps = arrays['side:stamps'] as Float64Array;
    const rows = arrays['side:rows'] as ColumnArray;
    if (pending?.constructor !== this.pending.constructor || pending.length !== w) fail('snapshot lacks the pending next observation');
    if (!(stamps instanceof Float64Array) || rows?.constructor !== this.rows.constructor || rows.length !== stamps.length * w) {
      fail('snapshot side store is malformed');
    }
    if (!Number.isInteger(totalAdds) || totalAdds! < size) fail(`snapshot counter totalAdds ${totalAdds} is impossible`);
    for (let j = 0; j < stamps.length; j++) {
      const s = stamps[j]!;
      if (!Number.isInteger(s) || s < totalAdds! - size || s >= totalAdds! - 1 || (j > 0 && s <= stamps[j - 1]!)) {
        fail('snapshot side store stamps are out of order or out of range');
      }
    }
    return () => {
      this.pending.set(pending as ColumnArray);
      this.totalAdds = totalAdds!;
      this.head = 0;
      this.count = 0;
      for (let j = 0; j < stamps.length; j++) this.push(stamps[j]!, rows, j);
    };
  }

  private sameAsPending(observation: ArrayLike<number>): boolean {
    for (let k = 0; k < this.observationSize; k++) {
      if (!Object.is(this.pending[k], this.asStored(observation[k]!))) return false;
    }
    return true;
  }

  /** `value` as the observation column stores it. */
  private asStored(value: number): number {
    return this.observations instanceof Float32Array ? Math.fround(value) : value;
  }

  /** Appends (stamp, row `row` of `rows`), growing the store when full. */
  private push(stamp: number, rows: ArrayLike<number>, row: number): void {
    const w = this.observationSize;
    if (this.count === this.stamps.length) this.grow();
    const p = this.physical(this.count);
    this.stamps[p] = stamp;
    for (let k = 0; k < w; k++) this.rows[p * w + k] = rows[row * w + k]!;
    this.count++;
  }

  private grow(): void {
    const w = this.observationSize;
    const length = Math.max(16, this.stamps.length * 2);
    const stamps = new Float64Array(length);
    const rows = createColumn(this.dtype, length * w);
    for (let j = 0; j < this.count; j++) {
      const p = this.physical(j);
      stamps[j] = this.stamps[p]!;
      rows.set(this.rows.subarray(p * w, (p + 1) * w), j * w);
    }
    this.stamps = stamps;
    this.rows = rows;
    this.head = 0;
  }

  /** Physical index of logical entry j. */
  private physical(j: number): number {
    return (this.head + j) & (this.stamps.length - 1);
  }

  /** Logical index of the entry stamped `stamp`, or −1 (binary search: stamps increase). */
  private find(stamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0 || stamp < this.stamps[this.head]! || stamp > this.stamps[this.physical(hi)]!) return -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.stamps[this.physical(mid)]!;
      if (s === stamp) return mid;
      if (s < stamp) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
