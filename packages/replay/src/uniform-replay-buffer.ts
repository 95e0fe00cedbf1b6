import { REPLAY_BUFFER_API_VERSION, type ReplayBuffer, type Rng, type Transition, type TransitionBatch } from '@tfrl/core';
import { ColumnarStorage, RingIndex } from './columnar-storage.js';
import {
  TRANSITION_FIELDS,
  transitionFieldSpec,
  type ColumnArray,
  type FieldSpec,
  type ObservationDtype,
  type TransitionLayoutOptions,
} from './field-spec.js';
import { NextObservationStore } from './internal/next-observation-store.js';
import { createReplayBatch, fitsReplayBatch } from './internal/replay-batch.js';
import { decodeSnapshot, encodeSnapshot } from './internal/snapshot.js';
import { checkCapacity, failure } from './internal/validate.js';

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
  private readonly reward: Float32Array;
  private readonly terminatedColumn: Uint8Array;
  private readonly truncatedColumn: Uint8Array;
  /** Where next observations come from in memory-optimised mode (storeNextObservations false); null otherwise. */
  private readonly nextStore: NextObservationStore | null;

  constructor(options: UniformReplayBufferOptions) {
    const { capacity } = options;
    checkCapacity(KIND, capacity);
    this.capacity = capacity;
    this.fields = transitionFieldSpec(KIND, options);
    this.storeNextObservations = options.storeNextObservations !== false;
    this.storage = new ColumnarStorage(this.fields, capacity);
    this.ring = new RingIndex(capacity);
    this.extraNames = Object.keys(this.fields).filter((name) => !NON_EXTRA.has(name));
    this.observationSize = this.storage.widths.observation!;
    this.actionSize = this.storage.widths.action!;
    const columns = this.storage.columns;
    this.reward = columns.reward as Float32Array;
    this.terminatedColumn = columns.terminated as Uint8Array;
    this.truncatedColumn = columns.truncated as Uint8Array;
    const observationDtype = this.fields.observation!.dtype as ObservationDtype;
    this.nextStore = this.storeNextObservations
      ? null
      : new NextObservationStore(this.ring, columns.observation!, this.observationSize, observationDtype);
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
    return this.storage.byteLength + (this.nextStore?.byteLength ?? 0);
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
    this.nextStore?.beforeAdd(transition.observation);
    const slot = this.ring.advance();
    storage.writeRow('observation', slot, transition.observation);
    storage.writeRow('action', slot, transition.action);
    this.reward[slot] = transition.reward;
    this.terminatedColumn[slot] = transition.terminated ? 1 : 0;
    this.truncatedColumn[slot] = transition.truncated ? 1 : 0;
    for (const name of this.extraNames) storage.writeRow(name, slot, extras![name]!);
    if (this.nextStore === null) storage.writeRow('nextObservation', slot, transition.nextObservation);
    else this.nextStore.afterAdd(transition.nextObservation, 0, 1);
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
    this.nextStore?.beforeBatch(columns.observations, columns.nextObservations, skip, n);
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
      if (this.nextStore === null) storage.writeRows('nextObservation', slot, columns.nextObservations, row, count);
      row += count;
      slot = 0;
    }
    this.nextStore?.afterAdd(columns.nextObservations, n - 1, n);
    return first;
  }

  /** A batch of `batchSize` rows to pass as `out` to {@link sample} or {@link gather}. */
  createBatch(batchSize: number): ReplayBatch {
    checkBatchSize(batchSize);
    return createReplayBatch(this.storage, this.extraNames, batchSize);
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
    this.nextStore?.clear();
  }

  /** The buffer's state as bytes for {@link restore} (only the stored rows). */
  snapshot(): Uint8Array {
    const side = this.nextStore?.snapshot() ?? { arrays: {}, totalAdds: 0 };
    return encodeSnapshot({
      kind: KIND,
      spec: this.snapshotSpec(),
      counters: { position: this.position, size: this.size, totalAdds: side.totalAdds },
      arrays: { ...this.storage.snapshotArrays(this.size), ...side.arrays },
    });
  }

  /**
   * Replaces the buffer's state with a {@link snapshot} of a buffer with the same capacity and
   * fields; throws a clear Error (and changes nothing) for any other bytes.
   */
  restore(bytes: Uint8Array): void {
    const content = decodeSnapshot(bytes, KIND, this.snapshotSpec());
    const { position, size, totalAdds } = content.counters;
    const fail = failure(`${KIND}.restore`);
    const ring = new RingIndex(this.capacity);
    try {
      ring.restore(position!, size!);
    } catch {
      fail(`snapshot counters position ${position}, size ${size} are impossible`);
    }
    this.storage.checkArrays(KIND, content.arrays, size!);
    const loadSide = this.nextStore?.checkRestore(content.arrays, totalAdds, size!, fail);
    // Everything checked: commit.
    this.storage.loadArrays(content.arrays, size!);
    this.ring.restore(position!, size!);
    loadSide?.();
  }

  private snapshotSpec(): unknown {
    return { capacity: this.capacity, fields: this.fields };
  }

  private outBatch(batchSize: number, out: ReplayBatch | undefined): ReplayBatch {
    if (out === undefined) return this.createBatch(batchSize);
    checkBatchSize(batchSize);
    if (!fitsReplayBatch(this.storage, this.extraNames, out, batchSize)) {
      throw new RangeError(`${KIND}: the out batch does not fit ${batchSize} rows of this buffer (use createBatch(${batchSize}))`);
    }
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
    if (this.nextStore === null) storage.gatherRows('nextObservation', slots, count, batch.nextObservations);
    else for (let r = 0; r < count; r++) this.nextStore.read(slots[r]!, batch.nextObservations, r * this.observationSize);
  }
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`${KIND}: batchSize must be a positive integer, got ${batchSize}`);
  }
}
