import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { discountedReturns, type AutoresetMode } from '@tfrl/core';
import { EpisodeBuffer, type Episode, type EpisodeBufferConfig, type EpisodeStep } from './episode-buffer.js';
import { stateSnapshotCommands } from '../test/snapshot-commands.js';

const base: EpisodeBufferConfig = {
  numEnvs: 2,
  observationSize: 1,
  actionSize: 1,
  actionDtype: 'int32',
  gamma: 0.5,
  capacity: 100,
  extras: { hidden: { shape: [2], dtype: 'float32' } },
};

/** Vector step t: observation of env e is 10·t + e, action t, hidden [t, e], final observation 100 + 10·t + e. */
function step(t: number, rewards: number[], terminated: number[], truncated: number[]): EpisodeStep {
  return {
    observations: [10 * t, 10 * t + 1],
    actions: Int32Array.of(t, t),
    rewards,
    terminated,
    truncated,
    finalObservations: [100 + 10 * t, 101 + 10 * t],
    extras: { hidden: [t, 0, t, 1] },
  };
}

describe('EpisodeBuffer', () => {
  it('completes each env’s episodes with their rewards-to-go (two envs interleaved, same-step autoreset)', () => {
    const buffer = new EpisodeBuffer({ ...base, autoresetMode: 'same-step' });
    buffer.add(step(0, [1, 2], [0, 0], [0, 0]));
    buffer.add(step(1, [1, 2], [0, 1], [0, 0])); // env 1 terminates: episode A
    buffer.add(step(2, [1, 4], [0, 0], [1, 0])); // env 0 truncated: episode B
    buffer.add(step(3, [8, 4], [0, 1], [0, 0])); // env 1 terminates: episode C; env 0 is mid-episode
    const summary = buffer.episodes.map((ep) => ({
      env: ep.env,
      observations: Array.from(ep.observations),
      rewards: Array.from(ep.rewards),
      returns: Array.from(ep.returns),
      hidden: Array.from(ep.extras.hidden!),
      ended: [ep.terminated, ep.truncated],
      final: ep.finalObservation && Array.from(ep.finalObservation),
    }));
    // γ = 0.5: A [2, 2] → [2 + 0.5·2, 2] = [3, 2]; B [1, 1, 1] → [1.75, 1.5, 1]; C [4, 4] → [6, 4]
    expect(summary).toEqual([
      { env: 1, observations: [1, 11], rewards: [2, 2], returns: [3, 2], hidden: [0, 1, 1, 1], ended: [true, false], final: [111] },
      { env: 0, observations: [0, 10, 20], rewards: [1, 1, 1], returns: [1.75, 1.5, 1], hidden: [0, 0, 1, 0, 2, 0], ended: [false, true], final: [120] },
      { env: 1, observations: [21, 31], rewards: [4, 4], returns: [6, 4], hidden: [2, 1, 3, 1], ended: [true, false], final: [131] },
    ]);
    expect([buffer.numEpisodes, buffer.size]).toEqual([3, 7]);
  });

  it('skips the reset step under next-step autoreset and takes the final observation from nextObservations', () => {
    const buffer = new EpisodeBuffer({ ...base, numEnvs: 1, extras: undefined });
    const add = (t: number, reward: number, terminated: number) =>
      buffer.add({ observations: [t], actions: Int32Array.of(t), rewards: [reward], terminated: [terminated], truncated: [0], nextObservations: [t + 0.5] });
    add(0, 1, 0);
    add(1, 1, 1);
    add(2, 99, 1); // the reset step: ignored whatever it holds
    add(3, 5, 1);
    expect(buffer.episodes.map((ep) => [Array.from(ep.observations), Array.from(ep.rewards), Array.from(ep.finalObservation!)])).toEqual([
      [[0, 1], [1, 1], [1.5]],
      [[3], [5], [3.5]],
    ]);
    expect(buffer.episodes[0]!.finalObservation).toBeInstanceOf(Float32Array);
  });

  it('evicts the oldest episodes beyond capacity steps, always keeping the newest', () => {
    const buffer = new EpisodeBuffer({ ...base, numEnvs: 1, capacity: 4, autoresetMode: 'same-step', extras: undefined });
    const episode = (length: number, reward: number) => {
      for (let t = 0; t < length; t++) {
        buffer.add({ observations: [reward], actions: Int32Array.of(0), rewards: [reward], terminated: [t === length - 1 ? 1 : 0], truncated: [0] });
      }
    };
    episode(2, 1);
    expect([buffer.numEpisodes, buffer.size]).toEqual([1, 2]);
    episode(3, 2); // 5 steps > 4: episode 1 goes
    expect(buffer.episodes.map((ep) => ep.rewards[0])).toEqual([2]);
    episode(2, 3); // 5 steps > 4: episode 2 goes
    expect(buffer.episodes.map((ep) => ep.rewards[0])).toEqual([3]);
    episode(6, 4); // longer than capacity: kept alone
    expect([buffer.numEpisodes, buffer.size]).toEqual([1, 6]);
    expect(buffer.episodes[0]!.finalObservation).toBeNull();
  });

  it('drain() returns the completed episodes laid end to end and removes them', () => {
    const buffer = new EpisodeBuffer({ ...base, autoresetMode: 'same-step' });
    buffer.add(step(0, [1, 2], [0, 1], [0, 0]));
    buffer.add(step(1, [3, 4], [1, 0], [0, 0]));
    buffer.add(step(2, [5, 6], [0, 0], [0, 0]));
    const batch = buffer.drain();
    expect(batch.size).toBe(3);
    expect(Array.from(batch.offsets)).toEqual([0, 1, 3]);
    expect(Array.from(batch.observations)).toEqual([1, 0, 10]);
    expect(Array.from(batch.actions)).toEqual([0, 0, 1]);
    expect(batch.actions).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.rewards)).toEqual([2, 1, 3]);
    expect(Array.from(batch.returns)).toEqual([2, 2.5, 3]);
    expect(Array.from(batch.extras.hidden!)).toEqual([0, 1, 0, 0, 1, 0]);
    expect([buffer.numEpisodes, buffer.size]).toEqual([0, 0]);
    // The open episodes went on: env 0 has step 2, env 1 steps 1 and 2.
    buffer.add(step(3, [0, 0], [1, 1], [0, 0]));
    expect(buffer.episodes.map((ep) => ep.length)).toEqual([2, 3]);
    buffer.clear();
    buffer.add(step(4, [0, 0], [1, 1], [0, 0]));
    expect(buffer.episodes.map((ep) => ep.length)).toEqual([1, 1]);
  });

  it('snapshot → restore carries completed and open episodes and pending resets', () => {
    const scenario = fc.record({
      mode: fc.constantFrom<AutoresetMode>('next-step', 'same-step'),
      cells: fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, 0, 1, 2), fc.constantFrom(0, 0, 1, 2)), {
        minLength: 1,
        maxLength: 30,
      }),
      cut: fc.nat(),
      capacity: fc.integer({ min: 1, max: 20 }),
    });
    fc.assert(
      fc.property(scenario, ({ mode, cells, cut, capacity }) => {
        const config = { ...base, capacity, autoresetMode: mode };
        const steps = cells.map(([r0, r1, end0, end1], t) => step(t, [r0, r1], [+(end0 === 1), +(end1 === 1)], [+(end0 === 2), +(end1 === 2)]));
        const split = cut % (steps.length + 1);
        const original = new EpisodeBuffer(config);
        for (const s of steps.slice(0, split)) original.add(s);
        const restored = new EpisodeBuffer(config);
        restored.restore(original.snapshot());
        expect(restored.episodes).toEqual(original.episodes);
        for (const s of steps.slice(split)) {
          original.add(s);
          restored.add(s);
        }
        expect(restored.episodes).toEqual(original.episodes);
        expect(restored.drain()).toEqual(original.drain());
      }),
      { numRuns: 100 },
    );
  });

  it('refuses another spec and bad input with clear errors', () => {
    const buffer = new EpisodeBuffer(base);
    buffer.add(step(0, [1, 1], [1, 0], [0, 0]));
    const bytes = buffer.snapshot();
    expect(() => new EpisodeBuffer({ ...base, gamma: 0.9 }).restore(bytes)).toThrow(/another spec/);
    expect(() => new EpisodeBuffer({ ...base, extras: undefined }).restore(bytes)).toThrow(/another spec/);
    expect(() => buffer.restore(bytes.subarray(0, 40))).toThrow(/EpisodeBuffer.restore/);
    expect(() => new EpisodeBuffer({ ...base, capacity: 0 })).toThrow('EpisodeBuffer: capacity must be an integer >= 1, got 0');
    expect(() => new EpisodeBuffer({ ...base, extras: { reward: { shape: [], dtype: 'float32' } } })).toThrow(/extras.reward clashes/);
    expect(() => buffer.add({ ...step(1, [1, 1], [0, 0], [0, 0]), rewards: [1] })).toThrow('EpisodeBuffer.add: rewards has length 1, expected numEnvs = 2');
    expect(() => buffer.add({ ...step(1, [1, 1], [0, 0], [0, 0]), extras: {} })).toThrow('EpisodeBuffer.add: extras.hidden has length undefined, expected 4');
    expect(() => buffer.add({ ...step(1, [1, 1], [0, 0], [0, 0]), finalObservations: [1] })).toThrow(/finalObservations has length 1, expected 2/);
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based test: the buffer against plain per-env lists of steps and a list of episodes.

/** One sub-env step as the model keeps it (numbers exact in float32). */
interface ModelStep {
  observation: number;
  action: number;
  reward: number;
  hidden: [number, number];
}

interface ModelEpisode {
  env: number;
  steps: ModelStep[];
  terminated: boolean;
  truncated: boolean;
  final: number | null;
}

interface EpisodeState {
  open: ModelStep[][]; // [numEnvs][steps of the episode in progress]
  completed: ModelEpisode[]; // oldest first
  resetPending: boolean[]; // [numEnvs]
}

interface EpisodeModel {
  config: EpisodeBufferConfig & { autoresetMode: AutoresetMode };
  /** Chance that a step ends its episode: low rates make episodes longer than the 16 rows first allocated. */
  endRate: number;
  state: EpisodeState;
  saved: { bytes: Uint8Array; memo: EpisodeState }[];
}

interface EpisodeReal {
  buffer: EpisodeBuffer;
}

type EpisodeCommand = fc.Command<EpisodeModel, EpisodeReal>;

/** `u` decides the end: terminated below endRate / 2, truncated below endRate. */
interface Cell {
  step: ModelStep;
  u: number;
  final: number;
}

const MAX_ENVS = 3;
const half = fc.integer({ min: -20, max: 20 }).map((k) => k / 2);
const cellArb: fc.Arbitrary<Cell> = fc.record({
  step: fc.record({ observation: half, action: fc.integer({ min: 0, max: 9 }), reward: half, hidden: fc.tuple(half, half) }),
  u: fc.noBias(fc.integer({ min: 0, max: 99 })).map((k) => k / 100),
  final: half,
});

/** The episode the buffer should hold for a model episode. */
function expectedEpisode(episode: ModelEpisode, gamma: number): Episode {
  const rewards = Float32Array.from(episode.steps, (s) => s.reward);
  return {
    length: episode.steps.length,
    env: episode.env,
    observations: Float32Array.from(episode.steps, (s) => s.observation),
    actions: Int32Array.from(episode.steps, (s) => s.action),
    rewards,
    returns: discountedReturns(rewards, gamma),
    terminated: episode.terminated,
    truncated: episode.truncated,
    finalObservation: episode.final === null ? null : Float32Array.of(episode.final),
    extras: { hidden: Float32Array.from(episode.steps.flatMap((s) => s.hidden)) },
  };
}

function checkEpisodes(m: EpisodeModel, buffer: EpisodeBuffer): void {
  const { completed } = m.state;
  expect(buffer.numEpisodes).toBe(completed.length);
  expect(buffer.size).toBe(completed.reduce((sum, ep) => sum + ep.steps.length, 0));
  expect(buffer.episodes).toEqual(completed.map((ep) => expectedEpisode(ep, m.config.gamma)));
}

type FinalFrom = 'finalObservations' | 'nextObservations' | 'none';

/** One vector step; `finalFrom`: which of its fields carries the final observations, if any. */
interface VectorCells {
  cells: Cell[];
  finalFrom: FinalFrom;
}

class AddSteps implements EpisodeCommand {
  constructor(readonly steps: VectorCells[]) {}
  check = (): boolean => true;
  run(m: EpisodeModel, r: EpisodeReal): void {
    for (const step of this.steps) this.add(m, r, step);
  }
  private add(m: EpisodeModel, r: EpisodeReal, { cells: all, finalFrom }: VectorCells): void {
    const { numEnvs, capacity, autoresetMode } = m.config;
    const cells = all.slice(0, numEnvs);
    const ends = cells.map((c) => (c.u < m.endRate / 2 ? 1 : c.u < m.endRate ? 2 : 0));
    r.buffer.add({
      observations: cells.map((c) => c.step.observation),
      actions: Int32Array.from(cells, (c) => c.step.action),
      rewards: cells.map((c) => c.step.reward),
      terminated: ends.map((end) => +(end === 1)),
      truncated: ends.map((end) => +(end === 2)),
      ...(finalFrom === 'none' ? {} : { [finalFrom]: cells.map((c) => c.final) }),
      extras: { hidden: cells.flatMap((c) => c.step.hidden) },
    });
    const { open, completed, resetPending } = m.state;
    cells.forEach((cell, e) => {
      if (resetPending[e]) {
        resetPending[e] = false; // next-step autoreset: the reset step belongs to no episode
        return;
      }
      open[e]!.push(cell.step);
      if (ends[e] === 0) return;
      const final = finalFrom === 'none' ? null : cell.final;
      completed.push({ env: e, steps: open[e]!, terminated: ends[e] === 1, truncated: ends[e] === 2, final });
      open[e] = [];
      const stored = () => completed.reduce((sum, ep) => sum + ep.steps.length, 0);
      while (stored() > capacity && completed.length > 1) completed.shift();
      resetPending[e] = autoresetMode === 'next-step';
    });
    checkEpisodes(m, r.buffer);
  }
  toString = (): string => `add × ${this.steps.length} (${JSON.stringify(this.steps)})`;
}

class Drain implements EpisodeCommand {
  check = (): boolean => true;
  run(m: EpisodeModel, r: EpisodeReal): void {
    const episodes = m.state.completed.map((ep) => expectedEpisode(ep, m.config.gamma));
    const batch = r.buffer.drain();
    const offsets = [0];
    for (const ep of episodes) offsets.push(offsets.at(-1)! + ep.length);
    const concat = (pick: (ep: Episode) => ArrayLike<number>) => episodes.flatMap((ep) => Array.from(pick(ep)));
    expect(batch.size).toBe(offsets.at(-1));
    expect(Array.from(batch.offsets)).toEqual(offsets);
    expect(Array.from(batch.observations)).toEqual(concat((ep) => ep.observations));
    expect(Array.from(batch.actions)).toEqual(concat((ep) => ep.actions));
    expect(Array.from(batch.rewards)).toEqual(concat((ep) => ep.rewards));
    expect(Array.from(batch.returns)).toEqual(concat((ep) => ep.returns));
    expect(Array.from(batch.extras.hidden!)).toEqual(concat((ep) => ep.extras.hidden!));
    m.state.completed = [];
    checkEpisodes(m, r.buffer);
  }
  toString = (): string => 'drain()';
}

class Clear implements EpisodeCommand {
  check = (): boolean => true;
  run(m: EpisodeModel, r: EpisodeReal): void {
    r.buffer.clear();
    m.state = { open: m.state.open.map(() => []), completed: [], resetPending: m.state.resetPending.map(() => false) };
    checkEpisodes(m, r.buffer);
  }
  toString = (): string => 'clear()';
}

const vectorCellsArb: fc.Arbitrary<VectorCells> = fc.record({
  cells: fc.array(cellArb, { minLength: MAX_ENVS, maxLength: MAX_ENVS }),
  finalFrom: fc.constantFrom<FinalFrom>('finalObservations', 'nextObservations', 'none'),
});

const episodeCommands = fc.commands<EpisodeModel, EpisodeReal>(
  [
    fc.array(vectorCellsArb, { minLength: 1, maxLength: 1 }).map((steps) => new AddSteps(steps)),
    fc.array(vectorCellsArb, { minLength: 1, maxLength: 1 }).map((steps) => new AddSteps(steps)),
    fc.array(vectorCellsArb, { minLength: 1, maxLength: 24 }).map((steps) => new AddSteps(steps)),
    fc.constant(new Drain()),
    fc.constant(new Clear()),
    ...stateSnapshotCommands<EpisodeModel, EpisodeReal, EpisodeState>({
      target: (r) => r.buffer,
      renew: (m, r) => (r.buffer = new EpisodeBuffer(m.config)),
      check: (m, r) => checkEpisodes(m, r.buffer),
    }),
  ],
  { maxCommands: 40 },
);

describe('EpisodeBuffer against a plain-array model', () => {
  it('matches per-env step lists under adds, eviction, drain, clear and snapshot/restore (fc.commands)', () => {
    const configArb = fc.record({
      numEnvs: fc.integer({ min: 1, max: MAX_ENVS }),
      gamma: fc.constantFrom(0, 0.5, 0.9, 1),
      capacity: fc.integer({ min: 1, max: 40 }),
      endRate: fc.constantFrom(0, 0.05, 0.4),
      autoresetMode: fc.constantFrom<AutoresetMode>('next-step', 'same-step', 'disabled'),
    });
    fc.assert(
      fc.property(configArb, episodeCommands, ({ endRate, ...shape }, cmds) => {
        const config = { ...base, ...shape };
        const setup = () => ({
          model: {
            config,
            endRate,
            state: { open: Array.from({ length: shape.numEnvs }, () => []), completed: [], resetPending: Array<boolean>(shape.numEnvs).fill(false) },
            saved: [],
          },
          real: { buffer: new EpisodeBuffer(config) },
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 300 },
    );
  });
});
