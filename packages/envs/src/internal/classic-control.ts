// Checks and episode scaffolding shared by the classic-control envs; not exported from the
// package. Every error names the env first (`CartPole: …`), then the value at fault.
import { Rng, type Box, type Discrete, type Env, type EnvSpec, type ResetResult, type Space, type StepResult } from '@tfrl/core';
import type { ClassicControlResetOptions } from '../classic-control/reset-options.js';

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

/** What one step of an env's dynamics gives back to {@link ClassicControlEnv}. */
export interface Transition {
  reward: number;
  terminated: boolean;
}

/**
 * The episode bookkeeping every classic-control env shares: the float64 state `s`, the env's
 * own {@link Rng} (`Rng.fromSeed(0)` until `reset({ seed })`), `reset({ state })`, the
 * step-before-reset / step-after-terminated guard and the `state` getter. A subclass supplies
 * its spaces, the start-state draw, the dynamics and the observation.
 */
export abstract class ClassicControlEnv<A> implements Env<Float32Array, A> {
  abstract readonly observationSpace: Box;
  abstract readonly actionSpace: Space<A>;
  /** Set by the registry on envs made with `makeEnv`; undefined on a raw env. */
  readonly spec?: EnvSpec;
  protected rng = Rng.fromSeed(0);
  /** The internal state in float64 (Gymnasium's `state`). */
  protected readonly s: Float64Array;
  private phase: EpisodePhase = 'unreset';

  protected constructor(
    /** Env name at the start of error messages. */
    private readonly envName: string,
    stateLength: number,
  ) {
    this.s = new Float64Array(stateLength);
  }

  /** A copy of the internal state in float64 (Gymnasium's `state`); undefined before the first reset. */
  get state(): Float64Array | undefined {
    return this.phase === 'unreset' ? undefined : this.s.slice();
  }

  reset(options: ClassicControlResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    if (options.state !== undefined) {
      this.s.set(readState(this.envName, options.state, this.s.length));
    } else {
      this.drawStart();
    }
    this.phase = 'running';
    return { observation: this.observe(), info: {} };
  }

  step(action: A): StepResult<Float32Array> {
    checkCanStep(this.envName, this.phase);
    const { reward, terminated } = this.advance(action);
    if (terminated) this.phase = 'terminated';
    return { observation: this.observe(), reward, terminated, truncated: false, info: {} };
  }

  /** Nothing to release (Gymnasium closes its renderer here); safe to call more than once. */
  close(): void {}

  /** Draws a start state into `s` from `rng`. */
  protected abstract drawStart(): void;
  /** Checks `action` and advances `s` by one step of the dynamics. */
  protected abstract advance(action: A): Transition;
  /** The observation of `s`, as float32. */
  protected abstract observe(): Float32Array;
}
