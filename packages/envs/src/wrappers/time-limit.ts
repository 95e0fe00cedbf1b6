import type { Env, ResetOptions, ResetResult, StepResult } from '@tfrl/core';
import { Wrapper } from './wrapper.js';

/**
 * Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`): the step that
 * reaches the limit returns `truncated: true`, also when it terminated in that very step (both
 * flags are then true, as in Gymnasium; learners must not bootstrap since `terminated` is set).
 */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  readonly maxEpisodeSteps: number;
  private elapsed = 0;
  private ended = true;

  constructor(env: Env<O, A>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    this.elapsed = 0;
    this.ended = false;
    return this.env.reset(options);
  }

  override step(action: A): StepResult<O> {
    if (this.ended) {
      throw new Error('TimeLimit: step() called after the episode ended (or before the first reset); call reset() first');
    }
    const result = this.env.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) result.truncated = true;
    if (result.terminated || result.truncated) this.ended = true;
    return result;
  }
}
