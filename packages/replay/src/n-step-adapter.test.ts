import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AutoresetMode, ReplayBuffer, Transition, TransitionBatch } from '@tfrl/core';
import { Rng } from '@tfrl/core';
import { NStepAdapter, type NStepTransition, type NStepVectorStep } from './n-step-adapter.js';
import { UniformReplayBuffer } from './uniform-replay-buffer.js';
import { PrioritizedReplayBuffer } from './prioritized-replay-buffer.js';
import { snapshotCommands } from '../test/snapshot-commands.js';

/** What the sink saw, copied to plain arrays. */
interface Row {
  observation: number[];
  action: number | number[];
  reward: number;
  nextObservation: number[];
  terminated: boolean;
  truncated: boolean;
  discount: number;
}

/** A sink that only records what it is given. */
class RecordingSink implements ReplayBuffer {
  readonly capacity = Number.MAX_SAFE_INTEGER;
  readonly rows: Row[] = [];
  get size(): number {
    return this.rows.length;
  }
  add(transition: Transition): void {
    const { action } = transition;
    this.rows.push({
      observation: Array.from(transition.observation),
      action: typeof action === 'number' ? action : Array.from(action),
      reward: transition.reward,
      nextObservation: Array.from(transition.nextObservation),
      terminated: transition.terminated,
      truncated: transition.truncated,
      discount: (transition as NStepTransition).extras.discount,
    });
  }
  sample(): TransitionBatch {
    throw new Error('not used');
  }
  clear(): void {
    this.rows.length = 0;
  }
}

/** One sub-env step as the test generates it: end 0 = none, 1 = terminated, 2 = truncated. */
interface Cell {
  reward: number;
  end: 0 | 1 | 2;
}

const cellArb: fc.Arbitrary<Cell> = fc.record({
  reward: fc.double({ min: -10, max: 10, noNaN: true }),
  end: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 1, 2),
});

const scenarioArb = fc
  .record({
    numEnvs: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 5 }),
    gamma: fc.double({ min: 0, max: 1, noNaN: true }),
    steps: fc.integer({ min: 1, max: 30 }),
    mode: fc.constantFrom<AutoresetMode>('next-step', 'same-step', 'disabled'),
  })
  .chain((s) =>
    fc.record({
      ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fc.constant(v)])),
      cells: fc.array(
        fc.array(cellArb, { minLength: s.numEnvs, maxLength: s.numEnvs }),
        { minLength: s.steps, maxLength: s.steps },
      ),
    }),
  ) as fc.Arbitrary<{ numEnvs: number; n: number; gamma: number; steps: number; mode: AutoresetMode; cells: Cell[][] }>;

/**
 * The vector steps of a scenario. Observation of env e at vector step t is [e, t, 0], its next
 * observation [e, t, 1]. Rows that must be ignored hold poison: in next-step mode the reset step
 * after an end (reward 999, both flags set), in same-step mode the nextObservations row of an
 * ended sub-env (the real one is in finalObservations).
 */
function vectorSteps(numEnvs: number, mode: AutoresetMode, cells: Cell[][]): { steps: NStepVectorStep[]; real: boolean[][] } {
  const resetNext = new Array<boolean>(numEnvs).fill(false);
  const steps: NStepVectorStep[] = [];
  const real: boolean[][] = [];
  cells.forEach((row, t) => {
    const { step, realRow } = vectorStep(t, row, mode, resetNext);
    steps.push(step);
    real.push(realRow);
  });
  return { steps, real };
}

/**
 * Vector step t of a scenario (see {@link vectorSteps}); `resetNext` says which sub-envs are due
 * their reset step, and is updated. `realRow[e]`: whether env e's row is a transition.
 */
function vectorStep(t: number, row: Cell[], mode: AutoresetMode, resetNext: boolean[]): { step: NStepVectorStep; realRow: boolean[] } {
  const numEnvs = row.length;
  const observations = new Float32Array(numEnvs * 3);
  const nextObservations = new Float32Array(numEnvs * 3);
  const finalObservations = new Float32Array(numEnvs * 3);
  const rewards = new Float64Array(numEnvs);
  const terminated = new Uint8Array(numEnvs);
  const truncated = new Uint8Array(numEnvs);
  const realRow: boolean[] = [];
  row.forEach((cell, e) => {
    observations.set([e, t, 0], e * 3);
    nextObservations.set([e, t, 1], e * 3);
    finalObservations.set([e, t, 1], e * 3);
    if (resetNext[e]) {
      resetNext[e] = false;
      realRow.push(false);
      rewards[e] = 999;
      terminated[e] = 1;
      truncated[e] = 1;
      return;
    }
    realRow.push(true);
    rewards[e] = cell.reward;
    terminated[e] = cell.end === 1 ? 1 : 0;
    truncated[e] = cell.end === 2 ? 1 : 0;
    if (cell.end !== 0) {
      if (mode === 'next-step') resetNext[e] = true;
      else nextObservations.set([-1, -1, -1], e * 3);
    }
  });
  const actions = Int32Array.from({ length: numEnvs }, (_, e) => 100 * t + e);
  const step = { observations, actions, rewards, nextObservations, terminated, truncated, ...(mode === 'next-step' ? {} : { finalObservations }) };
  return { step, realRow };
}

/**
 * Brute force from the definition, over the list of episodes of one env: for step t of an
 * episode of T steps, m = min(n, T − t), R = Σ_{k<m} γ^k r_{t+k}, s' = next observation of step
 * t+m−1, flags of step t+m−1, discount γ^m. Without `flushed`, the last (unfinished) episode only
 * yields the steps whose full n-step window was seen.
 */
function bruteForce(e: number, n: number, gamma: number, cells: Cell[][], real: boolean[][], flushed: boolean): Row[] {
  const episodes: { t: number; cell: Cell }[][] = [[]];
  cells.forEach((row, t) => {
    if (!real[t]![e]) return;
    episodes.at(-1)!.push({ t, cell: row[e]! });
    if (row[e]!.end !== 0) episodes.push([]);
  });
  const rows: Row[] = [];
  episodes.forEach((episode, i) => {
    const finished = i < episodes.length - 1;
    const T = episode.length;
    for (let t = 0; t < T; t++) {
      if (!finished && !flushed && t + n > T) break;
      const m = Math.min(n, T - t);
      let reward = 0;
      for (let k = 0; k < m; k++) reward += Math.pow(gamma, k) * episode[t + k]!.cell.reward;
      const last = episode[t + m - 1]!;
      rows.push({
        observation: [e, episode[t]!.t, 0],
        action: 100 * episode[t]!.t + e,
        reward,
        nextObservation: [e, last.t, 1],
        terminated: last.cell.end === 1,
        truncated: last.cell.end === 2,
        discount: Math.pow(gamma, m),
      });
    }
  });
  return rows;
}

function expectRows(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i]!;
    expect({ ...row, reward: 0, discount: 0 }).toEqual({ ...want, reward: 0, discount: 0 });
    expect(Math.abs(row.reward - want.reward)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want.reward)));
    expect(row.discount).toBeCloseTo(want.discount, 12);
  });
}

describe('NStepAdapter', () => {
  it('matches a hand-worked window: n = 3, γ = 0.5, truncation then termination', () => {
    // One env, rewards 1, 2, 3, 4, 5, truncated at step 1, terminated at step 4 (same-step mode).
    // Episode A = steps 0..1, episode B = steps 2..4.
    //   t0: m = 2 (truncation),  R = 1 + 0.5·2 = 2,            s' = final obs of step 1, γ^2 = 0.25
    //   t1: m = 1,               R = 2,                         s' = final obs of step 1, γ = 0.5
    //   t2: m = 3,               R = 3 + 0.5·4 + 0.25·5 = 6.25, s' = final obs of step 4, terminated
    //   t3: m = 2,               R = 4 + 0.5·5 = 6.5;   t4: m = 1, R = 5 (both terminated)
    const sink = new RecordingSink();
    const adapter = new NStepAdapter({ n: 3, gamma: 0.5, numEnvs: 1, sink, autoresetMode: 'same-step' });
    const ends = [0, 2, 0, 0, 1];
    [1, 2, 3, 4, 5].forEach((reward, t) =>
      adapter.add({
        observations: [t],
        actions: Int32Array.of(t),
        rewards: [reward],
        nextObservations: [t + 0.5],
        terminated: [ends[t] === 1 ? 1 : 0],
        truncated: [ends[t] === 2 ? 1 : 0],
      }),
    );
    const summary = sink.rows.map((r) => [r.observation[0], r.reward, r.nextObservation[0], r.discount, r.terminated, r.truncated]);
    expect(summary).toEqual([
      [0, 2, 1.5, 0.25, false, true],
      [1, 2, 1.5, 0.5, false, true],
      [2, 6.25, 4.5, 0.125, true, false],
      [3, 6.5, 4.5, 0.25, true, false],
      [4, 5, 4.5, 0.5, true, false],
    ]);
    expect(adapter.pendingSteps).toBe(0);
  });

  it('equals a brute-force summation over random episodes, several envs interleaved, before and after flush', () => {
    fc.assert(
      fc.property(scenarioArb, ({ numEnvs, n, gamma, mode, cells }) => {
        const sink = new RecordingSink();
        const adapter = new NStepAdapter({ n, gamma, numEnvs, sink, autoresetMode: mode });
        const { steps, real } = vectorSteps(numEnvs, mode, cells);
        for (const step of steps) adapter.add(step);
        const ofEnv = (e: number): Row[] => sink.rows.filter((row) => row.observation[0] === e);
        for (let e = 0; e < numEnvs; e++) expectRows(ofEnv(e), bruteForce(e, n, gamma, cells, real, false));
        adapter.flush();
        expect(adapter.pendingSteps).toBe(0);
        for (let e = 0; e < numEnvs; e++) expectRows(ofEnv(e), bruteForce(e, n, gamma, cells, real, true));
      }),
      { numRuns: 300 },
    );
  });

  it('with n = 1 passes every transition through unchanged, with discount γ', () => {
    fc.assert(
      fc.property(scenarioArb, ({ numEnvs, gamma, mode, cells }) => {
        const sink = new RecordingSink();
        const adapter = new NStepAdapter({ n: 1, gamma, numEnvs, sink, autoresetMode: mode });
        const { steps, real } = vectorSteps(numEnvs, mode, cells);
        for (const step of steps) adapter.add(step);
        expect(adapter.pendingSteps).toBe(0);
        const expected: Row[] = [];
        cells.forEach((row, t) =>
          row.forEach((cell, e) => {
            if (!real[t]![e]) return;
            expected.push({
              observation: [e, t, 0],
              action: 100 * t + e,
              reward: Math.fround(cell.reward) + 0,
              nextObservation: [e, t, 1],
              terminated: cell.end === 1,
              truncated: cell.end === 2,
              discount: gamma,
            });
          }),
        );
        // `+ 0` so that a stored −0 and 0 compare equal (the sum starts at +0, tiny rewards round to ±0).
        expect(sink.rows.map((row) => ({ ...row, reward: row.reward + 0 }))).toEqual(expected);
      }),
    );
  });

  it('works in front of the uniform and prioritized buffers, which keep γ^m in extras.discount', () => {
    const layout = { capacity: 16, observationShape: [1], actionDtype: 'int32', extras: { discount: { shape: [], dtype: 'float32' } } } as const;
    for (const sink of [new UniformReplayBuffer(layout), new PrioritizedReplayBuffer(layout)]) {
      const adapter = new NStepAdapter({ n: 2, gamma: 0.5, numEnvs: 1, sink, autoresetMode: 'same-step' });
      // Episode of 3 steps, rewards 1, 1, 1, terminated: windows (t0: R 1.5, γ²), (t1: R 1.5, γ²), (t2: R 1, γ).
      for (let t = 0; t < 3; t++) {
        adapter.add({ observations: [t], actions: Int32Array.of(t), rewards: [1], nextObservations: [t + 1], terminated: [t === 2 ? 1 : 0], truncated: [0] });
      }
      expect(sink.size).toBe(3);
      const batch = sink.sample(64, Rng.fromSeed(1));
      for (let r = 0; r < batch.size; r++) {
        const t = batch.observations[r]!;
        expect([batch.rewards[r], batch.extras.discount![r], batch.nextObservations[r]]).toEqual(t === 2 ? [1, 0.5, 3] : [1.5, 0.25, t + 2]);
      }
    }
    const withoutDiscount = new UniformReplayBuffer({ capacity: 4, observationShape: [1], actionDtype: 'int32' });
    expect(() => new NStepAdapter({ n: 2, gamma: 0.5, numEnvs: 1, sink: withoutDiscount })).toThrow(/no scalar 'discount' field/);
  });

  it('passes continuous and multi-discrete actions as arrays', () => {
    const sink = new RecordingSink();
    const adapter = new NStepAdapter({ n: 2, gamma: 1, numEnvs: 2, sink, autoresetMode: 'same-step' });
    const step = (actions: Int32Array | Float32Array): NStepVectorStep => ({
      observations: [0, 1],
      actions,
      rewards: [1, 1],
      nextObservations: [0, 1],
      terminated: [1, 1],
      truncated: [0, 0],
    });
    adapter.add(step(Float32Array.of(0.5, -0.5)));
    expect(sink.rows.map((r) => r.action)).toEqual([[0.5], [-0.5]]);
    const other = new RecordingSink();
    const multi = new NStepAdapter({ n: 2, gamma: 1, numEnvs: 2, sink: other, autoresetMode: 'same-step' });
    multi.add(step(Int32Array.of(1, 2, 3, 4)));
    expect(other.rows.map((r) => r.action)).toEqual([[1, 2], [3, 4]]);
  });

  it('snapshot → restore carries the open windows and pending resets: both continue identically', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), ({ numEnvs, n, gamma, mode, cells }, cut) => {
        const { steps } = vectorSteps(numEnvs, mode, cells);
        const split = cut % (steps.length + 1);
        const config = { n, gamma, numEnvs, autoresetMode: mode };
        const [sinkA, sinkB] = [new RecordingSink(), new RecordingSink()];
        const original = new NStepAdapter({ ...config, sink: sinkA });
        for (const step of steps.slice(0, split)) original.add(step);
        const restored = new NStepAdapter({ ...config, sink: sinkB });
        restored.restore(original.snapshot());
        expect(restored.pendingSteps).toBe(original.pendingSteps);
        const before = sinkA.rows.length;
        for (const step of steps.slice(split)) {
          original.add(step);
          restored.add(step);
        }
        original.flush();
        restored.flush();
        expect(sinkB.rows).toEqual(sinkA.rows.slice(before));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a snapshot of another spec or another kind, and corrupted bytes', () => {
    const sink = new RecordingSink();
    const adapter = new NStepAdapter({ n: 3, gamma: 0.9, numEnvs: 2, sink });
    adapter.add({
      observations: [1, 2],
      actions: Int32Array.of(0, 1),
      rewards: [1, 1],
      nextObservations: [3, 4],
      terminated: [0, 0],
      truncated: [0, 0],
    });
    const bytes = adapter.snapshot();
    expect(() => new NStepAdapter({ n: 2, gamma: 0.9, numEnvs: 2, sink }).restore(bytes)).toThrow(/another spec/);
    expect(() => new NStepAdapter({ n: 3, gamma: 0.9, numEnvs: 2, sink, autoresetMode: 'same-step' }).restore(bytes)).toThrow(
      /another spec/,
    );
    const corrupted = bytes.slice();
    for (let i = corrupted.length - 16; i < corrupted.length; i++) corrupted[i]! ^= 0xff; // the last array and its padding
    expect(() => new NStepAdapter({ n: 3, gamma: 0.9, numEnvs: 2, sink }).restore(corrupted)).toThrow(/corrupted|truncated/);
    expect(() => adapter.restore(new Uint8Array(8))).toThrow(/not a replay snapshot/);
    // An empty adapter round-trips too.
    const empty = new NStepAdapter({ n: 3, gamma: 0.9, numEnvs: 2, sink });
    empty.restore(new NStepAdapter({ n: 3, gamma: 0.9, numEnvs: 2, sink }).snapshot());
    expect(empty.pendingSteps).toBe(0);
  });

  it('validates its config and every vector step', () => {
    const sink = new RecordingSink();
    expect(() => new NStepAdapter({ n: 0, gamma: 0.9, numEnvs: 1, sink })).toThrow('NStepAdapter: n must be an integer >= 1, got 0');
    expect(() => new NStepAdapter({ n: 1, gamma: 1.5, numEnvs: 1, sink })).toThrow(/gamma must be in \[0, 1\]/);
    expect(() => new NStepAdapter({ n: 1, gamma: 0.5, numEnvs: 0, sink })).toThrow(/numEnvs/);
    expect(() => new NStepAdapter({ n: 1, gamma: 0.5, numEnvs: 1, sink: {} as ReplayBuffer })).toThrow(/sink/);
    const adapter = new NStepAdapter({ n: 2, gamma: 0.5, numEnvs: 2, sink });
    const good: NStepVectorStep = {
      observations: [0, 0, 1, 1],
      actions: Int32Array.of(0, 1),
      rewards: [0, 0],
      nextObservations: [0, 0, 1, 1],
      terminated: [0, 0],
      truncated: [0, 0],
    };
    expect(() => adapter.add({ ...good, rewards: [0] })).toThrow('NStepAdapter.add: rewards has length 1, expected numEnvs = 2');
    expect(() => adapter.add({ ...good, nextObservations: [0, 0] })).toThrow(/nextObservations has length 2/);
    expect(() => adapter.add({ ...good, actions: [0, 1] as unknown as Int32Array })).toThrow(/Int32Array/);
    adapter.add(good);
    expect(() => adapter.add({ ...good, observations: [0, 1], nextObservations: [0, 1] })).toThrow(/size 1, earlier ones 2/);
    expect(() => adapter.add({ ...good, actions: Float32Array.of(0, 1) })).toThrow(/float32 of size 1, earlier ones int32/);
    adapter.clear();
    expect(adapter.pendingSteps).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based test: what the sink receives, against the brute-force rows above. Flush, clear and
// restore cut the stream into segments; within one, the sink holds the brute-force rows of the
// segment's real steps (those with a complete window, and all of them once flushed).

interface NStepState {
  /** [t][e]: whether env e's row of vector step t is a transition of the current segment. */
  segment: boolean[][];
  /** Sub-envs whose next row is their reset step (next-step autoreset). */
  resetNext: boolean[];
}

interface NStepModel {
  numEnvs: number;
  n: number;
  gamma: number;
  mode: AutoresetMode;
  /** Every vector step added, at its index t. */
  cells: Cell[][];
  state: NStepState;
  /** Per env: the rows the sink got before the current segment began. */
  before: Row[][];
  /** Per env: how many of the segment's brute-force rows reached the sink before `before` was taken (after a restore). */
  skip: number[];
  saved: { bytes: Uint8Array; memo: NStepMemo }[];
}

/** What a snapshot takes the model back to: the segment, and how many of its rows the sink got. */
interface NStepMemo {
  state: NStepState;
  emitted: number[];
}

interface NStepReal {
  adapter: NStepAdapter;
  sink: RecordingSink;
}

type NStepCommand = fc.Command<NStepModel, NStepReal>;

const segmentRows = (m: NStepModel, e: number, flushed: boolean): Row[] => bruteForce(e, m.n, m.gamma, m.cells, m.state.segment, flushed);
const expectedRows = (m: NStepModel, e: number, flushed = false): Row[] => [...m.before[e]!, ...segmentRows(m, e, flushed).slice(m.skip[e])];
const noSegment = (m: NStepModel): boolean[][] => m.cells.map((row) => row.map(() => false));

/** Starts a new segment: what the sink should hold so far becomes `before`. */
function newSegment(m: NStepModel, flushed: boolean): void {
  m.before = m.before.map((_, e) => expectedRows(m, e, flushed));
  m.skip.fill(0);
  m.state.segment = noSegment(m);
}

function checkSink(m: NStepModel, r: NStepReal): void {
  let pending = 0;
  for (let e = 0; e < m.numEnvs; e++) {
    expectRows(
      r.sink.rows.filter((row) => row.observation[0] === e),
      expectedRows(m, e),
    );
    pending += m.state.segment.filter((row) => row[e]).length - segmentRows(m, e, false).length;
  }
  expect(r.adapter.pendingSteps).toBe(pending);
}

class AddSteps implements NStepCommand {
  constructor(readonly rows: Cell[][]) {}
  check = (): boolean => true;
  run(m: NStepModel, r: NStepReal): void {
    for (const all of this.rows) {
      const row = all.slice(0, m.numEnvs);
      const { step, realRow } = vectorStep(m.cells.length, row, m.mode, m.state.resetNext);
      r.adapter.add(step);
      m.cells.push(row);
      m.state.segment.push(realRow);
    }
    checkSink(m, r);
  }
  toString = (): string => `add × ${this.rows.length} (${JSON.stringify(this.rows)})`;
}

class Flush implements NStepCommand {
  check = (): boolean => true;
  run(m: NStepModel, r: NStepReal): void {
    r.adapter.flush();
    newSegment(m, true);
    checkSink(m, r);
  }
  toString = (): string => 'flush()';
}

class Clear implements NStepCommand {
  check = (): boolean => true;
  run(m: NStepModel, r: NStepReal): void {
    r.adapter.clear();
    newSegment(m, false);
    m.state.resetNext.fill(false);
    checkSink(m, r);
  }
  toString = (): string => 'clear()';
}

const MAX_ENVS = 3;
const nStepCommands = fc.commands<NStepModel, NStepReal>(
  [
    fc.array(fc.array(cellArb, { minLength: MAX_ENVS, maxLength: MAX_ENVS }), { minLength: 1, maxLength: 1 }).map((rows) => new AddSteps(rows)),
    fc.array(fc.array(cellArb, { minLength: MAX_ENVS, maxLength: MAX_ENVS }), { minLength: 1, maxLength: 8 }).map((rows) => new AddSteps(rows)),
    fc.constant(new Flush()),
    fc.constant(new Clear()),
    ...snapshotCommands<NStepModel, NStepReal, NStepMemo>({
      target: (r) => r.adapter,
      renew: (m, r) => (r.adapter = new NStepAdapter({ n: m.n, gamma: m.gamma, numEnvs: m.numEnvs, sink: r.sink, autoresetMode: m.mode })),
      save: (m) => ({ state: structuredClone(m.state), emitted: m.before.map((_, e) => segmentRows(m, e, false).length) }),
      load: (m, { state, emitted }) => {
        newSegment(m, false);
        // The restored windows are those of the saved segment; steps added since belong to none.
        m.state = structuredClone(state);
        m.state.segment.push(...noSegment(m).slice(m.state.segment.length));
        m.skip = [...emitted];
      },
      check: checkSink,
    }),
  ],
  { maxCommands: 40, size: '+1' },
);

describe('NStepAdapter against the brute-force model', () => {
  it('emits what it does under adds, flush, clear and snapshot/restore (fc.commands)', () => {
    const configArb = fc.record({
      numEnvs: fc.integer({ min: 1, max: MAX_ENVS }),
      n: fc.integer({ min: 1, max: 4 }),
      gamma: fc.double({ min: 0, max: 1, noNaN: true }),
      mode: fc.constantFrom<AutoresetMode>('next-step', 'same-step', 'disabled'),
    });
    fc.assert(
      fc.property(configArb, nStepCommands, ({ numEnvs, n, gamma, mode }, cmds) => {
        const setup = () => {
          const sink = new RecordingSink();
          const model: NStepModel = {
            numEnvs,
            n,
            gamma,
            mode,
            cells: [],
            state: { segment: [], resetNext: new Array<boolean>(numEnvs).fill(false) },
            before: Array.from({ length: numEnvs }, () => []),
            skip: new Array<number>(numEnvs).fill(0),
            saved: [],
          };
          return { model, real: { adapter: new NStepAdapter({ n, gamma, numEnvs, sink, autoresetMode: mode }), sink } };
        };
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 200 },
    );
  });
});
