import { Rng } from '@tfrl/core';
import { RolloutBuffer } from '@tfrl/replay';
import { describe, expect, it } from 'vitest';
import { advanceEpisodeFlags, resetEpisodeFlags, rolloutSequences, sequenceLayout, sequenceMinibatches } from './sequences.js';

describe('rolloutSequences', () => {
  it('cuts each env column into chunks, the last one shorter', () => {
    expect(rolloutSequences(5, 2, 2)).toEqual([
      { env: 0, start: 0, length: 2 },
      { env: 0, start: 2, length: 2 },
      { env: 0, start: 4, length: 1 },
      { env: 1, start: 0, length: 2 },
      { env: 1, start: 2, length: 2 },
      { env: 1, start: 4, length: 1 },
    ]);
  });

  it('takes whole columns with sequenceLength null (or longer than the rollout)', () => {
    expect(rolloutSequences(4, 2, null)).toEqual([
      { env: 0, start: 0, length: 4 },
      { env: 1, start: 0, length: 4 },
    ]);
    expect(rolloutSequences(4, 1, 9)).toEqual([{ env: 0, start: 0, length: 4 }]);
  });

  it('rejects sizes below 1', () => {
    expect(() => rolloutSequences(0, 2, 2)).toThrow(RangeError);
    expect(() => rolloutSequences(4, 2, 0)).toThrow(/sequenceLength/);
  });
});

describe('sequenceLayout', () => {
  it('lays sequences out time-major with padding, first rows and the loss mask (hand-computed)', () => {
    // Rollout of 3 steps × 2 envs: row = t·2 + e. Row 2 (t=1, env 0) is a next-step reset row.
    const valid = Uint8Array.from([1, 1, 0, 1, 1, 1]);
    const spans = [
      { env: 1, start: 1, length: 2 }, // rows 3, 5
      { env: 0, start: 0, length: 3 }, // rows 0, 2, 4
    ];
    const layout = sequenceLayout(spans, 2, valid);
    expect(layout.time).toBe(3);
    expect(layout.batch).toBe(2);
    // positions τ·2 + b: (τ0: 3, 0) (τ1: 5, 2) (τ2: pad, 4)
    expect(Array.from(layout.rows)).toEqual([3, 0, 5, 2, -1, 4]);
    expect(Array.from(layout.firstRows)).toEqual([3, 0]);
    expect(Array.from(layout.mask)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(Array.from(layout.lossPositions)).toEqual([0, 1, 2, 5]);
    expect(Array.from(layout.lossRows)).toEqual([3, 0, 5, 4]);
  });

  it('rejects an empty batch and sequences past the rollout', () => {
    expect(() => sequenceLayout([], 2, new Uint8Array(4))).toThrow(RangeError);
    expect(() => sequenceLayout([{ env: 0, start: 1, length: 2 }], 2, new Uint8Array(4))).toThrow(/reaches row 4/);
  });
});

describe('sequenceMinibatches', () => {
  it('splits a shuffled order of all sequences into near-equal groups, reproducibly', () => {
    const groups = sequenceMinibatches(10, 4, Rng.fromSeed(3));
    expect(groups.map((g) => g.length)).toEqual([3, 3, 2, 2]);
    expect(groups.flatMap((g) => Array.from(g)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sequenceMinibatches(10, 4, Rng.fromSeed(3))).toEqual(groups);
    const order = Rng.fromSeed(3).shuffle(Int32Array.from({ length: 10 }, (_, i) => i));
    expect(Array.from(groups[0]!)).toEqual(Array.from(order.slice(0, 3)));
  });

  it('makes at most one group per sequence', () => {
    expect(sequenceMinibatches(3, 8, Rng.fromSeed(0)).map((g) => g.length)).toEqual([1, 1, 1]);
  });
});

describe('episode flags', () => {
  it('next-step autoreset: the reset step carries the state on, the observation after it starts the episode', () => {
    const flags = resetEpisodeFlags(2);
    expect(Array.from(flags.starts)).toEqual([1, 1]);
    const steps: [number[], number[], number[], number[]][] = [
      // terminated, truncated → expected starts, pending
      [[0, 0], [0, 0], [0, 0], [0, 0]],
      [[1, 0], [0, 1], [0, 0], [1, 1]], // env 0 terminates, env 1 is truncated
      [[0, 0], [0, 0], [1, 1], [0, 0]], // the reset steps
      [[0, 0], [0, 0], [0, 0], [0, 0]],
    ];
    for (const [terminated, truncated, starts, pending] of steps) {
      advanceEpisodeFlags(flags, 'next-step', terminated, truncated);
      expect([Array.from(flags.starts), Array.from(flags.pending)]).toEqual([starts, pending]);
    }
  });

  it('same-step autoreset: the observation after an ended episode starts the next', () => {
    const flags = resetEpisodeFlags(2);
    advanceEpisodeFlags(flags, 'same-step', [0, 1], [0, 0]);
    expect(Array.from(flags.starts)).toEqual([0, 1]);
    advanceEpisodeFlags(flags, 'same-step', [0, 0], [1, 0]);
    expect(Array.from(flags.starts)).toEqual([1, 0]);
    expect(Array.from(flags.pending)).toEqual([0, 0]);
  });

  it('next-step: the rows a RolloutBuffer marks invalid are exactly the pending (reset) steps', () => {
    const rng = Rng.fromSeed(7);
    const numEnvs = 3;
    const steps = 40;
    const buffer = new RolloutBuffer({ steps, numEnvs, observationSize: 1, actionSize: 1, actionDtype: 'int32', gamma: 0.9, gaeLambda: 0.9, autoresetMode: 'next-step' });
    const flags = resetEpisodeFlags(numEnvs);
    const pendingBefore: number[] = [];
    let wasPending = new Uint8Array(numEnvs);
    for (let t = 0; t < steps; t++) {
      // A reset step never ends an episode (both flags are 0 there).
      const terminated = Uint8Array.from({ length: numEnvs }, (_, e) => (wasPending[e] === 1 ? 0 : rng.uniform() < 0.15 ? 1 : 0));
      const truncated = Uint8Array.from({ length: numEnvs }, (_, e) => (wasPending[e] === 1 || terminated[e] === 1 ? 0 : rng.uniform() < 0.05 ? 1 : 0));
      pendingBefore.push(...flags.pending);
      const zeros = new Float32Array(numEnvs);
      buffer.add({ observations: zeros, actions: new Int32Array(numEnvs), rewards: zeros, terminated, truncated, values: zeros, logProbs: zeros });
      advanceEpisodeFlags(flags, 'next-step', terminated, truncated);
      wasPending = Uint8Array.from(flags.pending);
    }
    expect(pendingBefore.some((p) => p === 1)).toBe(true);
    expect(Array.from(buffer.valid)).toEqual(pendingBefore.map((p) => 1 - p));
  });
});
