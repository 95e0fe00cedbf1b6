import { Box, type BoxBound, type BoxDtype, type Env, type Space, type StepResult } from '@tfrl/core';
import { describeSpace, requireBox, showValue } from './internal/spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `RescaleAction`: the agent acts in Box[minAction, maxAction] (e.g. [−1, 1]) and
 * each element is mapped affinely onto the inner env's bounds,
 *
 *   a_inner = low + (high − low)·(a − minAction)/(maxAction − minAction)
 *
 * then clipped into [low, high] against rounding. The inner action space must be a bounded
 * float Box; `minAction`/`maxAction` are one number or one per element, with min < max.
 * Actions outside the outer Box throw. The caller's action array is not modified.
 */
export class RescaleAction<O = unknown, A extends Float32Array | Float64Array = Float32Array> extends Wrapper<O, A> {
  private readonly inner: Box<BoxDtype>;
  private readonly space: Box<BoxDtype>;
  private readonly minAction: Float64Array;
  private readonly maxAction: Float64Array;

  constructor(env: Env<O, A>, minAction: BoxBound, maxAction: BoxBound) {
    super(env);
    const inner = requireBox('RescaleAction', 'action', env.actionSpace);
    if (inner.dtype === 'int32' || !inner.isBounded('both')) {
      throw new TypeError(
        `RescaleAction: the env's action space must be a bounded float Box, got ${describeSpace(inner)}`,
      );
    }
    const size = inner.flatDim;
    const min = bound('minAction', minAction, size);
    const max = bound('maxAction', maxAction, size);
    for (let i = 0; i < size; i++) {
      if (!(min[i]! < max[i]!)) {
        throw new RangeError(`RescaleAction: minAction[${i}] = ${min[i]} must be < maxAction[${i}] = ${max[i]}`);
      }
    }
    this.inner = inner;
    this.space = new Box({ low: min, high: max, shape: inner.shape, dtype: inner.dtype });
    // The map uses the bounds as the outer Box stores them (float32-rounded), so its ends map exactly.
    this.minAction = Float64Array.from(this.space.low);
    this.maxAction = Float64Array.from(this.space.high);
    const equal = this.minAction.findIndex((v, i) => v === this.maxAction[i]);
    if (equal >= 0) {
      throw new RangeError(`RescaleAction: minAction[${equal}] and maxAction[${equal}] are equal in ${inner.dtype}`);
    }
  }

  override get actionSpace(): Space<A> {
    return this.space as unknown as Space<A>;
  }

  override step(action: A): StepResult<O> {
    if (!this.space.contains(action)) {
      throw new RangeError(`RescaleAction: action ${showValue(action)} is not in ${describeSpace(this.space)}`);
    }
    const mapped = action.slice() as A;
    const { low, high } = this.inner;
    for (let i = 0; i < mapped.length; i++) {
      const l = low[i]!;
      const h = high[i]!;
      const t = (action[i]! - this.minAction[i]!) / (this.maxAction[i]! - this.minAction[i]!);
      mapped[i] = Math.min(Math.max(l + (h - l) * t, l), h);
    }
    return this.env.step(mapped);
  }
}

function bound(field: string, value: BoxBound, size: number): Float64Array {
  const out = new Float64Array(size);
  if (typeof value === 'number') out.fill(value);
  else if (value !== null && typeof value === 'object' && typeof value.length === 'number' && value.length === size) {
    for (let i = 0; i < size; i++) out[i] = value[i]!;
  } else {
    throw new RangeError(`RescaleAction: ${field} must be a number or ${size} numbers, got ${showValue(value)}`);
  }
  out.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`RescaleAction: ${field}[${i}] must be finite, got ${v}`);
  });
  return out;
}
