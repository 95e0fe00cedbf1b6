import { Box, type BoxDtype, type BoxValue, type Env, type Space, type StepResult } from '@tfrl/core';
import { describeSpace, requireBox, showValue } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `ClipAction`: clips each element of a Box action into the inner env's bounds
 * before stepping, so a Gaussian policy's unbounded samples are always valid. As in Gymnasium
 * 1.x the outer action space is the unbounded Box(−∞, ∞) of the inner shape and dtype: every
 * finite action of the right shape is accepted; NaN, ±∞ and wrong lengths still throw. The
 * caller's action array is not modified.
 */
export class ClipAction<O = unknown, A extends BoxValue = BoxValue> extends Wrapper<O, A> {
  private readonly inner: Box<BoxDtype>;
  private readonly space: Box<BoxDtype>;

  constructor(env: Env<O, A>) {
    super(env);
    this.inner = requireBox('ClipAction', 'action', env.actionSpace);
    this.space = new Box({ low: -Infinity, high: Infinity, shape: this.inner.shape, dtype: this.inner.dtype });
  }

  override get actionSpace(): Space<A> {
    return this.space as unknown as Space<A>;
  }

  override step(action: A): StepResult<O> {
    if (!this.space.contains(action)) {
      throw new RangeError(
        `ClipAction: action ${showValue(action)} is not in ${describeSpace(this.space)} (finite numbers of the right length and type)`,
      );
    }
    const clipped = action.slice() as A;
    const { low, high } = this.inner;
    for (let i = 0; i < clipped.length; i++) clipped[i] = Math.min(Math.max(clipped[i]!, low[i]!), high[i]!);
    return this.env.step(clipped);
  }
}
