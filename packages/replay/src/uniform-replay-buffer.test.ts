import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tfrl/core';
import { describeReplayContract } from '@tfrl/testing';
import type { FieldSpec, ObservationDtype } from './field-spec.js';
import { UniformReplayBuffer, type ReplayBatch, type ReplayTransition, type UniformReplayBufferOptions } from './uniform-replay-buffer.js';

for (const storeNextObservations of [true, false]) {
  const mode = storeNextObservations ? '' : ', memory-optimised';
  describeReplayContract(
    `UniformReplayBuffer (discrete${mode})`,
    (capacity) => new UniformReplayBuffer({ capacity, observationShape: [4], actionDtype: 'int32', storeNextObservations }),
    { observationSize: 4, actionKind: 'discrete', actionSize: 1, numActions: 3 },
  );
  describeReplayContract(
    `UniformReplayBuffer (continuous${mode})`,
    (capacity) =>
      new UniformReplayBuffer({ capacity, observationShape: [3], actionShape: [2], actionDtype: 'float32', storeNextObservations }),
    { observationSize: 3, actionKind: 'continuous', actionSize: 2 },
  );
}

// ---------------------------------------------------------------------------------------------
// Model-based test: the buffer against a plain array of transitions, oldest first.

interface Layout {
  observationDtype: ObservationDtype;
  continuous: boolean;
  storeNextObservations: boolean;
}

const OBS = 3;
const EXTRAS: FieldSpec = { logProb: { shape: [], dtype: 'float32' }, actionMask: { shape: [2], dtype: 'uint8' } };

/** One transition as the buffer must give it back (values already as stored). */
interface Row {
  observation: number[];
  action: number[];
  reward: number;
  nextObservation: number[];
  terminated: boolean;
  truncated: boolean;
  logProb: number;
  actionMask: number[];
}

interface Model {
  capacity: number;
  rows: { id: number; row: Row }[];
  added: number;
}

interface Real {
  buffer: UniformReplayBuffer;
}

function makeOptions(capacity: number, layout: Layout): UniformReplayBufferOptions {
  return {
    capacity,
    observationShape: [OBS],
    observationDtype: layout.observationDtype,
    actionShape: layout.continuous ? [2] : [],
    actionDtype: layout.continuous ? 'float32' : 'int32',
    extras: EXTRAS,
    storeNextObservations: layout.storeNextObservations,
  };
}

function rowArbitrary(layout: Layout): fc.Arbitrary<Row> {
  // A few repeated values make "observation equals the previous nextObservation" happen by chance too.
  const value =
    layout.observationDtype === 'uint8'
      ? fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1))
      : fc.oneof(fc.float({ noNaN: true }), fc.constantFrom(0, -0, 1));
  const observation = fc.array(value, { minLength: OBS, maxLength: OBS });
  const action = layout.continuous
    ? fc.array(fc.float({ noNaN: true }), { minLength: 2, maxLength: 2 })
    : fc.integer({ min: 0, max: 5 }).map((a) => [a]);
  return fc.record({
    observation,
    action,
    reward: fc.float({ noNaN: true }),
    nextObservation: observation,
    terminated: fc.boolean(),
    truncated: fc.boolean(),
    logProb: fc.float({ noNaN: true }),
    actionMask: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 2 }),
  });
}

function toTransition(row: Row, layout: Layout): ReplayTransition {
  return {
    observation: Float32Array.from(row.observation),
    action: layout.continuous ? row.action.slice(0, 2) : row.action[0]!,
    reward: row.reward,
    nextObservation: row.nextObservation, // a plain array: the buffer must accept any ArrayLike
    terminated: row.terminated,
    truncated: row.truncated,
    extras: { logProb: row.logProb, actionMask: row.actionMask },
  };
}

const FILLER: Row = {
  observation: [7, 7, 7],
  action: [1, 1],
  reward: 7,
  nextObservation: [8, 8, 8],
  terminated: true,
  truncated: false,
  logProb: 7,
  actionMask: [1, 1],
};

function pushModel(model: Model, row: Row): void {
  model.rows.push({ id: model.added++, row });
  if (model.rows.length > model.capacity) model.rows.shift();
}

/** Compares every column of batch row r with the model row stored in slot indices[r]. */
function checkBatch(model: Model, batch: ReplayBatch, layout: Layout): void {
  const actionSize = layout.continuous ? 2 : 1;
  for (let r = 0; r < batch.size; r++) {
    const slot = batch.indices[r]!;
    const stored = model.rows.find((entry) => entry.id % model.capacity === slot);
    expect(stored, `row ${r}: slot ${slot} holds nothing in the model`).toBeDefined();
    const want = stored!.row;
    const same = (got: ArrayLike<number>, at: number, expected: readonly number[], what: string): void => {
      for (let k = 0; k < expected.length; k++) expect(Object.is(got[at + k], expected[k]), `${what}[${k}] of row ${r}: ${got[at + k]} vs ${expected[k]}`).toBe(true);
    };
    same(batch.observations, r * OBS, want.observation, 'observation');
    same(batch.nextObservations, r * OBS, want.nextObservation, 'nextObservation');
    same(batch.actions, r * actionSize, want.action, 'action');
    same(batch.rewards, r, [want.reward], 'reward');
    same(batch.terminated, r, [want.terminated ? 1 : 0], 'terminated');
    same(batch.truncated, r, [want.truncated ? 1 : 0], 'truncated');
    same(batch.extras.logProb!, r, [want.logProb], 'logProb');
    same(batch.extras.actionMask!, r * 2, want.actionMask, 'actionMask');
  }
}

function commands(layout: Layout): fc.Arbitrary<Iterable<fc.Command<Model, Real>>>{
  const row = rowArbitrary(layout);
  const checkSize = (model: Model, real: Real): void => expect(real.buffer.size).toBe(model.rows.length);

  class Add implements fc.Command<Model, Real> {
    constructor(readonly row: Row) {}
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      const slot = real.buffer.add(toTransition(this.row, layout));
      expect(slot).toBe(model.added % model.capacity);
      pushModel(model, this.row);
      checkSize(model, real);
    }
    toString = (): string => `add(${JSON.stringify(this.row)})`;
  }

  /** The next step of the same episode: its observation is the previous nextObservation. */
  class Continue implements fc.Command<Model, Real> {
    constructor(readonly row: Row) {}
    check = (model: Readonly<Model>): boolean => model.rows.length > 0;
    run(model: Model, real: Real): void {
      const row = { ...this.row, observation: model.rows[model.rows.length - 1]!.row.nextObservation };
      real.buffer.add(toTransition(row, layout));
      pushModel(model, row);
      checkSize(model, real);
    }
    toString = (): string => `continue(${JSON.stringify(this.row)})`;
  }

  class AddBatch implements fc.Command<Model, Real> {
    constructor(readonly rows: Row[], readonly typed: boolean, readonly sequential: boolean) {}
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      const rows = this.rows.map((r) => ({ ...r }));
      if (this.sequential) for (let k = 1; k < rows.length; k++) rows[k]!.observation = rows[k - 1]!.nextObservation;
      const column = (get: (r: Row) => number[]): number[] => rows.flatMap(get);
      const observations = column((r) => r.observation);
      const first = real.buffer.addBatch({
        observations: this.typed ? Float32Array.from(observations) : observations,
        actions: this.typed && !layout.continuous ? Int32Array.from(column((r) => r.action)) : column((r) => r.action),
        rewards: this.typed ? Float32Array.from(rows, (r) => r.reward) : rows.map((r) => r.reward),
        nextObservations: column((r) => r.nextObservation),
        terminated: this.typed ? Uint8Array.from(rows, (r) => +r.terminated) : rows.map((r) => r.terminated),
        truncated: rows.map((r) => r.truncated),
        extras: { logProb: rows.map((r) => r.logProb), actionMask: Uint8Array.from(column((r) => r.actionMask)) },
      });
      expect(first).toBe(model.added % model.capacity);
      for (const r of rows) pushModel(model, r);
      checkSize(model, real);
    }
    toString = (): string => `addBatch(${this.rows.length}, typed ${this.typed}, sequential ${this.sequential})`;
  }

  class Sample implements fc.Command<Model, Real> {
    constructor(readonly seed: number, readonly batchSize: number, readonly reuse: boolean) {}
    check = (model: Readonly<Model>): boolean => model.rows.length > 0;
    run(model: Model, real: Real): void {
      const out = this.reuse ? real.buffer.createBatch(this.batchSize) : undefined;
      const batch = real.buffer.sample(this.batchSize, Rng.fromSeed(this.seed), { out });
      if (out !== undefined) expect(batch).toBe(out);
      expect(batch.size).toBe(this.batchSize);
      for (const slot of batch.indices) expect(slot >= 0 && slot < model.rows.length).toBe(true);
      checkBatch(model, batch, layout);
    }
    toString = (): string => `sample(${this.batchSize}, seed ${this.seed})`;
  }

  /** Every stored slot, in the model's eviction order. */
  class GatherAll implements fc.Command<Model, Real> {
    check = (model: Readonly<Model>): boolean => model.rows.length > 0;
    run(model: Model, real: Real): void {
      const slots = model.rows.map((entry) => entry.id % model.capacity);
      checkBatch(model, real.buffer.gather(slots), layout);
    }
    toString = (): string => 'gatherAll';
  }

  class Clear implements fc.Command<Model, Real> {
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      real.buffer.clear();
      model.rows = [];
      model.added = 0;
      checkSize(model, real);
    }
    toString = (): string => 'clear';
  }

  /** Continues with a fresh buffer restored from a snapshot of the current one. */
  class SnapshotRestore implements fc.Command<Model, Real> {
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      const restored = new UniformReplayBuffer(makeOptions(model.capacity, layout));
      restored.add(toTransition(FILLER, layout)); // state that restore must replace
      restored.restore(real.buffer.snapshot());
      real.buffer = restored;
      checkSize(model, real);
    }
    toString = (): string => 'snapshotRestore';
  }

  return fc.commands(
    [
      row.map((r) => new Add(r)),
      row.map((r) => new Continue(r)),
      fc.tuple(fc.array(row, { minLength: 0, maxLength: 9 }), fc.boolean(), fc.boolean()).map(([rows, typed, seq]) => new AddBatch(rows, typed, seq)),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 }), fc.boolean()).map(([seed, n, reuse]) => new Sample(seed, n, reuse)),
      fc.constant(new GatherAll()),
      fc.constant(new Clear()),
      fc.constant(new SnapshotRestore()),
    ],
    { maxCommands: 40 },
  );
}

describe('UniformReplayBuffer against a plain-array model', () => {
  const layouts: Layout[] = [
    { observationDtype: 'float32', continuous: false, storeNextObservations: true },
    { observationDtype: 'float32', continuous: false, storeNextObservations: false },
    { observationDtype: 'float32', continuous: true, storeNextObservations: false },
    { observationDtype: 'uint8', continuous: false, storeNextObservations: true },
    { observationDtype: 'uint8', continuous: true, storeNextObservations: false },
  ];
  for (const layout of layouts) {
    it(`matches the model (${JSON.stringify(layout)})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), commands(layout), (capacity, cmds) => {
          const model: Model = { capacity, rows: [], added: 0 };
          const real: Real = { buffer: new UniformReplayBuffer(makeOptions(capacity, layout)) };
          fc.modelRun(() => ({ model, real }), cmds);
        }),
        { numRuns: 150 },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

const cartPole = (capacity: number, storeNextObservations = true): UniformReplayBuffer =>
  new UniformReplayBuffer({ capacity, observationShape: [4], actionDtype: 'int32', storeNextObservations });

function step(t: number, done = false): ReplayTransition {
  return {
    observation: [t, t, t, t],
    action: t % 2,
    reward: 1,
    nextObservation: [t + 1, t + 1, t + 1, t + 1],
    terminated: done,
    truncated: false,
  };
}

describe('UniformReplayBuffer', () => {
  it('validates its options with RangeErrors naming the field', () => {
    const base = { capacity: 4, observationShape: [4], actionDtype: 'int32' } as const;
    expect(() => new UniformReplayBuffer({ ...base, capacity: 0 })).toThrow(/capacity/);
    expect(() => new UniformReplayBuffer({ ...base, capacity: 2.5 })).toThrow(RangeError);
    expect(() => new UniformReplayBuffer({ ...base, observationShape: [0] })).toThrow(/observationShape/);
    expect(() => new UniformReplayBuffer({ ...base, actionDtype: 'int8' as never })).toThrow(/actionDtype/);
    expect(() => new UniformReplayBuffer({ ...base, observationDtype: 'float64' as never })).toThrow(/observationDtype/);
    expect(() => new UniformReplayBuffer({ ...base, extras: { reward: { shape: [], dtype: 'float32' } } })).toThrow(/extras.reward/);
  });

  it('refuses malformed transitions and leaves the buffer untouched', () => {
    const buffer = cartPole(2);
    buffer.add(step(0));
    buffer.add(step(1));
    const before = buffer.snapshot();
    expect(() => buffer.add({ ...step(2), observation: [1, 2, 3] })).toThrow(/observation: expected 4 numbers/);
    expect(() => buffer.add({ ...step(2), action: 1.5 })).toThrow(/action: 1.5 is not representable as int32/);
    expect(() => buffer.add({ ...step(2), action: [0, 1] })).toThrow(RangeError);
    expect(() => buffer.addBatch({ ...columnsOf([step(2), step(3)]), terminated: [0] })).toThrow(/terminated/);
    expect(buffer.snapshot()).toEqual(before);
    const images = new UniformReplayBuffer({ capacity: 2, observationShape: [2], observationDtype: 'uint8', actionDtype: 'int32' });
    expect(() => images.add({ ...step(0), observation: [3, 256] })).toThrow(/observation\[1\]: 256 is not representable as uint8/);
    expect(() => images.add({ ...step(0), observation: [0, 1], nextObservation: [0.5, 1] })).toThrow(/not representable as uint8/);
    expect(images.size).toBe(0);
  });

  it('requires declared extras', () => {
    const buffer = new UniformReplayBuffer({ capacity: 2, observationShape: [4], actionDtype: 'int32', extras: { logProb: { shape: [], dtype: 'float32' } } });
    expect(() => buffer.add(step(0))).toThrow(/extras.logProb/);
    buffer.add({ ...step(0), extras: { logProb: -0.5 } });
    expect(buffer.sample(1, Rng.fromSeed(0)).extras.logProb).toEqual(new Float32Array([-0.5]));
  });

  it('draws indices uniformly with one rng.int(size) per row', () => {
    const buffer = cartPole(10);
    for (let t = 0; t < 7; t++) buffer.add(step(t));
    const rng = Rng.fromSeed(3);
    const batch = buffer.sample(5, rng);
    const again = Rng.fromSeed(3);
    expect(Array.from(batch.indices)).toEqual(Array.from({ length: 5 }, () => again.int(7)));
    // Frequencies over many draws: each of the 7 slots near 1/7 (±4.5 standard deviations).
    const counts = new Array<number>(7).fill(0);
    const draws = 70_000;
    for (const slot of buffer.sample(draws, rng).indices) counts[slot]!++;
    const sd = Math.sqrt((draws * (1 / 7) * (6 / 7)));
    for (const c of counts) expect(Math.abs(c - draws / 7)).toBeLessThan(4.5 * sd);
  });

  it('samples into a given out batch without allocating a new one, and rejects one that does not fit', () => {
    const buffer = cartPole(8);
    for (let t = 0; t < 8; t++) buffer.add(step(t));
    const out = buffer.createBatch(4);
    expect(buffer.sample(4, Rng.fromSeed(1), { out })).toBe(out);
    expect(out).toEqual(buffer.sample(4, Rng.fromSeed(1)));
    expect(() => buffer.sample(5, Rng.fromSeed(1), { out })).toThrow(/out batch/);
  });

  it('memory-optimised mode keeps the final observation of an episode and reads the others from the next slot', () => {
    const buffer = cartPole(6, false);
    // Episode 1: steps 0,1,2 (terminates into 3); episode 2 starts from a reset observation 100.
    buffer.add(step(0));
    buffer.add(step(1));
    buffer.add(step(2, true));
    buffer.add({ ...step(100), nextObservation: [101, 101, 101, 101] });
    buffer.add(step(101));
    const all = buffer.gather([0, 1, 2, 3, 4]);
    expect(Array.from(all.nextObservations.filter((_, k) => k % 4 === 0))).toEqual([1, 2, 3, 101, 102]);
    expect(buffer.byteLength).toBeLessThan(cartPole(6).byteLength + 16 * 8 + 16 * 16 + 16); // side store starts small
  });

  it('memory-optimised mode uses half the observation memory of the default mode', () => {
    const full = cartPole(1000).byteLength;
    const lean = cartPole(1000, false).byteLength;
    expect(full).toBe(1000 * (16 + 16 + 4 + 4 + 1 + 1));
    expect(lean).toBeLessThan(1000 * (16 + 4 + 4 + 1 + 1) + 1000);
  });

  it('addBatch wraps around the ring and keeps only the last capacity rows of a large batch', () => {
    const buffer = cartPole(4);
    buffer.addBatch(columnsOf([0, 1, 2].map((t) => step(t))));
    expect(buffer.addBatch(columnsOf([3, 4, 5].map((t) => step(t))))).toBe(3);
    expect(Array.from(buffer.gather([0, 1, 2, 3]).observations.filter((_, k) => k % 4 === 0))).toEqual([4, 5, 2, 3]);
    buffer.addBatch(columnsOf([10, 11, 12, 13, 14, 15].map((t) => step(t))));
    expect(buffer.size).toBe(4);
    expect(buffer.position).toBe(0);
    expect(Array.from(buffer.gather([0, 1, 2, 3]).observations.filter((_, k) => k % 4 === 0))).toEqual([12, 13, 14, 15]);
  });

  it('restore refuses snapshots of another spec or kind and changes nothing', () => {
    const buffer = cartPole(4);
    buffer.add(step(0));
    const before = buffer.snapshot();
    const other = cartPole(5);
    other.add(step(7));
    expect(() => buffer.restore(other.snapshot())).toThrow(/another spec/);
    expect(() => buffer.restore(cartPole(4, false).snapshot())).toThrow(/another spec/);
    expect(() => buffer.restore(new Uint8Array(40))).toThrow(/not a replay snapshot/);
    expect(buffer.snapshot()).toEqual(before);
  });

  it('restores exactly: identical samples from the same rng state, also in memory-optimised mode', () => {
    for (const storeNext of [true, false]) {
      const original = cartPole(50, storeNext);
      for (let t = 0; t < 80; t++) original.add(step(t, t % 9 === 8));
      const restored = cartPole(50, storeNext);
      restored.restore(original.snapshot());
      const rng = Rng.fromSeed(11);
      const a = original.sample(32, rng.clone());
      const b = restored.sample(32, rng.clone());
      expect(b).toEqual(a);
      for (let t = 80; t < 100; t++) {
        original.add(step(t, t % 7 === 0));
        restored.add(step(t, t % 7 === 0));
      }
      expect(restored.sample(64, Rng.fromSeed(2))).toEqual(original.sample(64, Rng.fromSeed(2)));
      expect(restored.snapshot()).toEqual(original.snapshot());
    }
  });
});

function columnsOf(transitions: ReplayTransition[]) {
  return {
    observations: transitions.flatMap((t) => Array.from(t.observation)),
    actions: transitions.map((t) => t.action as number),
    rewards: transitions.map((t) => t.reward),
    nextObservations: transitions.flatMap((t) => Array.from(t.nextObservation)),
    terminated: transitions.map((t) => t.terminated),
    truncated: transitions.map((t) => t.truncated),
  };
}

describe('the discount extra', () => {
  it('is also the batch discounts, as learners of n-step transitions read them', () => {
    const buffer = new UniformReplayBuffer({
      capacity: 4,
      observationShape: [1],
      actionDtype: 'int32',
      extras: { discount: { shape: [], dtype: 'float32' } },
    });
    buffer.add({
      observation: [1], action: 0, reward: 1, nextObservation: [2], terminated: false, truncated: false,
      extras: { discount: 0.25 },
    });
    const batch = buffer.sample(3, Rng.fromSeed(0));
    expect(batch.discounts).toBe(batch.extras['discount']);
    expect(Array.from(batch.discounts!)).toEqual([0.25, 0.25, 0.25]);
    const plain = new UniformReplayBuffer({ capacity: 4, observationShape: [1], actionDtype: 'int32' });
    plain.add({ observation: [1], action: 0, reward: 1, nextObservation: [2], terminated: false, truncated: false });
    expect(plain.sample(1, Rng.fromSeed(0)).discounts).toBeUndefined();
  });
});
