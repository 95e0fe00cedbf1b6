import { REPLAY_BUFFER_API_VERSION, type ReplayBuffer, type Rng, type Transition, type TransitionBatch } from '@tfrl/core';
import { ColumnarStorage, RingIndex } from './columnar-storage.js';
import {
  createColumn,
  TRANSITION_FIELDS,
  transitionFieldSpec,
  type ColumnArray,
  type FieldSpec,
  type TransitionLayoutOptions,
} from './field-spec.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotArray } from './internal/snapshot.js';

/** A transition with values for the buffer's extra fields (each a number or `width` numbers). */
export interface ReplayTransition extends Transition {
  extras?: Readonly<Record<string, number | ArrayLike<number>>>;
}

/** `n` transitions in columns (row-major), as a vector env produces them. */
export interface TransitionColumns {
  /** [n × observationSize] */
  observations: ArrayLike<number>;
  /** [n × actionSize] */
  actions: ArrayLike<number>;
  /** [n] */
  rewards: ArrayLike<number>;
  /** [n × observationSize]: the observation each step led to (the final one at an episode end). */
  nextObservations: ArrayLike<number>;
  /** [n] */
  terminated: ArrayLike<number | boolean>;
  /** [n] */
  truncated: ArrayLike<number | boolean>;
  /** [n × width] per extra field. */
  extras?: Readonly<Record<string, ArrayLike<number>>>;
}

/** A sampled batch with the extra fields, each in its own dtype. */
export interface ReplayBatch extends TransitionBatch {
  /** [size × width] per extra field. */
  extras: Record<string, ColumnArray>;
}

/** Options of {@link UniformReplayBuffer}. */
export interface UniformReplayBufferOptions extends TransitionLayoutOptions {
  /** Transitions kept; the oldest is evicted beyond it. */
  readonly capacity: number;
}

/** Options of {@link UniformReplayBuffer.sample}. */
export interface SampleOptions {
  /** Batch to fill instead of allocating one (from {@link UniformReplayBuffer.createBatch}). */
  out?: ReplayBatch;
}

const KIND = 'UniformReplayBuffer';
const NON_EXTRA = new Set<string>(TRANSITION_FIELDS);

/**
 * A ring buffer of transitions in preallocated columnar typed arrays, sampled uniformly with
 * replacement (as SB3's `ReplayBuffer`).
 *
 * Next observations, two modes:
 * - `storeNextObservations: true` (default): a column of its own. Exact for any order of adds
 *   (vector envs, episode boundaries); costs one more observation per transition.
 * - `storeNextObservations: false` (SB3's `optimize_memory_usage`): the next observation of the
 *   transition in slot i is read from the observation in slot i+1. Whenever an added
 *   observation is not bit-for-bit the previous transition's nextObservation (an episode end,
 *   or adds from several envs interleaved), that nextObservation goes to a small side store,
 *   so samples stay exact in every case; memory is saved only for sequential single-env adds,
 *   where the side store holds one observation per episode. CartPole at capacity 1e6: 26 MB
 *   plus ~1 MB of side store instead of 42 MB (see bench/run.mjs).
 */
export class UniformReplayBuffer implements ReplayBuffer<ReplayBatch> {
  readonly apiVersion = REPLAY_BUFFER_API_VERSION;
  /** Transitions kept. */
  readonly capacity: number;
  /** The buffer's stored fields (observation, action, reward, terminated, truncated, [nextObservation], extras). */
  readonly fields: FieldSpec;
  /** Numbers per observation. */
  readonly observationSize: number;
  /** Numbers per action (1 for a Discrete action). */
  readonly actionSize: number;
  /** Whether next observations have their own column (see the class comment). */
  readonly storeNextObservations: boolean;

  private readonly storage: ColumnarStorage;
  private readonly ring: RingIndex;
  private readonly extraNames: readonly string[];
  private readonly observation: ColumnArray;
  private readonly action: ColumnArray;
  private readonly reward: Float32Array;
  private readonly terminatedColumn: Uint8Array;
  private readonly truncatedColumn: Uint8Array;
  // Memory-optimised mode (storeNextObservations false) only:
  /** nextObservation of the newest transition (not yet in the slot after it). */
  private readonly pending: ColumnArray;
  /** Transitions added since construction or clear(): the absolute index of the next one. */
  private totalAdds = 0;
  /** Side store: FIFO of (absolute index, nextObservation) for transitions whose successor slot does not hold it. */
  private sideStamps: Float64Array;
  private sideRows: ColumnArray;
  private sideHead = 0;
  private sideCount = 0;

  constructor(options: UniformReplayBufferOptions) {
    const { capacity } = options;
    if (!Number.isInteger(capacity) || capacity <= 0 || capacity > 0x7fffffff) {
      throw new RangeError(`${KIND}: capacity must be an integer in 1..2^31-1, got ${capacity}`);
    }
    this.capacity = capacity;
    this.fields = transitionFieldSpec(KIND, options);
    this.storeNextObservations = options.storeNextObservations !== false;
    this.storage = new ColumnarStorage(this.fields, capacity);
    this.ring = new RingIndex(capacity);
    this.extraNames = Object.keys(this.fields).filter((name) => !NON_EXTRA.has(name));
    this.observationSize = this.storage.widths.observation!;
    this.actionSize = this.storage.widths.action!;
    const columns = this.storage.columns;
    this.observation = columns.observation!;
    this.action = columns.action!;
    this.reward = columns.reward as Float32Array;
    this.terminatedColumn = columns.terminated as Uint8Array;
    this.truncatedColumn = columns.truncated as Uint8Array;
    const observationDtype = this.fields.observation!.dtype;
    const sideRows = this.storeNextObservations ? 0 : 16;
    this.pending = createColumn(observationDtype, this.storeNextObservations ? 0 : this.observationSize);
    this.sideStamps = new Float64Array(sideRows);
    this.sideRows = createColumn(observationDtype, sideRows * this.observationSize);
  }

  /** Transitions stored (≤ capacity). */
  get size(): number {
    return this.ring.size;
  }

  /** Slot the next transition goes to. */
  get position(): number {
    return this.ring.position;
  }

  /** Bytes of typed arrays the buffer holds (columns, and the side store in memory-optimised mode). */
  get byteLength(): number {
    return this.storage.byteLength + this.pending.byteLength + this.sideStamps.byteLength + this.sideRows.byteLength;
  }

  /** Stores a copy of `transition`, evicting the oldest when full; returns the slot it went to. */
  add(transition: ReplayTransition): number {
    const storage = this.storage;
    storage.checkRow('observation', transition.observation);
    storage.checkRow('nextObservation' in this.fields ? 'nextObservation' : 'observation', transition.nextObservation);
    storage.checkRow('action', transition.action);
    if (typeof transition.reward !== 'number') throw new RangeError(`${KIND}.add: reward must be a number`);
    const extras = transition.extras;
    for (const name of this.extraNames) {
      const value = extras?.[name];
      if (value === undefined) throw new RangeError(`${KIND}.add: transition lacks extras.${name}`);
      storage.checkRow(name, value);
    }
    // Checked: from here on nothing throws, so a refused transition leaves the buffer untouched.
    if (!this.storeNextObservations) this.linkObservation(transition.observation);
    const slot = this.ring.advance();
    storage.writeRow('observation', slot, transition.observation);
    storage.writeRow('action', slot, transition.action);
    this.reward[slot] = transition.reward;
    this.terminatedColumn[slot] = transition.terminated ? 1 : 0;
    this.truncatedColumn[slot] = transition.truncated ? 1 : 0;
    for (const name of this.extraNames) storage.writeRow(name, slot, extras![name]!);
    if (this.storeNextObservations) storage.writeRow('nextObservation', slot, transition.nextObservation);
    else {
      const next = transition.nextObservation;
      for (let k = 0; k < this.observationSize; k++) this.pending[k] = next[k]!;
      this.totalAdds++;
      this.evictSide();
    }
    return slot;
  }

  /**
   * Stores `n` transitions given in columns (n = rewards.length), as from a vector env; row k
   * goes to slot (first + k) % capacity, where `first` is returned.
   */
  addBatch(columns: TransitionColumns): number {
    const n = columns.rewards?.length;
    if (!Number.isInteger(n)) throw new RangeError(`${KIND}.addBatch: rewards must be an array of numbers`);
    const storage = this.storage;
    storage.checkRows('observation', columns.observations, n);
    storage.checkRows('nextObservation' in this.fields ? 'nextObservation' : 'observation', columns.nextObservations, n);
    storage.checkRows('action', columns.actions, n);
    storage.checkRows('reward', columns.rewards, n);
    storage.checkRows('terminated', columns.terminated, n);
    storage.checkRows('truncated', columns.truncated, n);
    for (const name of this.extraNames) {
      const values = columns.extras?.[name];
      if (values === undefined) throw new RangeError(`${KIND}.addBatch: columns lack extras.${name}`);
      storage.checkRows(name, values, n);
    }
    if (n === 0) return this.ring.position;
    // Rows that a later row of the same batch would overwrite are skipped.
    const skip = Math.max(0, n - this.capacity);
    if (!this.storeNextObservations) this.linkBatch(columns, skip, n);
    const first = this.ring.advanceBy(n);
    let row = skip;
    let slot = (first + skip) % this.capacity;
    while (row < n) {
      const count = Math.min(n - row, this.capacity - slot);
      storage.writeRows('observation', slot, columns.observations, row, count);
      storage.writeRows('action', slot, columns.actions, row, count);
      storage.writeRows('reward', slot, columns.rewards, row, count);
      storage.writeRows('terminated', slot, columns.terminated, row, count);
      storage.writeRows('truncated', slot, columns.truncated, row, count);
      for (const name of this.extraNames) storage.writeRows(name, slot, columns.extras![name]!, row, count);
      if (this.storeNextObservations) storage.writeRows('nextObservation', slot, columns.nextObservations, row, count);
      row += count;
      slot = 0;
    }
    if (!this.storeNextObservations) {
      const w = this.observationSize;
      for (let k = 0; k < w; k++) this.pending[k] = columns.nextObservations[(n - 1) * w + k]!;
      this.totalAdds += n;
      this.evictSide();
    }
    return first;
  }

  /** A batch of `batchSize` rows to pass as `out` to {@link sample} or {@link gather}. */
  createBatch(batchSize: number): ReplayBatch {
    checkBatchSize(batchSize);
    const extras: Record<string, ColumnArray> = {};
    for (const name of this.extraNames) {
      extras[name] = createColumn(this.fields[name]!.dtype, batchSize * this.storage.widths[name]!);
    }
    return {
      size: batchSize,
      observations: new Float32Array(batchSize * this.observationSize),
      actions: this.action instanceof Int32Array ? new Int32Array(batchSize * this.actionSize) : new Float32Array(batchSize * this.actionSize),
      rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * this.observationSize),
      terminated: new Uint8Array(batchSize),
      truncated: new Uint8Array(batchSize),
      indices: new Int32Array(batchSize),
      extras,
      // A scalar float32 extra named `discount` (what NStepAdapter writes: γ^m of each n-step
      // transition) doubles as core's `TransitionBatch.discounts`, the same array.
      ...(extras['discount'] instanceof Float32Array && this.storage.widths['discount'] === 1
        ? { discounts: extras['discount'] }
        : {}),
    };
  }

  /**
   * `batchSize` transitions drawn uniformly with replacement with `rng` (one `rng.int(size)`
   * per row). Uint8 observations come back as float32 holding the raw 0–255 values.
   */
  sample(batchSize: number, rng: Rng, options: SampleOptions = {}): ReplayBatch {
    if (this.size === 0) throw new Error(`${KIND}.sample: the buffer is empty`);
    const batch = this.outBatch(batchSize, options.out);
    const indices = batch.indices;
    const size = this.size;
    for (let r = 0; r < batchSize; r++) indices[r] = rng.int(size);
    this.fill(batch, indices, batchSize);
    return batch;
  }

  /** The transitions stored in `slots` (each < size), as a batch; `indices` echoes the slots. */
  gather(slots: ArrayLike<number>, out?: ReplayBatch): ReplayBatch {
    const batch = this.outBatch(slots.length, out);
    for (let r = 0; r < slots.length; r++) {
      const slot = slots[r]!;
      if (!Number.isInteger(slot) || slot < 0 || slot >= this.size) {
        throw new RangeError(`${KIND}.gather: slot ${slot} (row ${r}) is not one of the ${this.size} stored`);
      }
      batch.indices[r] = slot;
    }
    this.fill(batch, batch.indices, slots.length);
    return batch;
  }

  /** Empties the buffer (memory stays allocated). */
  clear(): void {
    this.ring.clear();
    this.totalAdds = 0;
    this.sideHead = 0;
    this.sideCount = 0;
  }

  /** The buffer's state as bytes for {@link restore} (only the stored rows). */
  snapshot(): Uint8Array {
    const arrays: Record<string, SnapshotArray> = this.storage.snapshotArrays(this.size);
    if (!this.storeNextObservations) {
      arrays['side:pending'] = this.pending;
      const stamps = new Float64Array(this.sideCount);
      const rows = createColumn(this.fields.observation!.dtype, this.sideCount * this.observationSize);
      for (let j = 0; j < this.sideCount; j++) {
        const p = this.sidePhysical(j);
        stamps[j] = this.sideStamps[p]!;
        rows.set(this.sideRows.subarray(p * this.observationSize, (p + 1) * this.observationSize), j * this.observationSize);
      }
      arrays['side:stamps'] = stamps;
      arrays['side:rows'] = rows;
    }
    return encodeSnapshot({
      kind: KIND,
      spec: this.snapshotSpec(),
      counters: { position: this.position, size: this.size, totalAdds: this.totalAdds },
      arrays,
    });
  }

  /**
   * Replaces the buffer's state with a {@link snapshot} of a buffer with the same capacity and
   * fields; throws a clear Error (and changes nothing) for any other bytes.
   */
  restore(bytes: Uint8Array): void {
    const content = decodeSnapshot(bytes, KIND, this.snapshotSpec());
    const { position, size, totalAdds } = content.counters;
    const fail = (why: string): never => {
      throw new Error(`${KIND}.restore: ${why}`);
    };
    const ring = new RingIndex(this.capacity);
    try {
      ring.restore(position!, size!);
    } catch {
      fail(`snapshot counters position ${position}, size ${size} are impossible`);
    }
    this.storage.checkArrays(KIND, content.arrays, size!);
    let stamps: Float64Array = new Float64Array(0);
    let rows: ColumnArray = this.sideRows.subarray(0, 0);
    if (!this.storeNextObservations) {
      const w = this.observationSize;
      const pending = content.arrays['side:pending'];
      stamps = content.arrays['side:stamps'] as Float64Array;
      rows = content.arrays['side:rows'] as ColumnArray;
      if (pending?.constructor !== this.pending.constructor || pending.length !== w) fail('snapshot lacks the pending next observation');
      if (!(stamps instanceof Float64Array) || rows?.constructor !== this.sideRows.constructor || rows.length !== stamps.length * w) {
        fail('snapshot side store is malformed');
      }
      if (!Number.isInteger(totalAdds) || totalAdds! < size!) fail(`snapshot counter totalAdds ${totalAdds} is impossible`);
      for (let j = 0; j < stamps.length; j++) {
        const s = stamps[j]!;
        if (!Number.isInteger(s) || s < totalAdds! - size! || s >= totalAdds! - 1 || (j > 0 && s <= stamps[j - 1]!)) {
          fail('snapshot side store stamps are out of order or out of range');
        }
      }
      this.pending.set(pending as ColumnArray);
    }
    // Everything checked: commit.
    this.storage.loadArrays(content.arrays, size!);
    this.ring.restore(position!, size!);
    this.totalAdds = this.storeNextObservations ? 0 : totalAdds!;
    this.sideHead = 0;
    this.sideCount = 0;
    for (let j = 0; j < stamps.length; j++) this.pushSide(stamps[j]!, rows, j);
  }

  private snapshotSpec(): unknown {
    return { capacity: this.capacity, fields: this.fields };
  }

  private outBatch(batchSize: number, out: ReplayBatch | undefined): ReplayBatch {
    if (out === undefined) return this.createBatch(batchSize);
    checkBatchSize(batchSize);
    const ok =
      out.observations.length === batchSize * this.observationSize &&
      out.nextObservations.length === batchSize * this.observationSize &&
      out.actions.length === batchSize * this.actionSize &&
      out.actions.constructor === (this.action instanceof Int32Array ? Int32Array : Float32Array) &&
      out.rewards.length === batchSize &&
      out.terminated.length === batchSize &&
      out.truncated.length === batchSize &&
      out.indices.length === batchSize &&
      this.extraNames.every((name) => out.extras?.[name]?.length === batchSize * this.storage.widths[name]!);
    if (!ok) throw new RangeError(`${KIND}: the out batch does not fit ${batchSize} rows of this buffer (use createBatch(${batchSize}))`);
    out.size = batchSize;
    return out;
  }

  /** Copies the rows at `slots` into `batch`. */
  private fill(batch: ReplayBatch, slots: Int32Array, count: number): void {
    const storage = this.storage;
    storage.gatherRows('observation', slots, count, batch.observations);
    storage.gatherRows('action', slots, count, batch.actions);
    storage.gatherRows('reward', slots, count, batch.rewards);
    storage.gatherRows('terminated', slots, count, batch.terminated);
    storage.gatherRows('truncated', slots, count, batch.truncated);
    for (const name of this.extraNames) storage.gatherRows(name, slots, count, batch.extras[name]!);
    if (this.storeNextObservations) storage.gatherRows('nextObservation', slots, count, batch.nextObservations);
    else for (let r = 0; r < count; r++) this.readNext(slots[r]!, batch.nextObservations, r * this.observationSize);
  }

  /** Memory-optimised mode: copies the nextObservation of the transition in `slot` to out[at …]. */
  private readNext(slot: number, out: Float32Array, at: number): void {
    const w = this.observationSize;
    let source: ColumnArray;
    let from: number;
    const newest = this.ring.slotFromNewest(0);
    if (slot === newest) {
      source = this.pending;
      from = 0;
    } else {
      const age = newest >= slot ? newest - slot : newest - slot + this.capacity;
      const j = this.findSide(this.totalAdds - 1 - age);
      if (j >= 0) {
        source = this.sideRows;
        from = this.sidePhysical(j) * w;
      } else {
        source = this.observation;
        from = (slot + 1 === this.capacity ? 0 : slot + 1) * w;
      }
    }
    for (let k = 0; k < w; k++) out[at + k] = source[from + k]!;
  }

  /**
   * Memory-optimised mode, before adding a transition whose observation is `observation`: if
   * that is not exactly the previous transition's nextObservation, the latter goes to the side store.
   */
  private linkObservation(observation: ArrayLike<number>): void {
    if (this.size === 0) return;
    if (!this.sameAsPending(observation, 0)) this.pushSide(this.totalAdds - 1, this.pending, 0);
  }

  /** Memory-optimised mode: side-store entries for rows skip … n−1 of a batch, before it is written. */
  private linkBatch(columns: TransitionColumns, skip: number, n: number): void {
    const w = this.observationSize;
    const observations = columns.observations;
    const next = columns.nextObservations;
    if (skip === 0) this.linkObservation(observations); // its first row
    // Row `row` follows row − 1 of the same batch; rows before `skip` are never stored.
    for (let row = skip + 1; row < n; row++) {
      let same = true;
      const a = (row - 1) * w;
      const b = row * w;
      for (let k = 0; k < w && same; k++) same = Object.is(this.asStored(next[a + k]!), this.asStored(observations[b + k]!));
      if (!same) this.pushSide(this.totalAdds + row - 1, next, row - 1);
    }
  }

  private sameAsPending(observation: ArrayLike<number>, at: number): boolean {
    for (let k = 0; k < this.observationSize; k++) {
      if (!Object.is(this.pending[k], this.asStored(observation[at + k]!))) return false;
    }
    return true;
  }

  /** `value` as the observation column stores it. */
  private asStored(value: number): number {
    return this.observation instanceof Float32Array ? Math.fround(value) : value;
  }

  /** Appends (stamp, row `row` of `rows`) to the side store, growing it when full. */
  private pushSide(stamp: number, rows: ArrayLike<number>, row: number): void {
    const w = this.observationSize;
    if (this.sideCount === this.sideStamps.length) this.growSide();
    const p = this.sidePhysical(this.sideCount);
    this.sideStamps[p] = stamp;
    for (let k = 0; k < w; k++) this.sideRows[p * w + k] = rows[row * w + k]!;
    this.sideCount++;
  }

  private growSide(): void {
    const w = this.observationSize;
    const length = Math.max(16, this.sideStamps.length * 2);
    const stamps = new Float64Array(length);
    const rows = createColumn(this.fields.observation!.dtype, length * w);
    for (let j = 0; j < this.sideCount; j++) {
      const p = this.sidePhysical(j);
      stamps[j] = this.sideStamps[p]!;
      rows.set(this.sideRows.subarray(p * w, (p + 1) * w), j * w);
    }
    this.sideStamps = stamps;
    this.sideRows = rows;
    this.sideHead = 0;
  }

  /** Drops side entries of transitions no longer stored. */
  private evictSide(): void {
    const oldest = this.totalAdds - this.size;
    while (this.sideCount > 0 && this.sideStamps[this.sideHead]! < oldest) {
      this.sideHead = (this.sideHead + 1) & (this.sideStamps.length - 1);
      this.sideCount--;
    }
  }

  /** Side entries form a ring of power-of-two length: physical index of logical entry j. */
  private sidePhysical(j: number): number {
    return (this.sideHead + j) & (this.sideStamps.length - 1);
  }

  /** Logical index of the side entry stamped `stamp`, or −1 (binary search: stamps increase). */
  private findSide(stamp: number): number {
    let lo = 0;
    let hi = this.sideCount - 1;
    if (hi < 0 || stamp < this.sideStamps[this.sideHead]! || stamp > this.sideStamps[this.sidePhysical(hi)]!) return -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.sideStamps[this.sidePhysical(mid)]!;
      if (s === stamp) return mid;
      if (s < stamp) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`${KIND}: batchSize must be a positive integer, got ${batchSize}`);
  }
}
