// Argument checks shared by the buffers; not exported from the package. Each throws an error
// whose message starts with `fn`, the class or method the caller's users know, then names the
// argument: `RolloutBuffer: gamma must be in [0, 1], got 1.5`.
import type { AutoresetMode } from '@tfrl/core';
import { validateFieldSpec, type FieldSpec } from '../field-spec.js';

/** A function that throws `new ErrorType(`${fn}: ${why}`)`, for checks that build their message. */
export function failure(fn: string, ErrorType: new (message: string) => Error = Error): (why: string) => never {
  return (why) => {
    throw new ErrorType(`${fn}: ${why}`);
  };
}

/** Throws a RangeError unless every entry of `values` is an integer >= `min` (the first bad one is named). */
export function checkIntegersAtLeast(fn: string, values: Readonly<Record<string, number>>, min: number): void {
  for (const [name, x] of Object.entries(values)) {
    if (!Number.isInteger(x) || x < min) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${x}`);
  }
}

/** Throws a RangeError unless `capacity` is an integer in 1..2^`log2Max` (default 2^31-1: typed-array indices stay int32). */
export function checkCapacity(fn: string, capacity: number, log2Max = 31): void {
  const [max, text] = log2Max === 31 ? [0x7fffffff, '2^31-1'] : [2 ** log2Max, `2^${log2Max}`];
  if (!Number.isInteger(capacity) || capacity <= 0 || capacity > max) {
    throw new RangeError(`${fn}: capacity must be an integer in 1..${text}, got ${capacity}`);
  }
}

/** Throws a RangeError unless every entry of `values` is in [0, 1]; NaN is outside. */
export function checkUnitIntervals(fn: string, values: Readonly<Record<string, number>>): void {
  for (const [name, x] of Object.entries(values)) {
    if (!(x >= 0 && x <= 1)) throw new RangeError(`${fn}: ${name} must be in [0, 1], got ${x}`);
  }
}

/** Throws a RangeError unless `actionDtype` (named `name`) is 'int32' or 'float32'. */
export function checkActionDtype(fn: string, actionDtype: unknown, name = 'actionDtype'): void {
  if (actionDtype !== 'int32' && actionDtype !== 'float32') {
    throw new RangeError(`${fn}: ${name} must be 'int32' or 'float32', got ${String(actionDtype)}`);
  }
}

/** The autoreset mode, `'next-step'` (Gymnasium's) when undefined; throws a RangeError for an unknown one. */
export function checkAutoresetMode(fn: string, mode: AutoresetMode | undefined): AutoresetMode {
  const checked = mode ?? 'next-step';
  if (!['next-step', 'same-step', 'disabled'].includes(checked)) throw new RangeError(`${fn}: unknown autoresetMode ${String(checked)}`);
  return checked;
}

/**
 * The config checks of the buffers fed per-env vector steps, in order: `integers` >= 1,
 * `unitIntervals` in [0, 1], the action dtype and the autoreset mode, which it returns.
 */
export function checkVectorStepConfig(
  fn: string,
  integers: Readonly<Record<string, number>>,
  unitIntervals: Readonly<Record<string, number>>,
  actionDtype: unknown,
  autoresetMode: AutoresetMode | undefined,
): AutoresetMode {
  checkIntegersAtLeast(fn, integers, 1);
  checkUnitIntervals(fn, unitIntervals);
  checkActionDtype(fn, actionDtype);
  return checkAutoresetMode(fn, autoresetMode);
}

/** A validated copy of a buffer's `extras` (none when undefined); throws a RangeError for a name in `reserved`. */
export function checkExtras(fn: string, extras: FieldSpec | undefined, reserved: readonly string[]): FieldSpec {
  const spec = validateFieldSpec(fn, extras ?? {});
  for (const name of Object.keys(spec)) {
    if (reserved.includes(name)) throw new RangeError(`${fn}: extras.${name} clashes with a field of the buffer`);
  }
  return spec;
}

/**
 * Throws a RangeError unless `length` is `expected`: `fn: name has length 3, expected 4`, or
 * `expected numEnvs = 4` when `expectedName` says what the count is.
 */
export function checkLength(fn: string, name: string, length: number | undefined, expected: number, expectedName?: string): void {
  if (length !== expected) {
    throw new RangeError(`${fn}: ${name} has length ${length}, expected ${expectedName === undefined ? '' : `${expectedName} = `}${expected}`);
  }
}

/**
 * Checks the per-field arrays of one vector step: `numEnvs` rows of `widths[field]` numbers each.
 * A field in `reserved` is named in the plural as the step calls it (`observations`), any other
 * as an extra (`extras.hidden`).
 */
export function checkStepFields(
  fn: string,
  fields: readonly (readonly [string, ArrayLike<number> | undefined])[],
  widths: Readonly<Record<string, number>>,
  numEnvs: number,
  reserved: readonly string[],
): [string, ArrayLike<number>][] {
  for (const [name, source] of fields) {
    checkLength(fn, reserved.includes(name) ? `${name}s` : `extras.${name}`, source?.length, numEnvs * widths[name]!);
  }
  return fields as [string, ArrayLike<number>][];
}
