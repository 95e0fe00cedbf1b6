import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linearSchedule, Rng } from '@tfrl/core';
import { describeReplayContract } from '@tfrl/testing';
import { PrioritizedReplayBuffer, type PrioritizedReplayBufferOptions } from './prioritized-replay-buffer.js';
import { UniformReplayBuffer, type ReplayBatch, type ReplayTransition } from './uniform-replay-buffer.js';

for (const storeNextObservations of [true, false]) {
  const mode = storeNextObservations ? '' : ', memory-optimised';
  describeReplayContract(
    `PrioritizedReplayBuffer (discrete${mode})`,
    (capacity) => new PrioritizedReplayBuffer({ capacity, observationShape: [4], actionDtype: 'int32', storeNextObservations }),
    { observationSize: 4, actionKind: 'discrete', actionSize: 1, numActions: 3 },
  );
  describeReplayContract(
    `PrioritizedReplayBuffer (continuous${mode})`,
    (capacity) =>
      new PrioritizedReplayBuffer({ capacity, observationShape: [3], actionShape: [2], actionDtype: 'float32', storeNextObservations }),
    { observationSize: 3, actionKind: 'continuous', actionSize: 2 },
  );
}

/** Transition `id`: every field a float32-exact function of it. */
function transition(id: number): ReplayTransition {
  return {
    observation: [id, id + 0.5],
    action: id % 3,
    reward: id / 4,
    nextObservation: [id + 1, id + 1.5],
    terminated: id % 5 === 4,
    truncated: id % 7 === 6,
  };
}

function makeBuffer(capacity: number, options: Partial<PrioritizedReplayBufferOptions> = {}): PrioritizedReplayBuffer {
  return new PrioritizedReplayBuffer({ capacity, observationShape: [2], actionDtype: 'int32', ...options });
}

// ---------------------------------------------------------------------------------------------
// Model-based test: the buffer against a plain array of (id, p^α), oldest first.

interface Model {
  capacity: number;
  rows: { id: number; leaf: number }[];
  added: number;
  maxLeaf: number;
}

interface Real {
  buffer: PrioritizedReplayBuffer;
}

const ALPHA = 0.7;
const EPSILON = 0.01;

function pushModel(model: Model, id: number): void {
  model.rows.push({ id, leaf: model.maxLeaf });
  if (model.rows.length > model.capacity) model.rows.shift();
}

const stored = (model: Model, slot: number) => model.rows.find((row) => row.id % model.capacity === slot);

function checkTrees(model: Model, buffer: PrioritizedReplayBuffer): void {
  expect(buffer.size).toBe(model.rows.length);
  const sum = model.rows.reduce((a, row) => a + row.leaf, 0);
  expect(Math.abs(buffer.totalPriority - sum)).toBeLessThanOrEqual(1e-12 * sum);
  expect(buffer.minPriority).toBe(Math.min(...model.rows.map((row) => row.leaf)));
  expect(buffer.maxPriority).toBe(model.maxLeaf);
  for (const row of model.rows) expect(buffer.priority(row.id % model.capacity)).toBe(row.leaf);
}

function checkBatch(model: Model, batch: ReplayBatch, beta: number): void {
  const minLeaf = Math.min(...model.rows.map((row) => row.leaf));
  for (let r = 0; r < batch.size; r++) {
    const row = stored(model, batch.indices[r]!);
    expect(row, `slot ${batch.indices[r]} is not stored`).toBeDefined();
    const expected = transition(row!.id);
    expect(Array.from(batch.observations.subarray(2 * r, 2 * r + 2))).toEqual(expected.observation);
    expect(Array.from(batch.nextObservations.subarray(2 * r, 2 * r + 2))).toEqual(expected.nextObservation);
    expect(batch.actions[r]).toBe(expected.action);
    expect(batch.rewards[r]).toBe(expected.reward);
    expect(batch.terminated[r]).toBe(+expected.terminated);
    expect(batch.truncated[r]).toBe(+expected.truncated);
    // w = (N·P(i))^−β / max_j (N·P(j))^−β
    const n = model.rows.length;
    const total = model.rows.reduce((a, x) => a + x.leaf, 0);
    const weight = Math.pow((n * row!.leaf) / total, -beta) / Math.pow((n * minLeaf) / total, -beta);
    expect(batch.weights![r]).toBeCloseTo(weight, 6);
    expect(batch.weights![r]).toBeLessThanOrEqual(1);
  }
}

function commands(storeNextObservations: boolean): fc.Arbitrary<Iterable<fc.Command<Model, Real>>> {
  class Add implements fc.Command<Model, Real> {
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      expect(real.buffer.add(transition(model.added))).toBe(model.added % model.capacity);
      pushModel(model, model.added++);
      checkTrees(model, real.buffer);
    }
    toString = (): string => 'add';
  }

  class AddBatch implements fc.Command<Model, Real> {
    constructor(readonly n: number) {}
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      const rows = Array.from({ length: this.n }, (_, k) => transition(model.added + k));
      real.buffer.addBatch({
        observations: rows.flatMap((t) => t.observation as number[]),
        actions: rows.map((t) => t.action as number),
        rewards: rows.map((t) => t.reward),
        nextObservations: rows.flatMap((t) => t.nextObservation as number[]),
        terminated: rows.map((t) => t.terminated),
        truncated: rows.map((t) => t.truncated),
      });
      for (let k = 0; k < this.n; k++) pushModel(model, model.added++);
      checkTrees(model, real.buffer);
    }
    toString = (): string => `addBatch(${this.n})`;
  }

  class Sample implements fc.Command<Model, Real> {
    constructor(readonly seed: number, readonly batchSize: number, readonly beta: number | undefined) {}
    check = (model: Readonly<Model>): boolean => model.rows.length > 0;
    run(model: Model, real: Real): void {
      const batch = real.buffer.sample(this.batchSize, Rng.fromSeed(this.seed), { beta: this.beta });
      expect(batch.size).toBe(this.batchSize);
      checkBatch(model, batch, this.beta ?? real.buffer.beta);
    }
    toString = (): string => `sample(${this.batchSize}, seed ${this.seed}, beta ${this.beta})`;
  }

  class Update implements fc.Command<Model, Real> {
    constructor(readonly picks: number[], readonly errors: number[]) {}
    check = (model: Readonly<Model>): boolean => model.rows.length > 0;
    run(model: Model, real: Real): void {
      const slots = this.picks.map((p) => model.rows[p % model.rows.length]!.id % model.capacity);
      const errors = this.errors.slice(0, slots.length);
      real.buffer.updatePriorities(Int32Array.from(slots), Float32Array.from(errors));
      slots.forEach((slot, k) => {
        const leaf = Math.pow(Math.abs(Math.fround(errors[k]!)) + EPSILON, ALPHA);
        stored(model, slot)!.leaf = leaf;
        model.maxLeaf = Math.max(model.maxLeaf, leaf);
      });
      checkTrees(model, real.buffer);
    }
    toString = (): string => `update(${JSON.stringify(this.picks)}, ${JSON.stringify(this.errors)})`;
  }

  class Clear implements fc.Command<Model, Real> {
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      real.buffer.clear();
      Object.assign(model, { rows: [], added: 0, maxLeaf: 1 });
      expect(real.buffer.size).toBe(0);
    }
    toString = (): string => 'clear';
  }

  class SnapshotRestore implements fc.Command<Model, Real> {
    check = (): boolean => true;
    run(model: Model, real: Real): void {
      const restored = makeBuffer(model.capacity, { alpha: ALPHA, epsilon: EPSILON, storeNextObservations });
      restored.add(transition(99));
      restored.restore(real.buffer.snapshot());
      real.buffer = restored;
      if (model.rows.length > 0) checkTrees(model, real.buffer);
    }
    toString = (): string => 'snapshotRestore';
  }

  const error = fc.oneof(fc.float({ min: -100, max: 100, noNaN: true }), fc.constant(0));
  return fc.commands(
    [
      fc.constant(new Add()),
      fc.integer({ min: 0, max: 9 }).map((n) => new AddBatch(n)),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })).map(
        ([seed, n, beta]) => new Sample(seed, n, beta),
      ),
      fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.array(error, { minLength: 8, maxLength: 8 })).map(
        ([picks, errors]) => new Update(picks, errors),
      ),
      fc.constant(new Clear()),
      fc.constant(new SnapshotRestore()),
    ],
    { maxCommands: 40 },
  );
}

describe('PrioritizedReplayBuffer against a plain-array model', () => {
  for (const storeNextObservations of [true, false]) {
    it(`matches the model (storeNextObservations ${storeNextObservations})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 7 }), commands(storeNextObservations), (capacity, cmds) => {
          const setup = () => ({
            model: { capacity, rows: [], added: 0, maxLeaf: 1 },
            real: { buffer: makeBuffer(capacity, { alpha: ALPHA, epsilon: EPSILON, storeNextObservations }) },
          });
          fc.modelRun(setup, cmds);
        }),
        { numRuns: 200 },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

/** The weight each sampled slot got over 64 draws (one weight per slot, or the test fails). */
function weightBySlot(buffer: PrioritizedReplayBuffer): Map<number, number> {
  const batch = buffer.sample(64, Rng.fromSeed(0));
  const weights = new Map<number, number>();
  for (let r = 0; r < batch.size; r++) {
    const slot = batch.indices[r]!;
    expect(weights.get(slot) ?? batch.weights![r]).toBe(batch.weights![r]);
    weights.set(slot, batch.weights![r]!);
  }
  return new Map([...weights].sort((a, b) => a[0] - b[0]));
}

describe('PrioritizedReplayBuffer', () => {
  it('weights on a hand-computed 3-item example: α = 1, ε = 1, δ = (0, 1, 3), β = 0.5', () => {
    // p = (1, 2, 4), Σ = 7, N = 3: N·P = (3/7, 6/7, 12/7); w = (N·P)^−½ / (3/7)^−½ = (1, 1/√2, 1/2).
    const buffer = makeBuffer(3, { alpha: 1, epsilon: 1, beta: 0.5 });
    for (let id = 0; id < 3; id++) buffer.add(transition(id));
    buffer.updatePriorities([0, 1, 2], [0, -1, 3]);
    expect(buffer.totalPriority).toBe(7);
    expect(buffer.minPriority).toBe(1);
    expect(weightBySlot(buffer)).toEqual(new Map([[0, 1], [1, Math.fround(Math.SQRT1_2)], [2, 0.5]]));
  });

  it('weights on a hand-computed example with α = ½: δ = (0, 3, 8), ε = 1 gives p^α = (1, 2, 3); β = 1 gives w = (1, ½, ⅓)', () => {
    const buffer = makeBuffer(4, { alpha: 0.5, epsilon: 1, beta: 1 });
    for (let id = 0; id < 3; id++) buffer.add(transition(id));
    buffer.updatePriorities([2, 0, 1], [8, 0, 3]);
    expect([0, 1, 2].map((slot) => buffer.priority(slot))).toEqual([1, 2, 3]);
    expect(weightBySlot(buffer)).toEqual(new Map([[0, 1], [1, 0.5], [2, Math.fround(1 / 3)]]));
  });

  it('sampling is stratified: equal priorities and batch = size give every slot exactly once', () => {
    const buffer = makeBuffer(8);
    for (let id = 0; id < 8; id++) buffer.add(transition(id));
    const rng = Rng.fromSeed(5);
    for (let k = 0; k < 20; k++) expect(Array.from(buffer.sample(8, rng).indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('sample frequencies are proportional to p^α (chi-square, fixed seed)', () => {
    // 8 transitions with |δ| = 0.5 … 4, α = 0.6; 4,000 batches of 32 = 128,000 rows.
    const alpha = 0.6;
    const buffer = makeBuffer(8, { alpha, epsilon: 1e-6 });
    const deltas = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];
    for (let id = 0; id < 8; id++) buffer.add(transition(id));
    buffer.updatePriorities([0, 1, 2, 3, 4, 5, 6, 7], deltas);
    const counts = new Array<number>(8).fill(0);
    const rng = Rng.fromSeed(2016);
    const out = buffer.createBatch(32);
    for (let k = 0; k < 4000; k++) for (const slot of buffer.sample(32, rng, { out }).indices) counts[slot]!++;
    const rows = 128_000;
    const chiSquare = (exponent: number): number => {
      const p = deltas.map((d) => Math.pow(d + 1e-6, exponent));
      const total = p.reduce((a, b) => a + b, 0);
      return counts.reduce((acc, observed, i) => acc + (observed - (rows * p[i]!) / total) ** 2 / ((rows * p[i]!) / total), 0);
    };
    // Critical value of χ² with 7 degrees of freedom at p = 0.001 is 24.32: a multinomial sampler
    // with the right probabilities stays below it 99.9% of the time, and stratified sampling has
    // less variance than multinomial, so the bound is conservative. The fixed seed makes the
    // outcome deterministic. The same counts are far from α = 1 and from uniform (the test has power).
    expect(chiSquare(alpha)).toBeLessThan(24.32);
    expect(chiSquare(1)).toBeGreaterThan(1000);
    expect(chiSquare(0)).toBeGreaterThan(1000);
  });

  it('anneals β from its schedule over progress; a sample option overrides it', () => {
    const buffer = makeBuffer(4, { alpha: 1, epsilon: 1, beta: linearSchedule({ start: 0.4, end: 1 }) });
    for (let id = 0; id < 2; id++) buffer.add(transition(id));
    buffer.updatePriorities([0, 1], [0, 3]); // p = (1, 4): w = (1, (1/4)^β)
    const weightOf1 = (options = {}): number => {
      const batch = buffer.sample(16, Rng.fromSeed(1), options);
      return batch.weights![Array.from(batch.indices).indexOf(1)]!;
    };
    expect(buffer.beta).toBe(0.4);
    expect(weightOf1()).toBe(Math.fround(Math.pow(0.25, 0.4)));
    buffer.setProgress(0.5);
    expect(buffer.beta).toBeCloseTo(0.7, 12);
    expect(weightOf1()).toBe(Math.fround(Math.pow(0.25, buffer.beta)));
    buffer.setProgress(1);
    expect(buffer.beta).toBe(1);
    expect(weightOf1()).toBe(0.25);
    expect(weightOf1({ beta: 0 })).toBe(1);
    expect(() => buffer.setProgress(1.5)).toThrow(RangeError);
    expect(() => buffer.sample(2, Rng.fromSeed(1), { beta: -1 })).toThrow(/beta/);
    expect(makeBuffer(2, { beta: 0.9 }).beta).toBe(0.9);
  });

  it('new transitions get the largest priority so far', () => {
    const buffer = makeBuffer(4, { alpha: 1, epsilon: 1 });
    buffer.add(transition(0));
    expect(buffer.priority(0)).toBe(1);
    buffer.updatePriorities([0], [4]);
    buffer.add(transition(1));
    expect(buffer.priority(1)).toBe(5);
    buffer.updatePriorities([0, 1], [0, 0]);
    buffer.add(transition(2));
    expect(buffer.priority(2)).toBe(5);
    expect(buffer.maxPriority).toBe(5);
  });

  it('updatePriorities refuses NaN, infinite TD errors and slots not stored, naming the position, and changes nothing', () => {
    const buffer = makeBuffer(4, { alpha: 1, epsilon: 1 });
    for (let id = 0; id < 3; id++) buffer.add(transition(id));
    expect(() => buffer.updatePriorities([0, 1], [1, Number.NaN])).toThrow(/position 1 \(slot 1\) is NaN/);
    expect(() => buffer.updatePriorities([2], [Infinity])).toThrow(RangeError);
    expect(() => buffer.updatePriorities([0, 3], [1, 1])).toThrow(/index 3 at position 1/);
    expect(() => buffer.updatePriorities([0], [1, 2])).toThrow(/1 indices but 2/);
    expect(() => makeBuffer(2, { alpha: 200, epsilon: 1e-6 }).updatePriorities([], [])).not.toThrow();
    const extreme = makeBuffer(2, { alpha: 200, epsilon: 1e-6 });
    extreme.add(transition(0));
    expect(() => extreme.updatePriorities([0], [0])).toThrow(/position 0 \(slot 0\).*must be finite and > 0/);
    expect(() => extreme.updatePriorities([0], [1e6])).toThrow(RangeError);
    expect([0, 1, 2].map((slot) => buffer.priority(slot))).toEqual([1, 1, 1]);
  });

  it('validates its options', () => {
    expect(() => makeBuffer(4, { alpha: -1 })).toThrow(/alpha/);
    expect(() => makeBuffer(4, { epsilon: 0 })).toThrow(/epsilon/);
    expect(() => makeBuffer(4, { beta: Number.NaN })).toThrow(/beta/);
  });

  it('restores exactly and refuses snapshots of another kind or spec', () => {
    const original = makeBuffer(16, { storeNextObservations: false });
    for (let id = 0; id < 40; id++) original.add(transition(id));
    original.updatePriorities([3, 5, 7], [10, 0.1, 2]);
    original.setProgress(0.25);
    const restored = makeBuffer(16, { storeNextObservations: false });
    restored.restore(original.snapshot());
    expect(restored.progress).toBe(0.25);
    expect(restored.maxPriority).toBe(original.maxPriority);
    const rng = Rng.fromSeed(9);
    expect(restored.sample(32, rng.clone())).toEqual(original.sample(32, rng.clone()));
    original.add(transition(40));
    restored.add(transition(40));
    expect(restored.sample(32, rng.clone())).toEqual(original.sample(32, rng.clone()));

    const before = restored.snapshot();
    expect(() => restored.restore(makeBuffer(16, { alpha: 0.5, storeNextObservations: false }).snapshot())).toThrow(/another spec/);
    const uniform = new UniformReplayBuffer({ capacity: 16, observationShape: [2], actionDtype: 'int32', storeNextObservations: false });
    expect(() => restored.restore(uniform.snapshot())).toThrow(/is of a UniformReplayBuffer, not a PrioritizedReplayBuffer/);
    expect(() => uniform.restore(before)).toThrow(/is of a PrioritizedReplayBuffer/);
    expect(restored.snapshot()).toEqual(before);
  });
});
