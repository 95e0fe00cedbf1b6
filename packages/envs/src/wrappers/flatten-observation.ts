import type { Box, Env, ResetOptions, ResetResult, Space, StepResult } from '@tfrl/core';
import { describeSpace, flatBox } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `FlattenObservation`: any observation space (Box of any shape, Discrete, Tuple,
 * Dict, …) becomes a Box([flatDim]) of float32, and each observation `space.flatten(obs)`.
 * The outer bounds are the flattened inner bounds: a Box keeps its own, one-hot and binary
 * encodings lie in [0, 1]. Float64 values keep float32 precision only.
 */
export class FlattenObservation<O = unknown, A = unknown> extends Wrapper<Float32Array, A, O, A> {
  private readonly inner: Space<O>;
  private readonly space: Box<'float32'>;

  constructor(env: Env<O, A>) {
    super(env);
    const inner = env.observationSpace;
    if (typeof inner !== 'object' || inner === null || typeof inner.flatten !== 'function') {
      throw new TypeError(`FlattenObservation: the env's observation space must be a Space, got ${describeSpace(inner)}`);
    }
    this.inner = inner;
    this.space = flatBox(inner, [inner.flatDim]);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const { observation, info } = this.env.reset(options);
    return { observation: this.inner.flatten(observation), info };
  }

  override step(action: A): StepResult<Float32Array> {
    const result = this.env.step(action);
    return { ...result, observation: this.inner.flatten(result.observation) };
  }
}
