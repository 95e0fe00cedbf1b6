import { asSchedule, linearSchedule, REPLAY_BUFFER_API_VERSION, type ReplayBuffer, type Rng, type Schedule } from '@tfrl/core';
import type { FieldSpec } from './field-spec.js';
import { decodeSnapshot, encodeSnapshot } from './internal/snapshot.js';
import { MinTree } from './min-tree.js';
import { SumTree } from './sum-tree.js';
import {
  UniformReplayBuffer,
  type ReplayBatch,
  type ReplayTransition,
  type SampleOptions,
  type TransitionColumns,
  type UniformReplayBufferOptions,
} from './uniform-replay-buffer.js';
import { checkUnitIntervals, failure } from './internal/validate.js';

/** Options of {@link PrioritizedReplayBuffer}: the uniform buffer's layout plus PER's exponents. */
export interface PrioritizedReplayBufferOptions extends UniformReplayBufferOptions {
  /** Priority exponent α ≥ 0: P(i) = p_i^α / Σ_k p_k^α (0 is uniform). Default 0.6 (Schaul et al. 2016, proportional). */
  readonly alpha?: number;
  /**
   * Importance-sampling exponent β ≥ 0, a number or a schedule over training progress (see
   * {@link PrioritizedReplayBuffer.setProgress}). Default 0.4 annealed linearly to 1 (Schaul et al.).
   */
  readonly beta?: number | Schedule;
  /** ε > 0 added to |δ| so that no transition gets priority 0. Default 1e-6. */
  readonly epsilon?: number;
}

/** Options of {@link PrioritizedReplayBuffer.sample}. */
export interface PrioritizedSampleOptions extends SampleOptions {
  /** β for this batch, instead of the schedule's value at the current progress. */
  beta?: number;
}

const KIND = 'PrioritizedReplayBuffer';

/**
 * Proportional prioritized experience replay (Schaul et al. 2016) on a {@link UniformReplayBuffer}'s
 * storage. Each stored transition has a priority p_i^α, kept in a {@link SumTree} (sampling) and a
 * {@link MinTree} (the largest weight):
 * - new transitions get the largest priority seen so far (1 at the start), so each is likely
 *   to be replayed at least once;
 * - `sample` splits the total mass into `batchSize` equal segments and draws one transition per
 *   segment (stratified), P(i) = p_i^α / Σ_k p_k^α;
 * - weights w_i = (N·P(i))^−β / max_j (N·P(j))^−β = (min_j p_j^α / p_i^α)^β ≤ 1, N = size;
 * - `updatePriorities(indices, tdErrors)` sets p_i^α = (|δ_i| + ε)^α.
 */
export class PrioritizedReplayBuffer implements ReplayBuffer<ReplayBatch> {
  readonly apiVersion = REPLAY_BUFFER_API_VERSION;
  /** Transitions kept. */
  readonly capacity: number;
  /** Priority exponent α. */
  readonly alpha: number;
  /** Added to |δ| before the exponent. */
  readonly epsilon: number;
  /** The stored fields (see {@link UniformReplayBuffer.fields}). */
  readonly fields: FieldSpec;

  private readonly store: UniformReplayBuffer;
  private readonly sums: SumTree;
  private readonly mins: MinTree;
  private readonly betaSchedule: Schedule;
  private currentProgress = 0;
  /** Largest p^α given so far; new transitions get it. */
  private maxLeaf = 1;

  constructor(options: PrioritizedReplayBufferOptions) {
    const { alpha = 0.6, epsilon = 1e-6, beta = linearSchedule({ start: 0.4, end: 1 }) } = options;
    if (!(alpha >= 0 && alpha < Infinity)) throw new RangeError(`${KIND}: alpha must be a finite number >= 0, got ${alpha}`);
    if (!(epsilon > 0 && epsilon < Infinity)) throw new RangeError(`${KIND}: epsilon must be a finite number > 0, got ${epsilon}`);
    if (typeof beta === 'number') checkBeta(beta);
    this.store = new UniformReplayBuffer(options);
    this.capacity = this.store.capacity;
    this.fields = this.store.fields;
    this.alpha = alpha;
    this.epsilon = epsilon;
    this.betaSchedule = asSchedule(beta);
    this.sums = new SumTree(this.capacity);
    this.mins = new MinTree(this.capacity);
  }

  /** Transitions stored (≤ capacity). */
  get size(): number {
    return this.store.size;
  }

  /** Slot the next transition goes to. */
  get position(): number {
    return this.store.position;
  }

  /** Numbers per observation. */
  get observationSize(): number {
    return this.store.observationSize;
  }

  /** Numbers per action. */
  get actionSize(): number {
    return this.store.actionSize;
  }

  /** Bytes of typed arrays held: the storage and both trees. */
  get byteLength(): number {
    return this.store.byteLength + this.sums.byteLength + this.mins.byteLength;
  }

  /** Training progress in [0, 1] at which β is read from its schedule. */
  get progress(): number {
    return this.currentProgress;
  }

  /** Sets the training progress (step / totalSteps) that anneals β. */
  setProgress(progress: number): void {
    checkUnitIntervals(`${KIND}.setProgress`, { progress });
    this.currentProgress = progress;
  }

  /** β at the current progress. */
  get beta(): number {
    return checkBeta(this.betaSchedule(this.currentProgress));
  }

  /** Σ_i p_i^α over the stored transitions. */
  get totalPriority(): number {
    return this.sums.total;
  }

  /** min_i p_i^α over the stored transitions (+∞ when empty). */
  get minPriority(): number {
    return this.mins.min;
  }

  /** The p^α new transitions get: the largest given so far, 1 at first. */
  get maxPriority(): number {
    return this.maxLeaf;
  }

  /** p^α of the transition in `slot`. */
  priority(slot: number): number {
    this.checkSlot('priority', slot, 0);
    return this.sums.get(slot);
  }

  /** Stores a copy of `transition` at the current maximal priority; returns its slot. */
  add(transition: ReplayTransition): number {
    const slot = this.store.add(transition);
    this.sums.set(slot, this.maxLeaf);
    this.mins.set(slot, this.maxLeaf);
    return slot;
  }

  /** Stores `n` transitions given in columns at the current maximal priority; row k goes to slot (first + k) % capacity. */
  addBatch(columns: TransitionColumns): number {
    const first = this.store.addBatch(columns);
    const n = columns.rewards.length;
    const kept = Math.min(n, this.capacity);
    let slot = (first + n - kept) % this.capacity;
    for (let k = 0; k < kept; k++) {
      this.sums.set(slot, this.maxLeaf);
      this.mins.set(slot, this.maxLeaf);
      slot = slot + 1 === this.capacity ? 0 : slot + 1;
    }
    return first;
  }

  /** A batch of `batchSize` rows, with weights, to pass as `out` to {@link sample}. */
  createBatch(batchSize: number): ReplayBatch {
    const batch = this.store.createBatch(batchSize);
    batch.weights = new Float32Array(batchSize);
    return batch;
  }

  /**
   * `batchSize` transitions by stratified proportional sampling (one `rng.uniform()` per row: row
   * r takes the mass (r + u_r)·total/batchSize), with importance weights for β.
   */
  sample(batchSize: number, rng: Rng, options: PrioritizedSampleOptions = {}): ReplayBatch {
    if (this.size === 0) throw new Error(`${KIND}.sample: the buffer is empty`);
    const beta = options.beta === undefined ? this.beta : checkBeta(options.beta);
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`${KIND}.sample: batchSize must be a positive integer, got ${batchSize}`);
    }
    const out = options.out ?? this.createBatch(batchSize);
    if (out.weights?.length !== batchSize) throw new RangeError(`${KIND}.sample: the out batch needs weights for ${batchSize} rows (use createBatch)`);
    const indices = out.indices.length === batchSize ? out.indices : new Int32Array(batchSize);
    const sums = this.sums;
    const segment = sums.total / batchSize;
    for (let r = 0; r < batchSize; r++) indices[r] = sums.find((r + rng.uniform()) * segment);
    const batch = this.store.gather(indices, out);
    const weights = out.weights;
    const minLeaf = this.mins.min;
    for (let r = 0; r < batchSize; r++) weights[r] = Math.pow(minLeaf / sums.get(indices[r]!), beta);
    return batch;
  }

  /**
   * Sets the priorities of the transitions in slots `indices` from their TD errors:
   * p^α = (|δ| + ε)^α. Checks everything first (a slot not stored, a NaN or infinite δ, a
   * priority that under- or overflows is a RangeError naming the position), then changes all or nothing. A slot overwritten since it
   * was sampled gets the new value too (as in the reference implementations).
   */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>): void {
    if (indices.length !== tdErrors.length) {
      throw new RangeError(`${KIND}.updatePriorities: ${indices.length} indices but ${tdErrors.length} TD errors`);
    }
    for (let r = 0; r < indices.length; r++) {
      this.checkSlot('updatePriorities', indices[r]!, r);
      const delta = tdErrors[r]!;
      if (!(Math.abs(delta) < Infinity)) {
        throw new RangeError(`${KIND}.updatePriorities: TD error at position ${r} (slot ${indices[r]}) is ${delta}, not a finite number`);
      }
      const leaf = Math.pow(Math.abs(delta) + this.epsilon, this.alpha);
      if (!(leaf > 0 && leaf < Infinity)) {
        throw new RangeError(
          `${KIND}.updatePriorities: priority at position ${r} (slot ${indices[r]}) is (|${delta}| + ε)^α = ${leaf}; it must be finite and > 0`,
        );
      }
    }
    for (let r = 0; r < indices.length; r++) {
      const leaf = Math.pow(Math.abs(tdErrors[r]!) + this.epsilon, this.alpha);
      const slot = indices[r]!;
      this.sums.set(slot, leaf);
      this.mins.set(slot, leaf);
      if (leaf > this.maxLeaf) this.maxLeaf = leaf;
    }
  }

  /** Empties the buffer; the maximal priority starts again at 1. */
  clear(): void {
    this.store.clear();
    this.sums.clear();
    this.mins.clear();
    this.maxLeaf = 1;
  }

  /** The buffer's state as bytes for {@link restore}: storage, priorities, max priority, progress. */
  snapshot(): Uint8Array {
    return encodeSnapshot({
      kind: KIND,
      spec: this.snapshotSpec(),
      counters: { size: this.size, maxPriority: this.maxLeaf, progress: this.currentProgress },
      arrays: { storage: this.store.snapshot(), priorities: this.sums.leafValues(this.size) },
    });
  }

  /**
   * Replaces the state with a {@link snapshot} of a buffer with the same capacity, fields, α and ε
   * (β's schedule is the receiver's own); throws a clear Error, changing nothing, for other bytes.
   */
  restore(bytes: Uint8Array): void {
    const { counters, arrays } = decodeSnapshot(bytes, KIND, this.snapshotSpec());
    const fail = failure(`${KIND}.restore`);
    const { size, maxPriority, progress } = counters;
    const priorities = arrays.priorities;
    const storage = arrays.storage;
    if (!(storage instanceof Uint8Array) || !(priorities instanceof Float64Array)) fail('snapshot lacks storage or priorities');
    if (!Number.isInteger(size) || priorities!.length !== size) fail(`snapshot holds ${priorities!.length} priorities for ${size} transitions`);
    if (!(maxPriority! > 0 && maxPriority! < Infinity)) fail(`snapshot max priority ${maxPriority} is not a positive number`);
    if (!(progress! >= 0 && progress! <= 1)) fail(`snapshot progress ${progress} is outside [0, 1]`);
    for (let i = 0; i < priorities!.length; i++) {
      const p = priorities![i]!;
      if (!(p > 0 && p <= maxPriority!)) fail(`snapshot priority of slot ${i} is ${p}, outside (0, max priority]`);
    }
    this.store.restore(storage as Uint8Array); // checks, then commits, or throws having changed nothing
    if (this.store.size !== size) {
      this.clear();
      fail(`the storage holds ${this.store.size} transitions, the counters say ${size}; the buffer was emptied`);
    }
    this.sums.load(priorities!);
    this.mins.load(priorities!);
    this.maxLeaf = maxPriority!;
    this.currentProgress = progress!;
  }

  private snapshotSpec(): unknown {
    return { capacity: this.capacity, fields: this.fields, alpha: this.alpha, epsilon: this.epsilon };
  }

  private checkSlot(method: string, slot: number, position: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.size) {
      throw new RangeError(`${KIND}.${method}: index ${slot} at position ${position} is not one of the ${this.size} stored slots`);
    }
  }
}

function checkBeta(beta: number): number {
  if (!(beta >= 0 && beta < Infinity)) throw new RangeError(`${KIND}: beta must be a finite number >= 0, got ${beta}`);
  return beta;
}
