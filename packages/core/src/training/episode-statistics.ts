import * as v from 'valibot';
import type { AutoresetMode, VectorEnv } from '../env.js';
import { checkIntegerAtLeast, checkLength } from '../internal/validate.js';

/** One finished episode of one sub-env. */
export interface FinishedEpisode {
  /** Index of the sub-env. */
  env: number;
  /** Undiscounted sum of rewards. */
  return: number;
  /** Steps in the episode. */
  length: number;
  /** True when it ended by `terminated`, false when by `truncated` only. */
  terminated: boolean;
}

/** Options of {@link EpisodeStatistics}. */
export interface EpisodeStatisticsOptions {
  /** Finished episodes the recent means average over. Default 100 (Stable-Baselines3's). */
  window?: number;
  /**
   * How the vector env restarts sub-envs; must match it. Default `'next-step'` (Gymnasium's).
   * - `'next-step'`: the step right after a sub-env's episode ended is its reset step: it is
   *   counted in no episode (neither its reward, 0 by contract, nor a step of length) and its
   *   flags are ignored. The next episode starts with the step after.
   * - `'same-step'` and `'disabled'`: every step belongs to an episode; a step with
   *   `terminated || truncated` ends it and the next step starts a new one.
   */
  autoresetMode?: AutoresetMode;
  /** Finished episodes kept for {@link EpisodeStatistics.drainFinished}; older ones are dropped. Default 10 000. */
  maxUndrained?: number;
}

/** JSON form of {@link EpisodeStatistics} for checkpoints; non-finite returns are stored as null. */
export type EpisodeStatisticsJSON = {
  numEnvs: number;
  window: number;
  autoresetMode: AutoresetMode;
  maxUndrained: number;
  episodes: number;
  runningReturns: (number | null)[];
  runningLengths: number[];
  /** 1 where the sub-env's next step is a reset step (`next-step` mode). */
  resetPending: number[];
  /** Returns of the recent window, oldest first. */
  recentReturns: (number | null)[];
  recentLengths: number[];
  undrained: { env: number; return: number | null; length: number; terminated: boolean }[];
};

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const maybeNumber = v.nullable(v.number());
const jsonSchema = v.object({
  numEnvs: v.pipe(count, v.minValue(1)),
  window: v.pipe(count, v.minValue(1)),
  autoresetMode: v.picklist(['next-step', 'same-step', 'disabled'] as const),
  maxUndrained: count,
  episodes: count,
  runningReturns: v.array(maybeNumber),
  runningLengths: v.array(count),
  resetPending: v.array(v.picklist([0, 1] as const)),
  recentReturns: v.array(maybeNumber),
  recentLengths: v.array(count),
  undrained: v.array(v.object({ env: count, return: maybeNumber, length: count, terminated: v.boolean() })),
});

const toJsonNumber = (x: number): number | null => (Number.isFinite(x) ? x : null);
const fromJsonNumber = (x: number | null): number => (x === null ? Number.NaN : x);

/**
 * Per-sub-env running return and length of a vector env, fed once per step with the
 * step's rewards and flags; keeps the finished episodes' returns for recent means
 * (what SB3 prints as `ep_rew_mean`) and until drained.
 */
export class EpisodeStatistics {
  /** Number of sub-envs tracked. */
  readonly numEnvs: number;
  /** Size of the recent-episodes window. */
  readonly window: number;
  readonly autoresetMode: AutoresetMode;
  private readonly maxUndrained: number;
  private runningReturns: Float64Array;
  private runningLengths: Float64Array;
  private resetPending: Uint8Array;
  private recentReturns: Float64Array;
  private recentLengths: Float64Array;
  private finishedCount = 0;
  private undrained: FinishedEpisode[] = [];

  constructor(numEnvs: number, options: EpisodeStatisticsOptions = {}) {
    this.numEnvs = numEnvs;
    this.window = options.window ?? 100;
    checkIntegerAtLeast('EpisodeStatistics', 'numEnvs', this.numEnvs, 1);
    checkIntegerAtLeast('EpisodeStatistics', 'window', this.window, 1);
    this.autoresetMode = options.autoresetMode ?? 'next-step';
    if (!['next-step', 'same-step', 'disabled'].includes(this.autoresetMode)) {
      throw new RangeError(`EpisodeStatistics: unknown autoresetMode ${String(this.autoresetMode)}`);
    }
    this.maxUndrained = options.maxUndrained ?? 10_000;
    checkIntegerAtLeast('EpisodeStatistics', 'maxUndrained', this.maxUndrained, 0);
    this.runningReturns = new Float64Array(this.numEnvs);
    this.runningLengths = new Float64Array(this.numEnvs);
    this.resetPending = new Uint8Array(this.numEnvs);
    this.recentReturns = new Float64Array(this.window);
    this.recentLengths = new Float64Array(this.window);
  }

  /** Statistics for `env`, taking its `numEnvs` and `autoresetMode`. */
  static forVectorEnv(env: Pick<VectorEnv, 'numEnvs' | 'autoresetMode'>, options: Omit<EpisodeStatisticsOptions, 'autoresetMode'> = {}): EpisodeStatistics {
    return new EpisodeStatistics(env.numEnvs, { ...options, autoresetMode: env.autoresetMode });
  }

  /**
   * Feeds one vector step (arrays of length `numEnvs`, as `VectorEnv.step` returns them).
   * Returns how many episodes finished in it.
   */
  step(rewards: ArrayLike<number>, terminated: ArrayLike<number>, truncated: ArrayLike<number>): number {
    const n = this.numEnvs;
    if (rewards.length !== n || terminated.length !== n || truncated.length !== n) {
      throw new RangeError(
        `EpisodeStatistics.step: expected arrays of length ${n}, got rewards ${rewards.length}, terminated ${terminated.length}, truncated ${truncated.length}`,
      );
    }
    const nextStep = this.autoresetMode === 'next-step';
    let finished = 0;
    for (let i = 0; i < n; i++) {
      if (this.resetPending[i]) {
        // The reset step of next-step autoreset: no episode's reward, no episode's step.
        this.resetPending[i] = 0;
        continue;
      }
      this.runningReturns[i]! += rewards[i]!;
      this.runningLengths[i]! += 1;
      const term = terminated[i] !== 0;
      if (term || truncated[i] !== 0) {
        this.record({ env: i, return: this.runningReturns[i]!, length: this.runningLengths[i]!, terminated: term });
        this.runningReturns[i] = 0;
        this.runningLengths[i] = 0;
        if (nextStep) this.resetPending[i] = 1;
        finished++;
      }
    }
    return finished;
  }

  private record(episode: FinishedEpisode): void {
    const slot = this.finishedCount % this.window;
    this.recentReturns[slot] = episode.return;
    this.recentLengths[slot] = episode.length;
    this.finishedCount++;
    if (this.maxUndrained === 0) return;
    this.undrained.push(episode);
    if (this.undrained.length > this.maxUndrained) this.undrained.splice(0, this.undrained.length - this.maxUndrained);
  }

  /** Episodes finished so far. */
  get episodes(): number {
    return this.finishedCount;
  }

  private recentMean(values: Float64Array): number {
    const filled = Math.min(this.finishedCount, this.window);
    if (filled === 0) return Number.NaN;
    let sum = 0;
    for (let i = 0; i < filled; i++) sum += values[i]!;
    return sum / filled;
  }

  /** Mean return of the last `window` finished episodes; NaN before the first. */
  get recentMeanReturn(): number {
    return this.recentMean(this.recentReturns);
  }

  /** Mean length of the last `window` finished episodes; NaN before the first. */
  get recentMeanLength(): number {
    return this.recentMean(this.recentLengths);
  }

  /** The episodes finished since the last call (at most `maxUndrained`, oldest first). */
  drainFinished(): FinishedEpisode[] {
    const out = this.undrained;
    this.undrained = [];
    return out;
  }

  /**
   * Abandons the running episodes of the sub-envs where `mask` is non-zero (all when
   * omitted), without recording them. Call it when the vector env is reset by hand.
   */
  resetRunning(mask?: ArrayLike<number>): void {
    if (mask !== undefined) checkLength('EpisodeStatistics.resetRunning', 'mask', mask.length, this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && !mask[i]) continue;
      this.runningReturns[i] = 0;
      this.runningLengths[i] = 0;
      this.resetPending[i] = 0;
    }
  }

  /** Forgets everything: running episodes, the recent window, the count and undrained episodes. */
  reset(): void {
    this.resetRunning();
    this.recentReturns.fill(0);
    this.recentLengths.fill(0);
    this.finishedCount = 0;
    this.undrained = [];
  }

  /** Everything needed to continue exactly, as JSON (for a checkpoint's `extra`). */
  toJSON(): EpisodeStatisticsJSON {
    const filled = Math.min(this.finishedCount, this.window);
    const recentReturns: (number | null)[] = [];
    const recentLengths: number[] = [];
    for (let k = this.finishedCount - filled; k < this.finishedCount; k++) {
      recentReturns.push(toJsonNumber(this.recentReturns[k % this.window]!));
      recentLengths.push(this.recentLengths[k % this.window]!);
    }
    return {
      numEnvs: this.numEnvs,
      window: this.window,
      autoresetMode: this.autoresetMode,
      maxUndrained: this.maxUndrained,
      episodes: this.finishedCount,
      runningReturns: Array.from(this.runningReturns, toJsonNumber),
      runningLengths: Array.from(this.runningLengths),
      resetPending: Array.from(this.resetPending),
      recentReturns,
      recentLengths,
      undrained: this.undrained.map((e) => ({ ...e, return: toJsonNumber(e.return) })),
    };
  }

  /** Restores statistics saved with {@link EpisodeStatistics.toJSON}; throws a TypeError on malformed input. */
  static fromJSON(json: unknown): EpisodeStatistics {
    const result = v.safeParse(jsonSchema, json);
    if (!result.success) throw new TypeError(`EpisodeStatistics.fromJSON: ${v.summarize(result.issues)}`);
    const s = result.output;
    const perEnv = [s.runningReturns, s.runningLengths, s.resetPending];
    const filled = Math.min(s.episodes, s.window);
    if (perEnv.some((a) => a.length !== s.numEnvs) || s.recentReturns.length !== filled || s.recentLengths.length !== filled) {
      throw new TypeError('EpisodeStatistics.fromJSON: array lengths do not match numEnvs, window and episodes');
    }
    if (s.undrained.some((e) => e.env >= s.numEnvs)) throw new TypeError('EpisodeStatistics.fromJSON: undrained episode of an unknown env');
    const stats = new EpisodeStatistics(s.numEnvs, { window: s.window, autoresetMode: s.autoresetMode, maxUndrained: s.maxUndrained });
    stats.runningReturns.set(s.runningReturns.map(fromJsonNumber));
    stats.runningLengths.set(s.runningLengths);
    stats.resetPending.set(s.resetPending);
    for (let k = 0; k < filled; k++) {
      const slot = (s.episodes - filled + k) % s.window;
      stats.recentReturns[slot] = fromJsonNumber(s.recentReturns[k]!);
      stats.recentLengths[slot] = s.recentLengths[k]!;
    }
    stats.finishedCount = s.episodes;
    stats.undrained = s.undrained.map((e) => ({ ...e, return: fromJsonNumber(e.return) }));
    return stats;
  }
}
