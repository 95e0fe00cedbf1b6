import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AutoresetMode } from '@tfrl/core';
import { EpisodeBuffer, type EpisodeBufferConfig, type EpisodeStep } from './episode-buffer.js';

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
