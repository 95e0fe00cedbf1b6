// Argument checks of the tabular methods; not exported from the package. Each throws a
// RangeError that starts with the function the user called and names the field:
// `sarsa: alpha must be in (0, 1], got 2`.

/** Throws unless `x` is in [0, 1], or in (0, 1] with `excludeZero`. NaN is outside. */
export function checkUnitInterval(fn: string, name: string, x: unknown, excludeZero = false): void {
  if (!(typeof x === 'number' && (excludeZero ? x > 0 : x >= 0) && x <= 1)) {
    throw new RangeError(`${fn}: ${name} must be in ${excludeZero ? '(0, 1]' : '[0, 1]'}, got ${String(x)}`);
  }
}

/** Throws unless `x` is a finite number > 0. */
export function checkPositive(fn: string, name: string, x: unknown): void {
  if (!(typeof x === 'number' && Number.isFinite(x) && x > 0)) {
    throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${String(x)}`);
  }
}

/** Throws unless `x` is an integer >= `min`. */
export function checkIntegerAtLeast(fn: string, name: string, x: unknown, min: number): void {
  if (!(typeof x === 'number' && Number.isInteger(x) && x >= min)) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${String(x)}`);
  }
}

/** Throws unless `x` is an integer (a seed). */
export function checkInteger(fn: string, name: string, x: unknown): void {
  if (!(typeof x === 'number' && Number.isInteger(x))) {
    throw new RangeError(`${fn}: ${name} must be an integer, got ${String(x)}`);
  }
}

/** Throws unless `values` has one entry per state (`[numStates]`). */
export function checkStateValues(fn: string, name: string, values: ArrayLike<number>, numStates: number): void {
  if (values.length !== numStates) {
    throw new RangeError(`${fn}: ${name} has length ${values.length}, expected ${numStates} (numStates)`);
  }
}

/**
 * Throws unless `policy` is a [numStates × numActions] table of probabilities whose rows
 * each sum to 1 (within 1e-9).
 */
export function checkPolicyTable(fn: string, policy: ArrayLike<number>, numStates: number, numActions: number): void {
  if (policy.length !== numStates * numActions) {
    throw new RangeError(
      `${fn}: policy has length ${policy.length}, expected ${numStates * numActions} (numStates × numActions)`,
    );
  }
  for (let state = 0; state < numStates; state++) {
    let sum = 0;
    for (let action = 0; action < numActions; action++) {
      const p = policy[state * numActions + action]!;
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`${fn}: policy[${state}, ${action}] must be a probability in [0, 1], got ${p}`);
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`${fn}: policy row of state ${state} sums to ${sum}, not 1`);
  }
}
