// Helpers shared by the space classes; not exported from the package.
import { checkLength, checkNonNegativeInteger } from '../internal/validate.js';
import type { Rng } from '../rng.js';
import type { Space } from './space.js';

/** `out` (or a new array) after checking that `flatDim` numbers fit at `offset`. */
export function flatTarget(
  owner: string,
  flatDim: number,
  out: Float32Array | undefined,
  offset: number,
): Float32Array {
  checkNonNegativeInteger(`${owner}.flatten`, 'offset', offset);
  if (out === undefined) return new Float32Array(offset + flatDim);
  // A typed array ignores writes past its end, so a short `out` would silently lose values.
  checkRoom(`${owner}.flatten`, 'out', out.length, flatDim, offset);
  return out;
}

/** Throws unless `flat` holds `flatDim` numbers at `offset`. */
export function checkFlatSource(owner: string, flatDim: number, flat: ArrayLike<number>, offset: number): void {
  checkNonNegativeInteger(`${owner}.unflatten`, 'offset', offset);
  checkRoom(`${owner}.unflatten`, 'flat', flat.length, flatDim, offset);
}

function checkRoom(fn: string, name: string, length: number, flatDim: number, offset: number): void {
  if (offset + flatDim > length) {
    throw new RangeError(
      `${fn}: ${name} has length ${length}, needs ${offset + flatDim} (offset ${offset} + flatDim ${flatDim})`,
    );
  }
}

/** Index in 0..n-1 of the largest of `flat[offset .. offset + n)`; the first one on ties. */
export function argmax(flat: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  let bestValue = flat[offset]!;
  for (let i = 1; i < n; i++) {
    const v = flat[offset + i]!;
    if (v > bestValue || Number.isNaN(bestValue)) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/**
 * A uniform index in 0..n-1 among those `mask` allows (truthy entries), or -1 when it
 * allows none. Without a mask every index is allowed.
 */
export function sampleAllowed(
  owner: string,
  rng: Rng,
  n: number,
  mask: ArrayLike<number | boolean> | undefined,
): number {
  if (mask === undefined) return rng.int(n);
  checkLength(owner, 'mask', mask.length, n);
  let allowed = 0;
  for (let i = 0; i < n; i++) if (mask[i]) allowed++;
  if (allowed === 0) return -1;
  let k = rng.int(allowed);
  for (let i = 0; ; i++) {
    if (mask[i] && k-- === 0) return i;
  }
}

/** Writes a one-hot of length n with a 1 at `index` into `out` at `offset`. */
export function writeOneHot(out: Float32Array, offset: number, n: number, index: number): void {
  out.fill(0, offset, offset + n);
  out[offset + index] = 1;
}

/** True for objects that look like a {@link Space} (used to validate composite spaces). */
export function isSpace(x: unknown): x is Space {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<Record<keyof Space, unknown>>;
  return (
    typeof s.kind === 'string' &&
    typeof s.flatDim === 'number' &&
    typeof s.contains === 'function' &&
    typeof s.sample === 'function' &&
    typeof s.flatten === 'function' &&
    typeof s.unflatten === 'function' &&
    typeof s.toJSON === 'function'
  );
}

/** True when `x` is an integer that fits in an Int32Array. */
export function isInt32(x: number): boolean {
  return Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff;
}
