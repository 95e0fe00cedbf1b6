import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpisodeStatistics, type EpisodeStatisticsOptions } from './episode-statistics.js';

type Row = [rewards: number[], terminated: number[], truncated: number[]];

function feed(stats: EpisodeStatistics, rows: readonly Row[]): number[] {
  return rows.map(([r, term, trunc]) => stats.step(Float64Array.from(r), Uint8Array.from(term), Uint8Array.from(trunc)));
}

// Two sub-envs. Sub-env 0 terminates at step 2; sub-env 1 is truncated at step 3; sub-env 0
// terminates again at step 4.
const rows: Row[] = [
  [[1, 2], [0, 0], [0, 0]],
  [[1, 2], [1, 0], [0, 0]],
  [[0, 2], [0, 0], [0, 1]],
  [[5, 0], [1, 0], [0, 0]],
];

describe('EpisodeStatistics', () => {
  it('next-step autoreset: the step after an end is the reset step and belongs to no episode', () => {
    const stats = new EpisodeStatistics(2, { window: 3, autoresetMode: 'next-step' });
    expect(stats.recentMeanReturn).toBeNaN();
    expect(stats.recentMeanLength).toBeNaN();
    expect(feed(stats, rows)).toEqual([0, 1, 1, 1]);
    expect(stats.drainFinished()).toEqual([
      { env: 0, return: 2, length: 2, terminated: true },
      { env: 1, return: 6, length: 3, terminated: false },
      // step 3 was sub-env 0's reset step, so its next episode is step 4 alone
      { env: 0, return: 5, length: 1, terminated: true },
    ]);
    expect(stats.episodes).toBe(3);
    expect(stats.recentMeanReturn).toBeCloseTo(13 / 3, 12);
    expect(stats.recentMeanLength).toBe(2);
    expect(stats.drainFinished()).toEqual([]);
  });

  it('is next-step by default, like Gymnasium', () => {
    const stats = new EpisodeStatistics(2);
    feed(stats, rows);
    expect(stats.drainFinished().map((e) => e.length)).toEqual([2, 3, 1]);
    expect(stats.autoresetMode).toBe('next-step');
    expect(stats.window).toBe(100);
  });

  it('same-step autoreset: every step belongs to an episode', () => {
    for (const autoresetMode of ['same-step', 'disabled'] as const) {
      const stats = new EpisodeStatistics(2, { autoresetMode });
      feed(stats, rows);
      expect(stats.drainFinished()).toEqual([
        { env: 0, return: 2, length: 2, terminated: true },
        { env: 1, return: 6, length: 3, terminated: false },
        { env: 0, return: 5, length: 2, terminated: true },
      ]);
    }
  });

  it('ignores the flags of a next-step reset step', () => {
    const stats = new EpisodeStatistics(1);
    feed(stats, [
      [[3], [1], [0]],
      [[7], [1], [1]], // reset step: reward and flags ignored
      [[1], [0], [0]],
      [[1], [0], [1]],
    ]);
    expect(stats.drainFinished()).toEqual([
      { env: 0, return: 3, length: 1, terminated: true },
      { env: 0, return: 2, length: 2, terminated: false },
    ]);
  });

  it('averages over the last `window` episodes only', () => {
    const stats = new EpisodeStatistics(1, { window: 2, autoresetMode: 'same-step' });
    feed(stats, [
      [[10], [1], [0]],
      [[1], [0], [0]],
      [[2], [1], [0]],
      [[4], [0], [1]],
    ]);
    expect(stats.episodes).toBe(3);
    expect(stats.recentMeanReturn).toBe(3.5); // (3 + 4) / 2
    expect(stats.recentMeanLength).toBe(1.5);
  });

  it('keeps at most maxUndrained finished episodes, dropping the oldest', () => {
    const ends: Row[] = [1, 2, 3].map((r) => [[r], [1], [0]]);
    const stats = new EpisodeStatistics(1, { autoresetMode: 'same-step', maxUndrained: 2 });
    feed(stats, ends);
    expect(stats.drainFinished().map((e) => e.return)).toEqual([2, 3]);
    const none = new EpisodeStatistics(1, { autoresetMode: 'same-step', maxUndrained: 0 });
    feed(none, ends);
    expect(none.drainFinished()).toEqual([]);
    expect(none.recentMeanReturn).toBe(2);
  });

  it('resetRunning abandons running episodes; reset forgets everything', () => {
    const stats = new EpisodeStatistics(2);
    feed(stats, rows.slice(0, 2)); // sub-env 0 ended (reset pending), sub-env 1 is running with 4
    stats.resetRunning(Uint8Array.from([0, 1]));
    feed(stats, [[[1, 1], [0, 1], [0, 0]]]); // sub-env 0: reset step; sub-env 1: fresh 1-step episode
    expect(stats.drainFinished()).toEqual([
      { env: 0, return: 2, length: 2, terminated: true },
      { env: 1, return: 1, length: 1, terminated: true },
    ]);
    stats.resetRunning(); // also clears sub-env 1's pending reset step
    feed(stats, [[[2, 3], [1, 1], [0, 0]]]);
    expect(stats.drainFinished().map((e) => e.return)).toEqual([2, 3]);
    stats.reset();
    expect(stats.episodes).toBe(0);
    expect(stats.recentMeanReturn).toBeNaN();
    expect(stats.drainFinished()).toEqual([]);
    feed(stats, [[[4, 4], [1, 0], [0, 0]]]);
    expect(stats.recentMeanReturn).toBe(4);
  });

  it('forVectorEnv takes numEnvs and autoresetMode', () => {
    const stats = EpisodeStatistics.forVectorEnv({ numEnvs: 3, autoresetMode: 'same-step' }, { window: 5 });
    expect([stats.numEnvs, stats.autoresetMode, stats.window]).toEqual([3, 'same-step', 5]);
  });

  it('validates its inputs', () => {
    expect(() => new EpisodeStatistics(0)).toThrow('numEnvs must be an integer >= 1, got 0');
    expect(() => new EpisodeStatistics(2, { window: 1.5 })).toThrow('window must be an integer >= 1');
    expect(() => new EpisodeStatistics(2, { maxUndrained: -1 })).toThrow('maxUndrained must be an integer >= 0');
    const bad = { autoresetMode: 'sometimes' } as unknown as EpisodeStatisticsOptions;
    expect(() => new EpisodeStatistics(2, bad)).toThrow('unknown autoresetMode sometimes');
    const stats = new EpisodeStatistics(2);
    expect(() => stats.step(new Float64Array(2), new Uint8Array(3), new Uint8Array(2))).toThrow(
      'expected arrays of length 2, got rewards 2, terminated 3, truncated 2',
    );
    expect(() => stats.resetRunning(new Uint8Array(1))).toThrow('mask has length 1, expected 2');
  });

  it('continues exactly after a JSON round trip, also with non-finite returns', () => {
    const stats = new EpisodeStatistics(2, { window: 2 });
    feed(stats, rows.slice(0, 3));
    feed(stats, [[[Number.NaN, 1], [0, 0], [0, 0]]]);
    const restored = EpisodeStatistics.fromJSON(JSON.parse(JSON.stringify(stats.toJSON())));
    expect(restored.toJSON()).toEqual(stats.toJSON());
    const more: Row[] = [
      [[1, 1], [1, 0], [0, 0]],
      [[0, 1], [0, 1], [0, 0]],
    ];
    feed(stats, more);
    feed(restored, more);
    const a = stats.drainFinished();
    expect(restored.drainFinished()).toEqual(a);
    expect(a.at(-2)!.return).toBeNaN();
    expect(restored.recentMeanLength).toBe(stats.recentMeanLength);
  });

  it('fromJSON rejects malformed input', () => {
    const good = new EpisodeStatistics(2).toJSON();
    expect(() => EpisodeStatistics.fromJSON({ ...good, numEnvs: 0 })).toThrow(TypeError);
    expect(() => EpisodeStatistics.fromJSON({ ...good, runningReturns: [0] })).toThrow('array lengths do not match');
    expect(() => EpisodeStatistics.fromJSON({ ...good, episodes: 1 })).toThrow('array lengths do not match');
    expect(() =>
      EpisodeStatistics.fromJSON({ ...good, undrained: [{ env: 5, return: 1, length: 1, terminated: true }] }),
    ).toThrow('unknown env');
    expect(() => EpisodeStatistics.fromJSON('nope')).toThrow('EpisodeStatistics.fromJSON:');
  });

  it('conserves reward and steps: finished + running = fed (same-step)', () => {
    const numEnvs = 3;
    const row = fc.tuple(
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: numEnvs, maxLength: numEnvs }),
      fc.array(fc.integer({ min: 0, max: 1 }), { minLength: numEnvs, maxLength: numEnvs }),
      fc.array(fc.integer({ min: 0, max: 1 }), { minLength: numEnvs, maxLength: numEnvs }),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.nat(40), (sequence, cut) => {
        const stats = new EpisodeStatistics(numEnvs, { autoresetMode: 'same-step', window: 4 });
        feed(stats, sequence.slice(0, cut));
        // Checkpoint half-way; the restored copy must carry on identically.
        const resumed = EpisodeStatistics.fromJSON(JSON.parse(JSON.stringify(stats.toJSON())));
        feed(resumed, sequence.slice(cut));
        const finished = resumed.drainFinished();
        const json = resumed.toJSON();
        const fedReward = sequence.flat(1).filter((_, i) => i % 3 === 0).flat().reduce((a, b) => a + b, 0);
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(sum(finished.map((e) => e.return)) + sum(json.runningReturns as number[])).toBe(fedReward);
        expect(sum(finished.map((e) => e.length)) + sum(json.runningLengths)).toBe(sequence.length * numEnvs);
        const ends = sequence.flatMap(([, term, trunc]) => term.map((t, i) => t | trunc[i]!)).filter((x) => x === 1).length;
        expect(resumed.episodes).toBe(ends);
      }),
    );
  });
});
