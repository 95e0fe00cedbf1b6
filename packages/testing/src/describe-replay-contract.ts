import { describe, expect, it } from 'vitest';
import { Rng, type ReplayBuffer, type Transition, type TransitionBatch } from '@tfrl/core';
import type { ContractCheckResult, ContractViolation } from './describe-env-contract.js';

/** Options of {@link describeReplayContract} and the replay checks. */
export interface ReplayContractOptions {
  /** Length of one observation. */
  observationSize: number;
  /** Discrete actions are stored as Int32Array, continuous ones as Float32Array. */
  actionKind: 'discrete' | 'continuous';
  /** Numbers per action in a batch row (1 for a Discrete action). */
  actionSize: number;
  /** Number of discrete actions; discrete actions are drawn from 0..numActions-1 (default 2). */
  numActions?: number;
  /** Capacity of the buffers the checks make (default 8). */
  capacity?: number;
  /** Batch size the checks sample (default 4). */
  batchSize?: number;
}

/** Makes an empty buffer of the given capacity. */
export type MakeReplayBuffer = (capacity: number) => ReplayBuffer;

/** One replay check: makes its own buffers with `makeBuffer`. */
export type ReplayCheck = (makeBuffer: MakeReplayBuffer, options: ReplayContractOptions) => ContractCheckResult;

/** Names of the replay contract's checks. */
export type ReplayContractCheck =
  | 'size'
  | 'batchShape'
  | 'rows'
  | 'fifo'
  | 'emptySample'
  | 'clear'
  | 'determinism'
  | 'snapshot';

/**
 * Transition number `id`: its observation starts with `id` (how sampled rows are matched back),
 * and every field is a float32-exact function of `id`.
 */
export function contractTransition(id: number, options: ReplayContractOptions): Transition {
  const observation = new Float32Array(options.observationSize);
  const nextObservation = new Float32Array(options.observationSize);
  for (let j = 0; j < options.observationSize; j++) {
    observation[j] = id + j * 0.25;
    nextObservation[j] = -(id + 1) - j * 0.25;
  }
  const actionValue = (k: number): number =>
    options.actionKind === 'discrete'
      ? (id + k) % (options.numActions ?? 2)
      : Math.fround((((id * 7 + k * 3) % 11) - 5) / 10);
  const action =
    options.actionKind === 'discrete' && options.actionSize === 1
      ? actionValue(0)
      : Array.from({ length: options.actionSize }, (_, k) => actionValue(k));
  const terminated = id % 3 === 0;
  return { observation, action, reward: id * 0.5, nextObservation, terminated, truncated: !terminated && id % 5 === 1 };
}

function capacityOf(options: ReplayContractOptions): number {
  return options.capacity ?? 8;
}

function batchSizeOf(options: ReplayContractOptions): number {
  return options.batchSize ?? 4;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function fill(buffer: ReplayBuffer, ids: Iterable<number>, options: ReplayContractOptions): void {
  for (const id of ids) buffer.add(contractTransition(id, options));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Runs `body`, turning a throw into a violation. */
function guarded(what: string, body: (violations: string[]) => string | void): ContractCheckResult {
  const violations: string[] = [];
  try {
    const skipped = body(violations);
    if (skipped !== undefined && violations.length === 0) return { violations, skipped };
  } catch (error) {
    violations.push(`${what}: threw ${errorText(error)}`);
  }
  return { violations };
}

/** `size` grows by one per add up to `capacity`, then stays. */
function size(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('size', (violations) => {
    const capacity = capacityOf(options);
    const buffer = makeBuffer(capacity);
    if (buffer.capacity !== capacity) violations.push(`capacity is ${buffer.capacity}, expected ${capacity}`);
    if (buffer.size !== 0) violations.push(`a new buffer has size ${buffer.size}`);
    for (let i = 0; i < capacity + 3; i++) {
      buffer.add(contractTransition(i, options));
      const expected = Math.min(i + 1, capacity);
      if (buffer.size !== expected) violations.push(`after ${i + 1} adds size is ${buffer.size}, expected ${expected}`);
    }
  });
}

/** Problems with the columns of `batch` for `batchSize` rows. */
function shapeProblems(batch: TransitionBatch, batchSize: number, capacity: number, options: ReplayContractOptions): string[] {
  const problems: string[] = [];
  if (batch.size !== batchSize) problems.push(`batch.size is ${batch.size}, expected ${batchSize}`);
  const column = (field: keyof TransitionBatch, type: abstract new (...args: never[]) => unknown, length: number, optional = false): void => {
    const value = batch[field] as unknown;
    if (value === undefined && optional) return;
    if (!(value instanceof type)) problems.push(`${field} is ${Object.prototype.toString.call(value)}, expected ${type.name}`);
    else if ((value as ArrayLike<number>).length !== length) {
      problems.push(`${field} has length ${(value as ArrayLike<number>).length}, expected ${length}`);
    }
  };
  column('observations', Float32Array, batchSize * options.observationSize);
  column('nextObservations', Float32Array, batchSize * options.observationSize);
  column('actions', options.actionKind === 'discrete' ? Int32Array : Float32Array, batchSize * options.actionSize);
  column('rewards', Float32Array, batchSize);
  column('terminated', Uint8Array, batchSize);
  column('truncated', Uint8Array, batchSize);
  column('indices', Int32Array, batchSize);
  column('weights', Float32Array, batchSize, true);
  column('discounts', Float32Array, batchSize, true);
  if (batch.indices instanceof Int32Array && batch.indices.some((i) => i < 0 || i >= capacity)) {
    problems.push(`indices ${Array.from(batch.indices).join(', ')} are not all in 0..${capacity - 1}`);
  }
  return problems;
}

/**
 * `sample(batchSize)` returns `batchSize` rows in columns of the right types and lengths, also
 * when fewer transitions are stored (rows are drawn with replacement).
 */
function batchShape(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('batchShape', (violations) => {
    const capacity = capacityOf(options);
    const buffer = makeBuffer(capacity);
    fill(buffer, range(0, capacity), options);
    const rng = Rng.fromSeed(1);
    for (const batchSize of new Set([1, batchSizeOf(options)])) {
      for (const problem of shapeProblems(buffer.sample(batchSize, rng), batchSize, capacity, options)) {
        violations.push(`sample(${batchSize}): ${problem}`);
      }
    }
    // Rows are drawn with replacement: a batch may be larger than what is stored.
    const partial = makeBuffer(capacity);
    fill(partial, [0, 1], options);
    const batchSize = Math.max(3, batchSizeOf(options));
    for (const problem of shapeProblems(partial.sample(batchSize, rng), batchSize, capacity, options)) {
      violations.push(`sample(${batchSize}) with 2 stored: ${problem}`);
    }
  });
}

/** Differences between row `row` of `batch` and transition `id`. */
function rowProblems(batch: TransitionBatch, row: number, id: number, options: ReplayContractOptions): string[] {
  const expected = contractTransition(id, options);
  const problems: string[] = [];
  const compare = (field: string, actual: ArrayLike<number>, start: number, wanted: ArrayLike<number>): void => {
    for (let k = 0; k < wanted.length; k++) {
      if (actual[start + k] !== Math.fround(wanted[k]!)) {
        problems.push(`row ${row} (transition ${id}): ${field}[${k}] is ${actual[start + k]}, expected ${wanted[k]}`);
        return;
      }
    }
  };
  const o = options.observationSize;
  compare('observation', batch.observations, row * o, expected.observation);
  compare('nextObservation', batch.nextObservations, row * o, expected.nextObservation);
  const action = typeof expected.action === 'number' ? [expected.action] : expected.action;
  compare('action', batch.actions, row * options.actionSize, action);
  compare('reward', batch.rewards, row, [expected.reward]);
  compare('terminated', batch.terminated, row, [expected.terminated ? 1 : 0]);
  compare('truncated', batch.truncated, row, [expected.truncated ? 1 : 0]);
  return problems;
}

/** Every sampled row is, column for column, one of the transitions still stored. */
function rows(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('rows', (violations) => {
    const capacity = capacityOf(options);
    const buffer = makeBuffer(capacity);
    const added = capacity + 3;
    fill(buffer, range(0, added), options);
    const batch = buffer.sample(4 * capacity, Rng.fromSeed(2));
    if (batch.size !== 4 * capacity) violations.push(`sample(${4 * capacity}) returned ${batch.size} rows`);
    for (let row = 0; row < batch.size && violations.length < 10; row++) {
      const id = batch.observations[row * options.observationSize]!;
      if (!(Number.isInteger(id) && id >= added - capacity && id < added)) {
        violations.push(`row ${row} has observation[0] = ${id}, not one of the stored transitions ${added - capacity}..${added - 1}`);
        continue;
      }
      violations.push(...rowProblems(batch, row, id, options));
    }
  });
}

/** After `capacity + 1` adds the oldest transition is gone and the newest is there. */
function fifo(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('fifo', (violations) => {
    const capacity = capacityOf(options);
    const buffer = makeBuffer(capacity);
    fill(buffer, range(0, capacity + 1), options);
    const rng = Rng.fromSeed(3);
    const seen = new Set<number>();
    for (let draw = 0; draw < 50; draw++) {
      const batch = buffer.sample(capacity, rng);
      for (let row = 0; row < batch.size; row++) seen.add(batch.observations[row * options.observationSize]!);
    }
    if (seen.has(0)) violations.push(`transition 0 (the oldest) was sampled after ${capacity + 1} adds`);
    if (!seen.has(capacity)) violations.push(`transition ${capacity} (the newest) was never sampled in ${50 * capacity} rows`);
  });
}

/** Sampling an empty buffer throws. */
function emptySample(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('emptySample', (violations) => {
    const buffer = makeBuffer(capacityOf(options));
    try {
      buffer.sample(batchSizeOf(options), Rng.fromSeed(4));
      violations.push('sample from an empty buffer did not throw');
    } catch {
      // expected
    }
  });
}

/** `clear()` empties the buffer; it then fills again from scratch. */
function clear(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('clear', (violations) => {
    const capacity = capacityOf(options);
    const buffer = makeBuffer(capacity);
    fill(buffer, range(0, capacity + 2), options);
    buffer.clear();
    if (buffer.size !== 0) violations.push(`size is ${buffer.size} after clear()`);
    try {
      buffer.sample(1, Rng.fromSeed(5));
      violations.push('sample after clear() did not throw');
    } catch {
      // expected
    }
    buffer.add(contractTransition(42, options));
    if (buffer.size !== 1) violations.push(`size is ${buffer.size} after clear() and one add`);
    const batch = buffer.sample(batchSizeOf(options), Rng.fromSeed(5));
    if (batch.size !== batchSizeOf(options)) {
      violations.push(`after clear() and one add, sample(${batchSizeOf(options)}) returned ${batch.size} rows`);
    }
    for (let row = 0; row < batch.size; row++) {
      const id = batch.observations[row * options.observationSize];
      if (id !== 42) violations.push(`after clear() and one add, row ${row} is transition ${id}, expected 42`);
    }
  });
}

/** Index of the first column in which two batches differ, or null. */
function batchDifference(a: TransitionBatch, b: TransitionBatch): string | null {
  if (a.size !== b.size) return `size ${a.size} vs ${b.size}`;
  const fields = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof TransitionBatch)[]);
  for (const field of fields) {
    const x = a[field] as ArrayLike<number> | number | undefined;
    const y = b[field] as ArrayLike<number> | number | undefined;
    if (typeof x === 'number' || typeof y === 'number' || x === undefined || y === undefined) {
      if (!Object.is(x, y)) return `${field}: ${String(x)} vs ${String(y)}`;
      continue;
    }
    if (x.length !== y.length) return `${field} has length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) return `${field}[${i}]: ${x[i]} vs ${y[i]}`;
    }
  }
  return null;
}

/** The same adds and the same rng seed give the same sample. */
function determinism(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('determinism', (violations) => {
    const capacity = capacityOf(options);
    const [a, b] = [makeBuffer(capacity), makeBuffer(capacity)];
    fill(a, range(0, capacity + 3), options);
    fill(b, range(0, capacity + 3), options);
    const batchSize = 2 * capacity;
    const twoBuffers = batchDifference(a.sample(batchSize, Rng.fromSeed(6)), b.sample(batchSize, Rng.fromSeed(6)));
    if (twoBuffers !== null) violations.push(`two buffers, same adds, same seed: ${twoBuffers}`);
    const oneBuffer = batchDifference(a.sample(batchSize, Rng.fromSeed(7)), a.sample(batchSize, Rng.fromSeed(7)));
    if (oneBuffer !== null) violations.push(`one buffer sampled twice with the same seed: ${oneBuffer}`);
  });
}

/** `restore(snapshot())` into a new buffer gives the same samples, before and after more adds. */
function snapshot(makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): ContractCheckResult {
  return guarded('snapshot', (violations) => {
    const capacity = capacityOf(options);
    const original = makeBuffer(capacity);
    if (typeof original.snapshot !== 'function' || typeof original.restore !== 'function') {
      return 'the buffer has no snapshot()/restore()';
    }
    fill(original, range(0, capacity + 3), options);
    const bytes = original.snapshot();
    if (!(bytes instanceof Uint8Array)) violations.push(`snapshot() returned ${Object.prototype.toString.call(bytes)}, not a Uint8Array`);
    const restored = makeBuffer(capacity);
    restored.restore!(bytes);
    if (restored.size !== original.size) violations.push(`restored size ${restored.size}, original ${original.size}`);
    const batchSize = 2 * capacity;
    const compare = (when: string): void => {
      const difference = batchDifference(original.sample(batchSize, Rng.fromSeed(8)), restored.sample(batchSize, Rng.fromSeed(8)));
      if (difference !== null) violations.push(`${when}: ${difference}`);
    };
    compare('right after restore');
    // The write position must survive too: the next add evicts the same transition in both.
    fill(original, range(100, 103), options);
    fill(restored, range(100, 103), options);
    compare('after 3 more adds to both');
  });
}

/** The replay contract's checks, by name; each makes its own buffers with `makeBuffer`. */
export const replayContractChecks: Readonly<Record<ReplayContractCheck, ReplayCheck>> = Object.freeze({
  size,
  batchShape,
  rows,
  fifo,
  emptySample,
  clear,
  determinism,
  snapshot,
});

const TITLES: Record<ReplayContractCheck, string> = {
  size: 'size grows to capacity, then stays',
  batchShape: 'sample returns batchSize rows with consistent column lengths',
  rows: 'sampled rows are transitions that were added',
  fifo: 'the oldest transition is evicted first',
  emptySample: 'sample from an empty buffer throws',
  clear: 'clear() empties the buffer',
  determinism: 'the same rng seed gives the same sample',
  snapshot: 'restore(snapshot()) gives identical subsequent samples',
};

/** Runs the replay checks (all, or those named) and lists every violation; empty means it passes. */
export function checkReplayContract(
  makeBuffer: MakeReplayBuffer,
  options: ReplayContractOptions,
  only: readonly ReplayContractCheck[] = Object.keys(TITLES) as ReplayContractCheck[],
): ContractViolation<ReplayContractCheck>[] {
  return only.flatMap((check) =>
    replayContractChecks[check](makeBuffer, options).violations.map((message) => ({ check, message })),
  );
}

/** Registers a vitest `describe` block with one test per replay contract check. */
export function describeReplayContract(name: string, makeBuffer: MakeReplayBuffer, options: ReplayContractOptions): void {
  describe(`${name} satisfies the ReplayBuffer contract`, () => {
    for (const check of Object.keys(TITLES) as ReplayContractCheck[]) {
      it(TITLES[check], (context) => {
        const result = replayContractChecks[check](makeBuffer, options);
        if (result.skipped !== undefined) context.skip(result.skipped);
        expect(result.violations).toEqual([]);
      });
    }
  });
}
