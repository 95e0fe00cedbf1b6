import type { Env, StepResult } from '@tfrl/core';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `TransformReward`: returns `fn(reward)` from step, e.g. `(r) => Math.sign(r)`
 * for reward clipping or `(r) => 0.01 * r` for scaling.
 */
export class TransformReward<O = unknown, A = unknown> extends Wrapper<O, A> {
  private readonly fn: (reward: number) => number;

  constructor(env: Env<O, A>, fn: (reward: number) => number) {
    super(env);
    if (typeof fn !== 'function') {
      throw new TypeError(`TransformReward: fn must be a function, got ${typeof fn}`);
    }
    this.fn = fn;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    return { ...result, reward: this.fn(result.reward) };
  }
}
