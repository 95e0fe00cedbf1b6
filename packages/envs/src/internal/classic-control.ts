// Checks shared by the classic-control envs; not exported from the package. Every error names
// the env first (`CartPole: …`), then the value at fault.
import type { Box, Discrete } from '@tfrl/core';

/** Where an env is in its episode: `step` is only allowed while `running`. */
export type EpisodePhase = 'unreset' | 'running' | 'terminated';

/** Short, unambiguous text for a value in an error message. */
export function show(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x === undefined) return String(x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).join(', ')}]`;
  }
  if (typeof x === 'function' || typeof x === 'symbol') return String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** Throws unless `step` may run now: after a reset, and not after `terminated`. */
export function checkCanStep(env: string, phase: EpisodePhase): void {
  if (phase === 'unreset') throw new Error(`${env}: step() called before reset(); call reset() first`);
  if (phase === 'terminated') {
    throw new Error(`${env}: step() called after the episode terminated; call reset() to start a new one`);
  }
}

/** Returns `action` when `space` contains it, else throws a RangeError naming both. */
export function checkDiscreteAction(env: string, space: Discrete, action: unknown): number {
  if (!space.contains(action)) throw new RangeError(`${env}: action ${show(action)} is outside ${space.toString()}`);
  return action;
}

/**
 * Reads a one-element Box action as Gymnasium receives it: a float32 number (`Math.fround`),
 * not yet clipped. Wrong length and non-finite values throw a RangeError naming the action and
 * the space; finite values outside the bounds are returned as they are (the env clips them).
 */
export function readScalarBoxAction(env: string, space: Box, action: unknown): number {
  if (!isArrayLike(action) || action.length !== 1) {
    throw new RangeError(`${env}: action ${show(action)} must be an array of 1 number (${space.toString()})`);
  }
  const value = action[0];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${env}: action ${show(action)} is not a finite number (${space.toString()})`);
  }
  return Math.fround(value);
}

/**
 * A copy of the `state` option of `reset` (Gymnasium's `env.unwrapped.state`), after checking
 * it holds `length` finite numbers.
 */
export function readState(env: string, state: unknown, length: number): Float64Array {
  if (!isArrayLike(state)) throw new RangeError(`${env}: state must be an array of ${length} numbers, got ${show(state)}`);
  if (state.length !== length) throw new RangeError(`${env}: state has length ${state.length}, expected ${length}`);
  const copy = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = state[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${env}: state[${i}] must be a finite number, got ${show(v)}`);
    copy[i] = v;
  }
  return copy;
}

/** Throws unless `options` is undefined or an object whose keys are all in `known`. */
export function checkOptionKeys(env: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RangeError(`${env}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const list = known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`;
      throw new RangeError(`${env}: unknown option '${key}' (${list})`);
    }
  }
}

/** `value` when it is a finite number, `fallback` when undefined; otherwise a RangeError naming `field`. */
export function finiteOption(env: string, field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${env}: ${field} must be a finite number, got ${show(value)}`);
  }
  return value;
}

/** `value` when it is a boolean, `fallback` when undefined; otherwise a RangeError naming `field`. */
export function booleanOption(env: string, field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new RangeError(`${env}: ${field} must be a boolean, got ${show(value)}`);
  return value;
}
