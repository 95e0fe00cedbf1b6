import type { Box, Env, ResetOptions, ResetResult, Space, StepResult } from '@tfrl/core';
import { describeSpace, flatBox } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium 1.x's `FrameStackObservation` with its default `padding_type="reset"`: the
 * observation is the last `stackSize` observations, oldest first, stacked along a new leading
 * axis and returned flat as a Float32Array [stackSize × obsDim] (each observation flattened
 * with the inner space). After a reset the missing older frames repeat the reset observation.
 * The outer space is a float32 Box of shape [stackSize, ...shape] for a Box observation space
 * and [stackSize, flatDim] for any other, with the flattened inner bounds in every frame.
 */
export class FrameStack<O = unknown, A = unknown> extends Wrapper<Float32Array, A, O, A> {
  readonly stackSize: number;
  private readonly inner: Space<O>;
  private readonly space: Box<'float32'>;
  /** The stacked frames, oldest first; shifted by one frame per step. */
  private readonly frames: Float32Array;

  constructor(env: Env<O, A>, stackSize: number) {
    super(env);
    if (!Number.isInteger(stackSize) || stackSize < 1) {
      throw new RangeError(`FrameStack: stackSize must be a positive integer, got ${stackSize}`);
    }
    const inner = env.observationSpace;
    if (typeof inner !== 'object' || inner === null || typeof inner.flatten !== 'function') {
      throw new TypeError(`FrameStack: the env's observation space must be a Space, got ${describeSpace(inner)}`);
    }
    this.stackSize = stackSize;
    this.inner = inner;
    const frameShape = inner.kind === 'box' ? inner.shape : [inner.flatDim];
    this.space = flatBox(inner, [stackSize, ...frameShape], stackSize);
    this.frames = new Float32Array(stackSize * inner.flatDim);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const { observation, info } = this.env.reset(options);
    const size = this.inner.flatDim;
    this.inner.flatten(observation, this.frames, 0);
    for (let k = 1; k < this.stackSize; k++) this.frames.copyWithin(k * size, 0, size);
    return { observation: this.frames.slice(), info };
  }

  override step(action: A): StepResult<Float32Array> {
    const result = this.env.step(action);
    const size = this.inner.flatDim;
    this.frames.copyWithin(0, size);
    this.inner.flatten(result.observation, this.frames, (this.stackSize - 1) * size);
    return { ...result, observation: this.frames.slice() };
  }
}
