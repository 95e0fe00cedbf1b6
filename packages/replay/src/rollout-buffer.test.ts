import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, computeGae, type AutoresetMode } from '@tfrl/core';
import { RolloutBuffer, type RolloutBufferConfig, type RolloutStep } from './rollout-buffer.js';
import { stateSnapshotCommands } from '../test/snapshot-commands.js';

const base: RolloutBufferConfig = {
  steps: 3,
  numEnvs: 2,
  observationSize: 2,
  actionSize: 1,
  actionDtype: 'int32',
  gamma: 0.5,
  gaeLambda: 1,
};

/** Vector step t of a hand-made rollout: observation of env e is [t, e], action 10·t + e. */
function step(t: number, rewards: number[], values: number[], terminated: number[], truncated: number[]): RolloutStep {
  return {
    observations: Float32Array.of(t, 0, t, 1),
    actions: Int32Array.of(10 * t, 10 * t + 1),
    rewards,
    terminated,
    truncated,
    values,
    logProbs: [-t, -t - 0.5],
  };
}

/**
 * 3 steps × 2 envs, γ = 0.5, λ = 1 (γλ = 0.5), rows interleaved [t0e0, t0e1, t1e0, …].
 *
 * env 0, truncated at t0 with V(final observation) = 4; lastValue 2:
 *   rewards [1, 2, 3], values [1, 2, 1]
 *   δ2 = 3 + 0.5·2 − 1 = 3                          A2 = 3
 *   δ1 = 2 + 0.5·1 − 2 = 0.5                        A1 = 0.5 + 0.5·3 = 2
 *   δ0 = 1 + 0.5·4 − 1 = 2 (truncated: bootstrap)   A0 = 2 (the recursion stops)
 *   returns = A + V = [3, 4, 4]    (bootstrapping from the reset observation's V = 2 would give A0 = 1)
 *
 * env 1, terminated at t2; its lastValue 7 must be ignored:
 *   rewards [0, 3, 0], values [2, 2, 2]
 *   δ2 = 0 − 2 = −2                                 A2 = −2
 *   δ1 = 3 + 0.5·2 − 2 = 2                          A1 = 2 + 0.5·(−2) = 1
 *   δ0 = 0 + 0.5·2 − 2 = −1                         A0 = −1 + 0.5·1 = −0.5
 *   returns = [1.5, 3, 0]
 */
const sameStepRollout = [
  step(0, [1, 0], [1, 2], [0, 0], [1, 0]),
  step(1, [2, 3], [2, 2], [0, 0], [0, 0]),
  step(2, [3, 0], [1, 2], [0, 1], [0, 0]),
];

function filled(config: Partial<RolloutBufferConfig>, rollout = sameStepRollout): RolloutBuffer {
  const buffer = new RolloutBuffer({ ...base, ...config });
  for (const s of rollout) buffer.add(s);
  return buffer;
}

describe('RolloutBuffer', () => {
  it('computes the hand-worked GAE of a 3-step × 2-env rollout with a truncation (same-step autoreset)', () => {
    const buffer = filled({ autoresetMode: 'same-step' });
    const truncatedNextValues = [4, NaN, NaN, NaN, NaN, NaN];
    const { advantages, returns } = buffer.computeReturnsAndAdvantages({ lastValues: [2, 7], truncatedNextValues });
    expect(Array.from(advantages)).toEqual([2, -0.5, 2, 1, 3, -2]);
    expect(Array.from(returns)).toEqual([3, 1.5, 4, 3, 4, 0]);
    expect(Array.from(buffer.valid)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('under next-step autoreset bootstraps a truncation from the reset row and leaves that row out', () => {
    // Same episodes, but env 0's row at t1 is its reset step: observation = final observation,
    // value V(final observation) = 4, reward 0. env 0's next episode starts at t2:
    // A(t2, e0) = 3 + 0.5·2 − 1 = 3, as before; the reset row gets A = 0, return = its value.
    const buffer = filled({}, [
      step(0, [1, 0], [1, 2], [0, 0], [1, 0]),
      step(1, [0, 3], [4, 2], [0, 0], [0, 0]),
      step(2, [3, 0], [1, 2], [0, 1], [0, 0]),
    ]);
    const { advantages, returns } = buffer.computeReturnsAndAdvantages({ lastValues: [2, 7] });
    expect(Array.from(advantages)).toEqual([2, -0.5, 0, 1, 3, -2]);
    expect(Array.from(returns)).toEqual([3, 1.5, 4, 3, 4, 0]);
    expect(Array.from(buffer.valid)).toEqual([1, 1, 0, 1, 1, 1]);
    const indices = [...buffer.minibatches(4, Rng.fromSeed(0))].flatMap((b) => Array.from(b.indices));
    expect(indices.sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5]);
    // env 1 terminated on the last step: its first row of the next rollout is its reset step.
    buffer.reset();
    buffer.add(step(0, [0, 0], [0, 0], [0, 0], [0, 0]));
    expect(Array.from(buffer.valid.subarray(0, 2))).toEqual([1, 0]);
    buffer.reset({ envReset: true });
    buffer.add(step(0, [0, 0], [0, 0], [0, 0], [0, 0]));
    expect(Array.from(buffer.valid.subarray(0, 2))).toEqual([1, 1]);
  });

  it('asks for truncatedNextValues when a step was truncated under same-step autoreset', () => {
    const buffer = filled({ autoresetMode: 'same-step' });
    expect(() => buffer.computeReturnsAndAdvantages({ lastValues: [2, 7] })).toThrow(
      'RolloutBuffer.computeReturnsAndAdvantages: step 0 of env 0 was truncated; pass truncatedNextValues with V(final observation) there',
    );
    expect(() => buffer.computeReturnsAndAdvantages({ lastValues: [2] })).toThrow(/lastValues has length 1, expected numEnvs = 2/);
    expect(() => buffer.computeReturnsAndAdvantages({ lastValues: [2, 7], truncatedNextValues: [4] })).toThrow(
      /truncatedNextValues has length 1, expected steps × numEnvs = 6/,
    );
  });

  it('checks fullness, order of calls and input lengths with clear errors', () => {
    const buffer = new RolloutBuffer(base);
    expect(() => buffer.computeReturnsAndAdvantages({ lastValues: [0, 0] })).toThrow(/holds 0 of 3 steps/);
    expect(() => buffer.add({ ...sameStepRollout[0]!, values: [1] })).toThrow('RolloutBuffer.add: values has length 1, expected 2');
    expect(() => buffer.add({ ...sameStepRollout[0]!, observations: [1, 2] })).toThrow(/observations has length 2, expected 4/);
    for (const s of sameStepRollout) buffer.add(s);
    expect(buffer.full).toBe(true);
    expect(() => buffer.add(sameStepRollout[0]!)).toThrow('RolloutBuffer.add: the rollout is full (3 steps); call reset() after training on it');
    expect(() => buffer.minibatches(2, Rng.fromSeed(0)).next()).toThrow(/call computeReturnsAndAdvantages\(\) after the last add/);
    buffer.computeReturnsAndAdvantages({ lastValues: [0, 0] });
    expect(() => buffer.minibatches(0, Rng.fromSeed(0)).next()).toThrow(/batchSize must be an integer >= 1, got 0/);
    expect(() => new RolloutBuffer({ ...base, steps: 0 })).toThrow('RolloutBuffer: steps must be an integer >= 1, got 0');
    expect(() => new RolloutBuffer({ ...base, gaeLambda: 2 })).toThrow('RolloutBuffer: gaeLambda must be in [0, 1], got 2');
    expect(() => new RolloutBuffer({ ...base, extras: { value: { shape: [], dtype: 'float32' } } })).toThrow(/extras.value clashes/);
    const withMask = new RolloutBuffer({ ...base, extras: { actionMask: { shape: [3], dtype: 'uint8' } } });
    expect(() => withMask.add(sameStepRollout[0]!)).toThrow('RolloutBuffer.add: extras.actionMask has length undefined, expected 6');
  });

  const rolloutArb = fc
    .record({
      steps: fc.integer({ min: 1, max: 8 }),
      numEnvs: fc.integer({ min: 1, max: 4 }),
      batchSize: fc.integer({ min: 1, max: 12 }),
      mode: fc.constantFrom<AutoresetMode>('next-step', 'same-step'),
      seed: fc.integer(),
    })
    .chain((r) =>
      fc.record({
        ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fc.constant(v)])),
        values: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: r.steps * r.numEnvs, maxLength: r.steps * r.numEnvs }),
        ends: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: r.steps * r.numEnvs, maxLength: r.steps * r.numEnvs }),
      }),
    ) as fc.Arbitrary<{ steps: number; numEnvs: number; batchSize: number; mode: AutoresetMode; seed: number; values: number[]; ends: number[] }>;

  /** A buffer filled from `r`: row i has observation [i, −i], action i, hidden extra [i, i + 0.5]. */
  function fromArb(r: { steps: number; numEnvs: number; mode: AutoresetMode; values: number[]; ends: number[] }, extra: Partial<RolloutBufferConfig> = {}) {
    const buffer = new RolloutBuffer({
      ...base,
      steps: r.steps,
      numEnvs: r.numEnvs,
      autoresetMode: r.mode,
      extras: { hidden: { shape: [2], dtype: 'float32' } },
      ...extra,
    });
    for (let t = 0; t < r.steps; t++) {
      const rows = Array.from({ length: r.numEnvs }, (_, e) => t * r.numEnvs + e);
      buffer.add({
        observations: rows.flatMap((i) => [i, -i]),
        actions: Int32Array.from(rows),
        rewards: rows.map((i) => r.values[i]! / 2),
        terminated: rows.map((i) => (r.ends[i] === 1 ? 1 : 0)),
        truncated: rows.map((i) => (r.ends[i] === 2 ? 1 : 0)),
        values: rows.map((i) => r.values[i]!),
        logProbs: rows.map((i) => -i),
        extras: { hidden: rows.flatMap((i) => [i, i + 0.5]) },
      });
    }
    const truncatedNextValues = r.values.map((v) => v + 1);
    buffer.computeReturnsAndAdvantages({ lastValues: new Float32Array(r.numEnvs).fill(1), truncatedNextValues });
    return buffer;
  }

  it('minibatches cover every valid row exactly once per epoch, each row intact', () => {
    fc.assert(
      fc.property(rolloutArb, (r) => {
        const buffer = fromArb(r);
        const rng = Rng.fromSeed(r.seed);
        const validRows = Array.from(buffer.valid.keys()).filter((i) => buffer.valid[i] === 1);
        for (let epoch = 0; epoch < 2; epoch++) {
          const seen: number[] = [];
          for (const batch of buffer.minibatches(r.batchSize, rng)) {
            expect(batch.size).toBeLessThanOrEqual(r.batchSize);
            batch.indices.forEach((i, k) => {
              seen.push(i);
              expect([batch.observations[2 * k], batch.observations[2 * k + 1]]).toEqual([i, -i]);
              expect(batch.actions[k]).toBe(i);
              expect(batch.logProbs[k]).toBe(-i);
              expect(batch.values[k]).toBe(Math.fround(r.values[i]!));
              expect(batch.advantages[k]).toBe(buffer.advantages[i]);
              expect(batch.returns[k]).toBe(buffer.returns[i]);
              expect(Array.from(batch.extras.hidden!.subarray(2 * k, 2 * k + 2))).toEqual([i, i + 0.5]);
            });
          }
          expect(seen.sort((a, b) => a - b)).toEqual(validRows);
        }
      }),
    );
  });

  it('normalises advantages to mean 0, std 1 over the rollout or per minibatch; returns stay raw', () => {
    const moments = (xs: ArrayLike<number>) => {
      const a = Array.from(xs);
      const mean = a.reduce((s, x) => s + x, 0) / a.length;
      return { mean, std: Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length) };
    };
    fc.assert(
      fc.property(rolloutArb, (r) => {
        const raw = fromArb(r);
        const rawValid = Array.from(raw.advantages).filter((_, i) => raw.valid[i] === 1);
        fc.pre(rawValid.length >= 2 && moments(rawValid).std > 1e-2);
        const rollout = fromArb(r, { normalizeAdvantages: 'rollout' });
        const { mean, std } = moments(Array.from(rollout.advantages).filter((_, i) => rollout.valid[i] === 1));
        expect(mean).toBeCloseTo(0, 4);
        expect(std).toBeCloseTo(1, 4);
        expect(rollout.returns).toEqual(raw.returns);
        const perBatch = fromArb(r, { normalizeAdvantages: 'minibatch' });
        for (const batch of perBatch.minibatches(Math.max(r.batchSize, 4), Rng.fromSeed(r.seed))) {
          const m = moments(batch.advantages);
          if (moments(batch.indices.map((i) => raw.advantages[i]!)).std < 1e-2) continue;
          expect(m.mean).toBeCloseTo(0, 4);
          expect(m.std).toBeCloseTo(1, 4);
        }
      }),
    );
  });

  it('snapshot → restore gives the same minibatches; another spec or kind is refused', () => {
    const original = filled({ autoresetMode: 'same-step', extras: { mask: { shape: [2], dtype: 'uint8' } } }, sameStepRollout.map((s) => ({ ...s, extras: { mask: [1, 0, 0, 1] } })));
    original.computeReturnsAndAdvantages({ lastValues: [2, 7], truncatedNextValues: [4, 0, 0, 0, 0, 0] });
    const restored = new RolloutBuffer({ ...base, autoresetMode: 'same-step', extras: { mask: { shape: [2], dtype: 'uint8' } } });
    restored.restore(original.snapshot());
    expect(restored.size).toBe(3);
    expect([...restored.minibatches(4, Rng.fromSeed(9))]).toEqual([...original.minibatches(4, Rng.fromSeed(9))]);
    // A partial rollout round-trips too, and keeps filling the same way.
    const partial = new RolloutBuffer(base);
    partial.add(sameStepRollout[0]!);
    const copy = new RolloutBuffer(base);
    copy.restore(partial.snapshot());
    for (const b of [partial, copy]) {
      b.add(sameStepRollout[1]!);
      b.add(sameStepRollout[2]!);
      b.computeReturnsAndAdvantages({ lastValues: [1, 1] });
    }
    expect(copy.advantages).toEqual(partial.advantages);
    expect(copy.valid).toEqual(partial.valid);
    expect(() => new RolloutBuffer({ ...base, gamma: 0.9 }).restore(partial.snapshot())).toThrow(/another spec/);
    expect(() => restored.restore(partial.snapshot())).toThrow(/another spec/);
    expect(() => copy.restore(new Uint8Array(3))).toThrow(/not a replay snapshot/);
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based test: the buffer against plain arrays of [steps × envs] rows. The model finds the
// advantages with core's computeGae (GAE itself is tested in core); what is under test here is
// the bookkeeping: which rows are valid, what V(s_{t+1}) each row bootstraps from, when the
// rollout may be computed and batched, and what a snapshot carries.

/** One stored row, every number exact in float32. */
interface ModelRow {
  observation: number[];
  action: number;
  reward: number;
  terminated: number;
  truncated: number;
  value: number;
  logProb: number;
  hidden: number;
}

interface RolloutState {
  steps: ModelRow[][]; // [filled][numEnvs]
  valid: number[]; // [filled × numEnvs]
  resetPending: boolean[]; // [numEnvs]
  computed: { advantages: number[]; returns: number[] } | null;
}

interface RolloutModel {
  config: RolloutBufferConfig & { autoresetMode: AutoresetMode; normalizeAdvantages: false | 'rollout' | 'minibatch' };
  state: RolloutState;
  saved: { bytes: Uint8Array; memo: RolloutState }[];
}

interface RolloutReal {
  buffer: RolloutBuffer;
}

type RolloutCommand = fc.Command<RolloutModel, RolloutReal>;

const MAX_ENVS = 3;
const MAX_STEPS = 4;
const quarter = fc.integer({ min: -12, max: 12 }).map((k) => k / 4);
const modelRowArb: fc.Arbitrary<ModelRow> = fc.record({
  observation: fc.tuple(quarter, quarter),
  action: fc.integer({ min: 0, max: 5 }),
  reward: quarter,
  terminated: fc.constant(0),
  truncated: fc.constant(0),
  value: quarter,
  logProb: quarter,
  hidden: quarter,
  end: fc.constantFrom(0, 0, 0, 1, 2),
}).map(({ end, ...row }) => ({ ...row, terminated: +(end === 1), truncated: +(end === 2) }));

/** Mean 0, std 1 over the entries of `rows` (population std, + 1e-8), in float64. */
function standardised(xs: readonly number[], rows: readonly number[]): Map<number, number> {
  const mean = rows.reduce((s, i) => s + xs[i]!, 0) / rows.length;
  const std = Math.sqrt(rows.reduce((s, i) => s + (xs[i]! - mean) ** 2, 0) / rows.length);
  return new Map(rows.map((i) => [i, (xs[i]! - mean) / (std + 1e-8)]));
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected)));
}

function checkRollout(m: RolloutModel, buffer: RolloutBuffer): void {
  const { numEnvs, steps } = m.config;
  const rows = m.state.steps.flat();
  expect(buffer.size).toBe(m.state.steps.length);
  expect(buffer.full).toBe(m.state.steps.length === steps);
  expect(Array.from(buffer.valid.subarray(0, rows.length))).toEqual(m.state.valid);
  const prefix = (name: string) => Array.from(buffer.column(name).subarray(0, rows.length * (name === 'observation' ? 2 : 1)));
  expect(prefix('observation')).toEqual(rows.flatMap((row) => row.observation));
  for (const name of ['action', 'reward', 'terminated', 'truncated', 'value', 'logProb', 'hidden'] as const) {
    expect(prefix(name)).toEqual(rows.map((row) => row[name]));
  }
  const computed = m.state.computed;
  if (computed === null) return;
  expect(rows.length).toBe(steps * numEnvs);
  if (m.config.normalizeAdvantages === 'rollout') {
    buffer.advantages.forEach((a, i) => expectClose(a, computed.advantages[i]!));
  } else {
    expect(Array.from(buffer.advantages)).toEqual(computed.advantages);
  }
  expect(Array.from(buffer.returns)).toEqual(computed.returns);
}

/** Adds vector steps one after the other (one row of `MAX_ENVS` cells each, the first `numEnvs` used). */
class AddSteps implements RolloutCommand {
  constructor(readonly vectorSteps: ModelRow[][]) {}
  check = (): boolean => true;
  run(m: RolloutModel, r: RolloutReal): void {
    for (const cells of this.vectorSteps) this.add(m, r, cells.slice(0, m.config.numEnvs));
  }
  private add(m: RolloutModel, r: RolloutReal, cells: ModelRow[]): void {
    const { steps, autoresetMode } = m.config;
    const step: RolloutStep = {
      observations: cells.flatMap((c) => c.observation),
      actions: Int32Array.from(cells, (c) => c.action),
      rewards: cells.map((c) => c.reward),
      terminated: cells.map((c) => c.terminated),
      truncated: cells.map((c) => c.truncated),
      values: cells.map((c) => c.value),
      logProbs: cells.map((c) => c.logProb),
      extras: { hidden: cells.map((c) => c.hidden) },
    };
    if (m.state.steps.length === steps) {
      expect(() => r.buffer.add(step)).toThrow(/the rollout is full/);
    } else {
      r.buffer.add(step);
      m.state.steps.push(cells);
      cells.forEach((c, e) => {
        // next-step autoreset: the step after an episode's end is the env's reset step, no transition.
        const resetRow = m.state.resetPending[e]!;
        m.state.valid.push(resetRow ? 0 : 1);
        m.state.resetPending[e] = !resetRow && autoresetMode === 'next-step' && (c.terminated === 1 || c.truncated === 1);
      });
      m.state.computed = null;
    }
    checkRollout(m, r.buffer);
  }
  toString = (): string => `add × ${this.vectorSteps.length} (${JSON.stringify(this.vectorSteps)})`;
}

class Reset implements RolloutCommand {
  constructor(readonly envReset: boolean) {}
  check = (): boolean => true;
  run(m: RolloutModel, r: RolloutReal): void {
    r.buffer.reset({ envReset: this.envReset });
    m.state.steps = [];
    m.state.valid = [];
    m.state.computed = null;
    if (this.envReset) m.state.resetPending.fill(false);
    checkRollout(m, r.buffer);
  }
  toString = (): string => `reset({ envReset: ${this.envReset} })`;
}

class Compute implements RolloutCommand {
  constructor(readonly lastValues: number[], readonly truncatedNextValues: number[] | undefined) {}
  check = (): boolean => true;
  run(m: RolloutModel, r: RolloutReal): void {
    const { numEnvs, steps, autoresetMode, gamma, gaeLambda } = m.config;
    const lastValues = this.lastValues.slice(0, numEnvs);
    const truncatedNextValues = this.truncatedNextValues?.slice(0, steps * numEnvs);
    const call = () => r.buffer.computeReturnsAndAdvantages({ lastValues, truncatedNextValues });
    if (m.state.steps.length < steps) {
      expect(call).toThrow(`holds ${m.state.steps.length} of ${steps} steps`);
      return checkRollout(m, r.buffer);
    }
    const rows = m.state.steps.flat();
    // V(s_{t+1}) of row (t, e): the value of row (t + 1, e), after the last step `lastValues[e]`; on
    // a truncated transition V(final observation), which under next-step autoreset is the value of
    // the reset row that follows (Gymnasium returns the final observation there).
    const nextValues = rows.map((_, i) => (i + numEnvs < rows.length ? rows[i + numEnvs]!.value : lastValues[i % numEnvs]!));
    let missing = false;
    rows.forEach((row, i) => {
      if (row.truncated === 0 || m.state.valid[i] === 0) return;
      if (truncatedNextValues !== undefined) nextValues[i] = truncatedNextValues[i]!;
      else if (autoresetMode !== 'next-step') missing = true;
    });
    if (missing) {
      expect(call).toThrow(/was truncated; pass truncatedNextValues/);
      return checkRollout(m, r.buffer);
    }
    const gae = computeGae({
      rewards: Float32Array.from(rows, (row) => row.reward),
      values: Float32Array.from(rows, (row) => row.value),
      nextValues: Float32Array.from(nextValues),
      terminated: Uint8Array.from(rows, (row) => row.terminated),
      truncated: Uint8Array.from(rows, (row) => row.truncated),
      numEnvs,
      gamma,
      gaeLambda,
    });
    const valid = m.state.valid;
    const advantages = rows.map((_, i) => (valid[i] === 1 ? gae.advantages[i]! : 0));
    const returns = rows.map((row, i) => (valid[i] === 1 ? gae.returns[i]! : Math.fround(row.value)));
    if (m.config.normalizeAdvantages === 'rollout') {
      const validRows = rows.flatMap((_, i) => (valid[i] === 1 ? [i] : []));
      if (validRows.length > 0) for (const [i, a] of standardised(advantages, validRows)) advantages[i] = a;
    }
    m.state.computed = { advantages, returns };
    call();
    checkRollout(m, r.buffer);
  }
  toString = (): string => `compute(${JSON.stringify(this.lastValues)}, ${JSON.stringify(this.truncatedNextValues)})`;
}

class Minibatches implements RolloutCommand {
  constructor(readonly batchSize: number, readonly seed: number) {}
  check = (): boolean => true;
  run(m: RolloutModel, r: RolloutReal): void {
    const computed = m.state.computed;
    const batches = () => [...r.buffer.minibatches(this.batchSize, Rng.fromSeed(this.seed))];
    if (computed === null) {
      expect(batches).toThrow(/call computeReturnsAndAdvantages\(\) after the last add/);
      return;
    }
    const rows = m.state.steps.flat();
    const seen: number[] = [];
    const all = batches();
    all.forEach((batch, b) => {
      expect(batch.size).toBe(b < all.length - 1 ? this.batchSize : batch.indices.length);
      expect(batch.size).toBeLessThanOrEqual(this.batchSize);
      const indices = Array.from(batch.indices);
      seen.push(...indices);
      expect(Array.from(batch.observations)).toEqual(indices.flatMap((i) => rows[i]!.observation));
      expect(Array.from(batch.actions)).toEqual(indices.map((i) => rows[i]!.action));
      expect(Array.from(batch.values)).toEqual(indices.map((i) => rows[i]!.value));
      expect(Array.from(batch.logProbs)).toEqual(indices.map((i) => rows[i]!.logProb));
      expect(Array.from(batch.extras.hidden!)).toEqual(indices.map((i) => rows[i]!.hidden));
      expect(Array.from(batch.returns)).toEqual(indices.map((i) => computed.returns[i]!));
      if (m.config.normalizeAdvantages === 'minibatch') {
        const perBatch = standardised(computed.advantages, indices);
        batch.advantages.forEach((a, k) => expectClose(a, perBatch.get(indices[k]!)!));
      } else if (m.config.normalizeAdvantages === 'rollout') {
        batch.advantages.forEach((a, k) => expectClose(a, computed.advantages[indices[k]!]!));
      } else {
        expect(Array.from(batch.advantages)).toEqual(indices.map((i) => computed.advantages[i]!));
      }
    });
    const validRows = m.state.valid.flatMap((v, i) => (v === 1 ? [i] : []));
    expect(seen.sort((a, b) => a - b)).toEqual(validRows);
  }
  toString = (): string => `minibatches(${this.batchSize}, seed ${this.seed})`;
}

const vectorStepArb = fc.array(modelRowArb, { minLength: MAX_ENVS, maxLength: MAX_ENVS });

const lastValuesArb = fc.array(quarter, { minLength: MAX_ENVS, maxLength: MAX_ENVS });
const truncatedNextValuesArb = fc.array(quarter, { minLength: MAX_ENVS * MAX_STEPS, maxLength: MAX_ENVS * MAX_STEPS });
const computeArb = fc
  .tuple(lastValuesArb, fc.option(truncatedNextValuesArb, { nil: undefined }))
  .map(([lastValues, truncatedNextValues]) => new Compute(lastValues, truncatedNextValues));
const minibatchesArb = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer()).map(([batchSize, seed]) => new Minibatches(batchSize, seed));

const rolloutCommands = fc.commands<RolloutModel, RolloutReal>(
  [
    fc.array(vectorStepArb, { minLength: 1, maxLength: 1 }).map((vectorSteps) => new AddSteps(vectorSteps)),
    fc.array(vectorStepArb, { minLength: 1, maxLength: MAX_STEPS + 1 }).map((vectorSteps) => new AddSteps(vectorSteps)),
    fc.boolean().map((envReset) => new Reset(envReset)),
    computeArb,
    computeArb,
    minibatchesArb,
    minibatchesArb,
    ...stateSnapshotCommands<RolloutModel, RolloutReal, RolloutState>({
      target: (r) => r.buffer,
      renew: (m, r) => (r.buffer = new RolloutBuffer(m.config)),
      check: (m, r) => checkRollout(m, r.buffer),
    }),
  ],
  { maxCommands: 40, size: '+1' },
);

const rolloutConfigArb = fc.record({
  steps: fc.integer({ min: 1, max: MAX_STEPS }),
  numEnvs: fc.integer({ min: 1, max: MAX_ENVS }),
  gamma: fc.constantFrom(0, 0.5, 0.9, 1),
  gaeLambda: fc.constantFrom(0, 0.5, 0.95, 1),
  autoresetMode: fc.constantFrom<AutoresetMode>('next-step', 'same-step', 'disabled'),
  normalizeAdvantages: fc.constantFrom<false | 'rollout' | 'minibatch'>(false, 'rollout', 'minibatch'),
});

describe('RolloutBuffer against a plain-array model', () => {
  it('matches it under adds, resets, computing, minibatches and snapshot/restore (fc.commands)', () => {
    fc.assert(
      fc.property(rolloutConfigArb, rolloutCommands, (shape, cmds) => {
        const config = { ...base, ...shape, extras: { hidden: { shape: [], dtype: 'float32' } } } as const;
        const setup = () => ({
          model: { config, state: { steps: [], valid: [], resetPending: new Array<boolean>(shape.numEnvs).fill(false), computed: null }, saved: [] },
          real: { buffer: new RolloutBuffer(config) },
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 300 },
    );
  });
});
