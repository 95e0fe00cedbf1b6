import type { Env, ResetOptions, ResetResult, StepResult } from '@tfrl/core';
import { Wrapper } from './wrapper.js';

/** What {@link RecordEpisodeStatistics} puts in `info.episode` when an episode ends. */
export interface EpisodeStatistics {
  /** Undiscounted sum of the episode's rewards. */
  return: number;
  /** Steps in the episode. */
  length: number;
}

/** Options of {@link RecordEpisodeStatistics}. */
export interface RecordEpisodeStatisticsOptions {
  /** How many finished episodes `returnQueue` and `lengthQueue` keep (default 100). */
  bufferLength?: number;
}

/**
 * Gymnasium's `RecordEpisodeStatistics`: on the step that ends an episode (terminated or
 * truncated) the returned info gets `episode: { return, length }`, and the two numbers join
 * `returnQueue` / `lengthQueue`, which keep the last `bufferLength` episodes. Unlike Gymnasium
 * there is no wall-clock time `t`: the info stays a pure function of the seed and the actions.
 */
export class RecordEpisodeStatistics<O = unknown, A = unknown> extends Wrapper<O, A> {
  readonly bufferLength: number;
  private readonly returns: number[] = [];
  private readonly lengths: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;
  private finished = 0;

  constructor(env: Env<O, A>, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    const { bufferLength = 100 } = options;
    if (!Number.isInteger(bufferLength) || bufferLength < 1) {
      throw new RangeError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${bufferLength}`);
    }
    this.bufferLength = bufferLength;
  }

  /** Returns of the last `bufferLength` finished episodes, oldest first (a copy). */
  get returnQueue(): number[] {
    return [...this.returns];
  }

  /** Lengths of the last `bufferLength` finished episodes, oldest first (a copy). */
  get lengthQueue(): number[] {
    return [...this.lengths];
  }

  /** Episodes finished since construction. */
  get episodeCount(): number {
    return this.finished;
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    const result = this.env.reset(options);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength++;
    if (!result.terminated && !result.truncated) return result;
    if (result.info !== null && typeof result.info === 'object' && 'episode' in result.info) {
      // Two of these wrappers in one stack would silently overwrite each other's numbers.
      throw new Error('RecordEpisodeStatistics: info already has an "episode" key (is the env wrapped twice?)');
    }
    const episode: EpisodeStatistics = { return: this.episodeReturn, length: this.episodeLength };
    this.push(this.returns, episode.return);
    this.push(this.lengths, episode.length);
    this.finished++;
    this.episodeReturn = 0;
    this.episodeLength = 0;
    // A new info object: the inner env's may be shared or frozen.
    return { ...result, info: { ...result.info, episode } };
  }

  private push(queue: number[], value: number): void {
    queue.push(value);
    if (queue.length > this.bufferLength) queue.shift();
  }
}
