import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, type ReplayBuffer, type Transition, type TransitionBatch } from '@tfrl/core';
import { describeReplayContract } from '@tfrl/testing';
import {
  MultiAgentReplayBuffer,
  type AgentLayout,
  type MultiAgentBatch,
  type MultiAgentReplayBufferConfig,
  type MultiAgentTransition,
} from './multi-agent-replay-buffer.js';

const agents: AgentLayout[] = [
  { name: 'speaker', observationSize: 2, actionSize: 1, actionDtype: 'int32' },
  { name: 'listener', observationSize: 3, actionSize: 2, actionDtype: 'float32' },
];
const config = (capacity: number): MultiAgentReplayBufferConfig => ({ capacity, agents, stateSize: 4 });

/** Joint transition number `id`: every agent's fields and the states are float32-exact functions of `id`. */
function joint(id: number, seed = 0): MultiAgentTransition {
  const v = id + seed / 4;
  return {
    observations: { speaker: [v, 1], listener: [v, 2, 3] },
    actions: { speaker: id % 3, listener: [v / 2, -v] },
    rewards: { speaker: v, listener: -v },
    nextObservations: { speaker: [v + 1, 1], listener: [v + 1, 2, 3] },
    terminated: { speaker: id % 4 === 0, listener: id % 5 === 0 },
    truncated: { speaker: id % 7 === 0, listener: false },
    state: [v, v, 0, 1],
    nextState: [v + 1, v, 0, 1],
  };
}

/** Row `r` of `batch` as a joint transition of plain arrays (to compare with the model). */
function rowOf(batch: MultiAgentBatch, r: number): MultiAgentTransition {
  const record = <T>(pick: (agent: AgentLayout) => T): Record<string, T> => Object.fromEntries(agents.map((a) => [a.name, pick(a)]));
  const slice = (xs: ArrayLike<number>, width: number) => Array.from(xs).slice(r * width, (r + 1) * width);
  return {
    observations: record((a) => slice(batch.agents[a.name]!.observations, a.observationSize)),
    actions: record((a) => (a.actionDtype === 'int32' && a.actionSize === 1 ? batch.agents[a.name]!.actions[r]! : slice(batch.agents[a.name]!.actions, a.actionSize))),
    rewards: record((a) => batch.agents[a.name]!.rewards[r]!),
    nextObservations: record((a) => slice(batch.agents[a.name]!.nextObservations, a.observationSize)),
    terminated: record((a) => batch.agents[a.name]!.terminated[r] === 1),
    truncated: record((a) => batch.agents[a.name]!.truncated[r] === 1),
    state: slice(batch.states, 4),
    nextState: slice(batch.nextStates, 4),
  };
}

/** `t` with every number rounded to float32, as the buffer stores it. */
function asStored(t: MultiAgentTransition): MultiAgentTransition {
  const f = (xs: ArrayLike<number>) => Array.from(xs, Math.fround);
  const map = <T, U>(record: Readonly<Record<string, T>>, fn: (x: T) => U) => Object.fromEntries(Object.entries(record).map(([k, x]) => [k, fn(x)]));
  return {
    observations: map(t.observations, f),
    actions: map(t.actions, (a) => (typeof a === 'number' ? a : f(a))),
    rewards: map(t.rewards, Math.fround),
    nextObservations: map(t.nextObservations, f),
    terminated: t.terminated,
    truncated: t.truncated,
    state: f(t.state!),
    nextState: f(t.nextState!),
  };
}

/** Plain-array model: every transition ever added; slot i holds the newest one whose add count ≡ i (mod capacity). */
interface Model {
  capacity: number;
  added: MultiAgentTransition[];
}
interface Real {
  buffer: MultiAgentReplayBuffer;
}
const modelSize = (m: Model) => Math.min(m.added.length, m.capacity);
const modelSlot = (m: Model, slot: number) => {
  const n = m.added.length;
  const newestAtSlot = n - 1 - ((n - 1 - slot) % m.capacity + m.capacity) % m.capacity;
  return m.added[newestAtSlot]!;
};

class AddCommand implements fc.Command<Model, Real> {
  constructor(readonly id: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    r.buffer.add(joint(this.id, 1));
    m.added.push(asStored(joint(this.id, 1)));
    expect(r.buffer.size).toBe(modelSize(m));
  }
  toString = () => `add(${this.id})`;
}

class SampleCommand implements fc.Command<Model, Real> {
  constructor(readonly batchSize: number, readonly seed: number) {}
  check = (m: Readonly<Model>) => m.added.length > 0;
  run(m: Model, r: Real): void {
    const batch = r.buffer.sample(this.batchSize, Rng.fromSeed(this.seed));
    expect(batch.size).toBe(this.batchSize);
    for (let row = 0; row < batch.size; row++) {
      const slot = batch.indices[row]!;
      expect(slot).toBeLessThan(modelSize(m));
      expect(rowOf(batch, row)).toEqual(modelSlot(m, slot));
    }
  }
  toString = () => `sample(${this.batchSize}, seed ${this.seed})`;
}

class ClearCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    r.buffer.clear();
    m.added = [];
    expect(r.buffer.size).toBe(0);
    expect(() => r.buffer.sample(1, Rng.fromSeed(0))).toThrow(/empty/);
  }
  toString = () => 'clear()';
}

class SnapshotRestoreCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    const restored = new MultiAgentReplayBuffer(config(m.capacity));
    restored.restore(r.buffer.snapshot());
    r.buffer = restored; // from here on the model is checked against the restored copy
    expect(restored.size).toBe(modelSize(m));
  }
  toString = () => 'buffer = restore(snapshot())';
}

describe('MultiAgentReplayBuffer', () => {
  it('behaves like a plain-array model under adds, samples, clears and snapshot/restore (fc.commands)', () => {
    const commands = [
      fc.integer({ min: 0, max: 1000 }).map((id) => new AddCommand(id)),
      fc.integer({ min: 0, max: 1000 }).map((id) => new AddCommand(id)),
      fc.record({ batchSize: fc.integer({ min: 1, max: 12 }), seed: fc.integer() }).map(({ batchSize, seed }) => new SampleCommand(batchSize, seed)),
      fc.constant(new ClearCommand()),
      fc.constant(new SnapshotRestoreCommand()),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.commands(commands, { maxCommands: 60 }), (capacity, cmds) => {
        fc.modelRun(() => ({ model: { capacity, added: [] }, real: { buffer: new MultiAgentReplayBuffer(config(capacity)) } }), cmds);
      }),
      { numRuns: 200 },
    );
  });

  it('samples jointly: row r of every agent and both states comes from the same transition', () => {
    const buffer = new MultiAgentReplayBuffer(config(50));
    for (let id = 0; id < 80; id++) buffer.add(joint(id));
    const batch = buffer.sample(256, Rng.fromSeed(4));
    for (let r = 0; r < batch.size; r++) {
      const id = batch.states[4 * r]!;
      expect(id).toBeGreaterThanOrEqual(30); // the 30 oldest were evicted
      expect(batch.nextStates[4 * r]).toBe(id + 1);
      expect(batch.agents.speaker!.observations[2 * r]).toBe(id);
      expect(batch.agents.listener!.observations[3 * r]).toBe(id);
      expect(batch.agents.speaker!.actions[r]).toBe(id % 3);
      expect(batch.agents.listener!.rewards[r]).toBe(-id);
      expect(batch.agents.listener!.terminated[r]).toBe(id % 5 === 0 ? 1 : 0);
    }
    expect(batch.agents.speaker!.actions).toBeInstanceOf(Int32Array);
    expect(batch.agents.listener!.actions).toBeInstanceOf(Float32Array);
    // Same seed, same batch.
    expect(buffer.sample(32, Rng.fromSeed(5))).toEqual(buffer.sample(32, Rng.fromSeed(5)));
  });

  it('works without a global state (stateSize 0)', () => {
    const buffer = new MultiAgentReplayBuffer({ capacity: 4, agents, stateSize: 0 });
    const { state: _state, nextState: _nextState, ...withoutState } = joint(3);
    buffer.add(withoutState);
    const batch = buffer.sample(2, Rng.fromSeed(0));
    expect(batch.states.length).toBe(0);
    expect(Array.from(batch.agents.speaker!.observations)).toEqual([3, 1, 3, 1]);
  });

  it('validates its config and every transition, leaving the buffer unchanged on a bad add', () => {
    expect(() => new MultiAgentReplayBuffer({ ...config(0) })).toThrow(/capacity must be an integer/);
    expect(() => new MultiAgentReplayBuffer({ capacity: 4, agents: [], stateSize: 1 })).toThrow(/at least one agent/);
    expect(() => new MultiAgentReplayBuffer({ capacity: 4, agents: [agents[0]!, agents[0]!], stateSize: 1 })).toThrow(/listed twice/);
    expect(() => new MultiAgentReplayBuffer({ capacity: 4, agents: [{ ...agents[0]!, actionSize: 0 }], stateSize: 1 })).toThrow(
      'MultiAgentReplayBuffer: agents[speaker].actionSize must be an integer >= 1, got 0',
    );
    const buffer = new MultiAgentReplayBuffer(config(2));
    buffer.add(joint(1));
    buffer.add(joint(2));
    const good = joint(3);
    expect(() => buffer.add({ ...good, rewards: { speaker: 1 } })).toThrow('MultiAgentReplayBuffer.add: rewards lacks agent listener');
    expect(() => buffer.add({ ...good, actions: { ...good.actions, speaker: 1.5 } })).toThrow(/actions.speaker holds 1.5, not an int32/);
    expect(() => buffer.add({ ...good, observations: { ...good.observations, listener: [1] } })).toThrow(/observations.listener has length 1, expected 3/);
    expect(() => buffer.add({ ...good, nextState: [1] })).toThrow(/nextState has length 1, expected stateSize = 4/);
    // The failed adds evicted nothing: transitions 1 and 2 are still there.
    const ids = new Set(Array.from(buffer.sample(64, Rng.fromSeed(1)).states.filter((_, i) => i % 4 === 0)));
    expect([...ids].sort()).toEqual([1, 2]);
    expect(() => buffer.gather([2])).toThrow(/slot 2 is not in 0..1/);
    expect(() => buffer.sample(0, Rng.fromSeed(1))).toThrow(/batchSize must be an integer >= 1/);
  });

  it('refuses a snapshot of another spec and corrupted bytes', () => {
    const buffer = new MultiAgentReplayBuffer(config(4));
    buffer.add(joint(1));
    const bytes = buffer.snapshot();
    expect(() => new MultiAgentReplayBuffer(config(5)).restore(bytes)).toThrow(/another spec/);
    expect(() => new MultiAgentReplayBuffer({ ...config(4), agents: [agents[1]!, agents[0]!] }).restore(bytes)).toThrow(/another spec/);
    expect(() => new MultiAgentReplayBuffer({ ...config(4), stateSize: 3 }).restore(bytes)).toThrow(/another spec/);
    const corrupted = bytes.slice();
    corrupted[corrupted.length - 20]! ^= 0xff;
    const target = new MultiAgentReplayBuffer(config(4));
    expect(() => target.restore(corrupted)).toThrow(/corrupted/);
    expect(target.size).toBe(0);
  });
});

/**
 * The single-agent contract applies to a one-agent buffer seen through the ReplayBuffer interface
 * (state = observation): it checks the ring, eviction order, sampling, determinism and snapshots
 * of the joint storage. The multi-agent buffer itself takes joint transitions and returns
 * per-agent batches, so it cannot implement ReplayBuffer directly.
 */
function singleAgentView(kind: 'discrete' | 'continuous', actionSize: number) {
  return (capacity: number): ReplayBuffer => {
    const buffer = new MultiAgentReplayBuffer({
      capacity,
      agents: [{ name: 'solo', observationSize: 3, actionSize, actionDtype: kind === 'discrete' ? 'int32' : 'float32' }],
      stateSize: 3,
    });
    return {
      capacity,
      get size() {
        return buffer.size;
      },
      add: (t: Transition) =>
        buffer.add({
          observations: { solo: t.observation },
          actions: { solo: t.action },
          rewards: { solo: t.reward },
          nextObservations: { solo: t.nextObservation },
          terminated: { solo: t.terminated },
          truncated: { solo: t.truncated },
          state: t.observation,
          nextState: t.nextObservation,
        }),
      sample: (batchSize: number, rng: Rng): TransitionBatch => {
        const batch = buffer.sample(batchSize, rng);
        return { size: batch.size, indices: batch.indices, ...batch.agents.solo! };
      },
      clear: () => buffer.clear(),
      snapshot: () => buffer.snapshot(),
      restore: (bytes: Uint8Array) => buffer.restore(bytes),
    };
  };
}

describeReplayContract('MultiAgentReplayBuffer (one agent, discrete)', singleAgentView('discrete', 1), {
  observationSize: 3,
  actionKind: 'discrete',
  actionSize: 1,
  numActions: 3,
});
describeReplayContract('MultiAgentReplayBuffer (one agent, continuous)', singleAgentView('continuous', 2), {
  observationSize: 3,
  actionKind: 'continuous',
  actionSize: 2,
});
