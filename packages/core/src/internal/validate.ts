// Argument checks shared across the package; not exported from it. Each throws a RangeError
// whose message starts with `fn`, the function or class the caller's users know, then names
// the argument: `computeGae: gamma must be in [0, 1], got 1.5`.

/** Throws unless `x` is in [0, 1], or in (0, 1] with `excludeZero`. NaN is outside. */
export function checkUnitInterval(fn: string, name: string, x: number, excludeZero = false): void {
  if (!((excludeZero ? x > 0 : x >= 0) && x <= 1)) {
    throw new RangeError(`${fn}: ${name} must be in ${excludeZero ? '(0, 1]' : '[0, 1]'}, got ${x}`);
  }
}

/** Throws unless `x` is a finite number. */
export function checkFinite(fn: string, name: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${fn}: ${name} must be a finite number, got ${x}`);
}

/** Throws unless `x` is a finite number >= 0. */
export function checkFiniteNonNegative(fn: string, name: string, x: number): void {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${fn}: ${name} must be finite and >= 0, got ${x}`);
}

/** Throws unless `x` is an integer >= `min`. */
export function checkIntegerAtLeast(fn: string, name: string, x: number, min: number): void {
  if (!Number.isInteger(x) || x < min) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${x}`);
}

/** Throws unless `x` is an integer >= 1 (a safe integer with `safe`). */
export function checkPositiveInteger(fn: string, name: string, x: number, safe = false): void {
  if (!(safe ? Number.isSafeInteger(x) : Number.isInteger(x)) || x < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${x}`);
  }
}

/** Throws unless `x` is an integer >= 0 (a safe integer with `safe`). */
export function checkNonNegativeInteger(fn: string, name: string, x: number, safe = false): void {
  if (!(safe ? Number.isSafeInteger(x) : Number.isInteger(x)) || x < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${x}`);
  }
}

/**
 * Throws unless array `name` has length `expected`:
 * `fn: name has length 3, expected 4`, followed by ` (${expectedName})` when given.
 */
export function checkLength(fn: string, name: string, length: number, expected: number, expectedName?: string): void {
  if (length !== expected) {
    const of = expectedName === undefined ? '' : ` (${expectedName})`;
    throw new RangeError(`${fn}: ${name} has length ${length}, expected ${expected}${of}`);
  }
}

/** Throws unless array `name` is as long as array `reference`: `fn: name has length 3, reference 4`. */
export function checkSameLength(fn: string, name: string, length: number, reference: string, referenceLength: number): void {
  if (length !== referenceLength) {
    throw new RangeError(`${fn}: ${name} has length ${length}, ${reference} ${referenceLength}`);
  }
}

/**
 * Checks the layout of a rollout stored `[steps, numEnvs]` row-major: `numEnvs` a positive
 * integer that divides `rewardsLength`, and every array of `others` as long as `rewards`.
 */
export function checkRolloutLayout(
  fn: string,
  numEnvs: number,
  rewardsLength: number,
  others: Readonly<Record<string, { readonly length: number }>>,
): void {
  checkPositiveInteger(fn, 'numEnvs', numEnvs);
  if (rewardsLength % numEnvs !== 0) {
    throw new RangeError(`${fn}: rewards has length ${rewardsLength}, not a multiple of numEnvs ${numEnvs}`);
  }
  for (const [name, array] of Object.entries(others)) checkLength(fn, name, array.length, rewardsLength, 'rewards.length');
}
