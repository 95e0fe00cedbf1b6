import type { Env, ResetOptions, ResetResult, Space, StepResult } from '@tfrl/core';
import { describeSpace } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `TransformObservation`: returns `fn(observation)` from reset and step.
 * `observationSpace` is the space of the transformed observations; omit it only when `fn`
 * keeps observations in the inner env's space.
 */
export class TransformObservation<O = unknown, A = unknown, InnerO = O> extends Wrapper<O, A, InnerO, A> {
  private readonly fn: (observation: InnerO) => O;
  private readonly space: Space<O>;

  constructor(env: Env<InnerO, A>, fn: (observation: InnerO) => O, observationSpace?: Space<O>) {
    super(env);
    if (typeof fn !== 'function') {
      throw new TypeError(`TransformObservation: fn must be a function, got ${typeof fn}`);
    }
    const space = observationSpace ?? (env.observationSpace as unknown as Space<O>);
    if (typeof space !== 'object' || space === null || typeof space.contains !== 'function') {
      throw new TypeError(`TransformObservation: observationSpace must be a Space, got ${describeSpace(space)}`);
    }
    this.fn = fn;
    this.space = space;
  }

  override get observationSpace(): Space<O> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    const { observation, info } = this.env.reset(options);
    return { observation: this.fn(observation), info };
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    return { ...result, observation: this.fn(result.observation) };
  }
}
