import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tfrl/core';
import { EpisodeBuffer } from './episode-buffer.js';
import { SequenceSampler, type SequenceBatch } from './sequence-sampler.js';

/**
 * One env, same-step autoreset. Step s of an episode with base B has observation B + s, action s,
 * reward B + s, hidden state [s, B] (held before acting), final observation B + T.
 */
function episodes(list: { base: number; length: number; end: 'terminated' | 'truncated' }[]): EpisodeBuffer {
  const buffer = new EpisodeBuffer({
    numEnvs: 1,
    observationSize: 1,
    actionSize: 1,
    actionDtype: 'int32',
    gamma: 1,
    capacity: 1000,
    autoresetMode: 'same-step',
    extras: { hidden: { shape: [2], dtype: 'float32' } },
  });
  for (const { base, length, end } of list) {
    for (let s = 0; s < length; s++) {
      const last = s === length - 1;
      buffer.add({
        observations: [base + s],
        actions: Int32Array.of(s),
        rewards: [base + s],
        terminated: [last && end === 'terminated' ? 1 : 0],
        truncated: [last && end === 'truncated' ? 1 : 0],
        finalObservations: [base + length],
        extras: { hidden: [s, base] },
      });
    }
  }
  return buffer;
}

/** Row b of a batch, position by position. */
const row = (batch: SequenceBatch, b: number) => {
  const L = batch.sequenceLength;
  const part = (xs: ArrayLike<number>) => Array.from(xs).slice(b * L, (b + 1) * L);
  return {
    start: batch.starts[b],
    observations: part(batch.observations),
    nextObservations: part(batch.nextObservations),
    rewards: part(batch.rewards),
    terminated: part(batch.terminated),
    truncated: part(batch.truncated),
    mask: part(batch.mask),
    lossMask: part(batch.lossMask),
    initialState: Array.from(batch.initialStates!.subarray(2 * b, 2 * b + 2)),
  };
};

describe('SequenceSampler', () => {
  // Episode 0: base 10, 3 steps, terminated (final observation 13).
  // Episode 1: base 20, 5 steps, truncated (final observation 25).
  const buffer = episodes([
    { base: 10, length: 3, end: 'terminated' },
    { base: 20, length: 5, end: 'truncated' },
  ]);
  const sampler = new SequenceSampler({ source: buffer, length: 3, burnIn: 2, stateField: 'hidden' });

  it('pads windows crossing an episode’s start or end and masks the burn-in out of the loss', () => {
    // L = 2 + 3. Windows by (episode, first loss step):
    //   (0, 1): steps −1..3 → −1 before the start, 3 past the end: mask 0 1 1 1 0; loss 0 0 1 1 0;
    //           the last real step (2) is terminated, its next observation the final one (13);
    //           the state is the one before step 0 (the first real step).
    //   (1, 4): steps 2..6 → 5, 6 past the end: mask 1 1 1 0 0; loss 0 0 1 0 0; step 4 truncated
    //           with next observation 25; the state is the one before step 2.
    //   (1, 2): steps 0..4, all real: mask 1 1 1 1 1; loss 0 0 1 1 1.
    const batch = sampler.gather([0, 1, 1], [1, 4, 2]);
    expect([batch.size, batch.sequenceLength, batch.burnIn]).toEqual([3, 5, 2]);
    expect(row(batch, 0)).toEqual({
      start: -1,
      observations: [0, 10, 11, 12, 0],
      nextObservations: [0, 11, 12, 13, 0],
      rewards: [0, 10, 11, 12, 0],
      terminated: [0, 0, 0, 1, 0],
      truncated: [0, 0, 0, 0, 0],
      mask: [0, 1, 1, 1, 0],
      lossMask: [0, 0, 1, 1, 0],
      initialState: [0, 10],
    });
    expect(row(batch, 1)).toEqual({
      start: 2,
      observations: [22, 23, 24, 0, 0],
      nextObservations: [23, 24, 25, 0, 0],
      rewards: [22, 23, 24, 0, 0],
      terminated: [0, 0, 0, 0, 0],
      truncated: [0, 0, 1, 0, 0],
      mask: [1, 1, 1, 0, 0],
      lossMask: [0, 0, 1, 0, 0],
      initialState: [2, 20],
    });
    expect(row(batch, 2)).toMatchObject({ start: 0, mask: [1, 1, 1, 1, 1], lossMask: [0, 0, 1, 1, 1], initialState: [0, 20] });
    expect(Array.from(batch.actions.subarray(0, 5))).toEqual([0, 0, 1, 2, 0]);
    expect(batch.actions).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.extras.hidden!.subarray(0, 10))).toEqual([0, 0, 0, 10, 1, 10, 2, 10, 0, 0]);
  });

  it('without burn-in the loss covers every real step', () => {
    const plain = new SequenceSampler({ source: buffer, length: 4 });
    const batch = plain.gather([1], [3]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 0, 0]);
    expect(Array.from(batch.lossMask)).toEqual([1, 1, 0, 0]);
    expect(batch.initialStates).toBeUndefined();
  });

  it('sample draws windows whose every real position is the episode’s step', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ length: fc.integer({ min: 1, max: 6 }), end: fc.constantFrom<'terminated' | 'truncated'>('terminated', 'truncated') }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        (list, length, burnIn, seed) => {
          const source = episodes(list.map((ep, i) => ({ ...ep, base: 100 * (i + 1) })));
          const batch = new SequenceSampler({ source, length, burnIn, stateField: 'hidden' }).sample(16, Rng.fromSeed(seed));
          const L = length + burnIn;
          for (let b = 0; b < batch.size; b++) {
            const episode = list[batch.episodeIndices[b]!]!;
            const base = 100 * (batch.episodeIndices[b]! + 1);
            const firstLoss = batch.starts[b]! + burnIn;
            expect(firstLoss >= 0 && firstLoss < episode.length).toBe(true);
            for (let p = 0; p < L; p++) {
              const s = batch.starts[b]! + p;
              const real = s >= 0 && s < episode.length;
              expect(batch.mask[b * L + p]).toBe(real ? 1 : 0);
              expect(batch.lossMask[b * L + p]).toBe(real && p >= burnIn ? 1 : 0);
              expect(batch.observations[b * L + p]).toBe(real ? base + s : 0);
            }
            expect(Array.from(batch.initialStates!.subarray(2 * b, 2 * b + 2))).toEqual([Math.max(batch.starts[b]!, 0), base]);
          }
        },
      ),
    );
  });

  it('is deterministic for a seed and errors clearly', () => {
    expect(sampler.sample(8, Rng.fromSeed(3))).toEqual(sampler.sample(8, Rng.fromSeed(3)));
    expect(() => new SequenceSampler({ source: buffer, length: 0 })).toThrow('SequenceSampler: length must be an integer >= 1, got 0');
    expect(() => new SequenceSampler({ source: buffer, length: 2, burnIn: -1 })).toThrow(/burnIn must be an integer >= 0/);
    expect(() => new SequenceSampler({ source: buffer, length: 2, stateField: 'reward' })).toThrow(/not an extra field/);
    expect(() => sampler.gather([1], [5])).toThrow('SequenceSampler.gather: no step 5 in episode 1 of 2');
    expect(() => sampler.gather([2], [0])).toThrow(/no step 0 in episode 2/);
    const empty = new SequenceSampler({ source: episodes([]), length: 2 });
    expect(() => empty.sample(4, Rng.fromSeed(0))).toThrow('SequenceSampler.sample: the source holds no completed episode');
  });
});
