import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, type Env, type Space } from '@tfrl/core';
import { arbitraryOutsideSpace } from './arbitraries.js';

/** Options of {@link describeEnvContract} and the env checks. */
export interface EnvContractOptions {
  /** Seeds for the seeded checks (default [0, 1, 2]). */
  seeds?: readonly number[];
  /** Steps per check before giving up on an episode ending (default 500). */
  maxSteps?: number;
  /** Actions `step` must reject, on top of those generated from the action space. */
  invalidActions?: readonly unknown[];
  /**
   * The env clips out-of-bound Box actions, as Gymnasium's MountainCarContinuous and Pendulum
   * do (default false). Generated actions of the right length whose elements are all finite
   * but outside the bounds must then be accepted (`step` must not throw); NaN, infinite
   * elements and wrong lengths must still throw.
   */
  clipsActions?: boolean;
}

/** What one check found: broken rules, or why it could not run. */
export interface ContractCheckResult {
  violations: string[];
  /** Set when the check could not be exercised (e.g. no episode ended within maxSteps). */
  skipped?: string;
}

/** A broken rule, tagged with the check that found it. */
export interface ContractViolation<C extends string = string> {
  check: C;
  message: string;
}

/** One env check: makes its own envs with `makeEnv`. */
export type EnvCheck = (makeEnv: () => Env, options: EnvContractOptions) => ContractCheckResult;

const DEFAULT_SEEDS = [0, 1, 2] as const;
const DEFAULT_MAX_STEPS = 500;

function show(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).join(', ')}]`;
  if (typeof x === 'number' || x === undefined) return String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `body` with a fresh env and closes it afterwards; a throw becomes a violation. */
function withEnv(makeEnv: () => Env, what: string, body: (env: Env, violations: string[]) => string | void): ContractCheckResult {
  const violations: string[] = [];
  let skipped: string | undefined;
  let env: Env | undefined;
  try {
    env = makeEnv();
    skipped = body(env, violations) ?? undefined;
  } catch (error) {
    violations.push(`${what}: threw ${errorText(error)}`);
  } finally {
    try {
      env?.close?.();
    } catch {
      // close() has its own check
    }
  }
  return skipped === undefined || violations.length > 0 ? { violations } : { violations, skipped };
}

function isInfo(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkObservation(space: Space, observation: unknown, where: string, violations: string[]): void {
  if (!space.contains(observation)) {
    violations.push(`${where}: observation ${show(observation)} is not in the observation space`);
  }
}

/** Same-value deep equality over numbers (Object.is), typed arrays, arrays and plain objects. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
    if (a?.constructor !== b?.constructor) return false;
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const keysA = Object.keys(a).sort();
    const keysB = Object.keys(b).sort();
    if (!sameValue(keysA, keysB)) return false;
    return keysA.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** reset({ seed }) returns an observation in the observation space and an info object. */
function reset(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  return withEnv(makeEnv, 'reset', (env, violations) => {
    for (const seed of options.seeds ?? DEFAULT_SEEDS) {
      const result = env.reset({ seed });
      checkObservation(env.observationSpace, result?.observation, `reset({ seed: ${seed} })`, violations);
      if (!isInfo(result?.info)) violations.push(`reset({ seed: ${seed} }): info ${show(result?.info)} is not an object`);
    }
  });
}

/** Every step returns an observation in the space, a finite reward, boolean flags and an info object. */
function step(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  return withEnv(makeEnv, 'step', (env, violations) => {
    const seed = (options.seeds ?? DEFAULT_SEEDS)[0] ?? 0;
    const rng = Rng.fromSeed(seed);
    env.reset({ seed });
    for (let t = 0; t < (options.maxSteps ?? DEFAULT_MAX_STEPS) && violations.length < 10; t++) {
      const result = env.step(env.actionSpace.sample(rng));
      const where = `step ${t}`;
      checkObservation(env.observationSpace, result?.observation, where, violations);
      if (typeof result?.reward !== 'number' || !Number.isFinite(result.reward)) {
        violations.push(`${where}: reward ${show(result?.reward)} is not a finite number`);
      }
      if (typeof result?.terminated !== 'boolean') violations.push(`${where}: terminated ${show(result?.terminated)} is not a boolean`);
      if (typeof result?.truncated !== 'boolean') violations.push(`${where}: truncated ${show(result?.truncated)} is not a boolean`);
      if (!isInfo(result?.info)) violations.push(`${where}: info ${show(result?.info)} is not an object`);
      if (result?.terminated === true || result?.truncated === true) env.reset();
    }
  });
}

interface Trajectory {
  observations: unknown[];
  rewards: number[];
  flags: string[];
}

function rollout(env: Env, seed: number, maxSteps: number): Trajectory {
  const rng = Rng.fromSeed(seed);
  const trajectory: Trajectory = { observations: [env.reset({ seed }).observation], rewards: [], flags: [] };
  for (let t = 0; t < maxSteps; t++) {
    const { observation, reward, terminated, truncated } = env.step(env.actionSpace.sample(rng));
    trajectory.observations.push(observation);
    trajectory.rewards.push(reward);
    trajectory.flags.push(`${terminated}/${truncated}`);
    if (terminated || truncated) break;
  }
  return trajectory;
}

function firstDifference(a: Trajectory, b: Trajectory): string | null {
  const length = Math.max(a.observations.length, b.observations.length);
  for (let t = 0; t < length; t++) {
    if (!sameValue(a.observations[t], b.observations[t])) {
      return `observation ${t} differs: ${show(a.observations[t])} vs ${show(b.observations[t])}`;
    }
    if (t > 0 && !sameValue(a.rewards[t - 1], b.rewards[t - 1])) {
      return `reward of step ${t - 1} differs: ${a.rewards[t - 1]} vs ${b.rewards[t - 1]}`;
    }
    if (t > 0 && a.flags[t - 1] !== b.flags[t - 1]) {
      return `terminated/truncated of step ${t - 1} differ: ${a.flags[t - 1]} vs ${b.flags[t - 1]}`;
    }
  }
  return null;
}

/**
 * Same seed and the same seeded action sequence give the same trajectory: in two fresh envs,
 * and in one env reset again with that seed after running.
 */
function determinism(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  const violations: string[] = [];
  const maxSteps = Math.min(options.maxSteps ?? DEFAULT_MAX_STEPS, 200);
  for (const seed of options.seeds ?? DEFAULT_SEEDS) {
    let first: Env | undefined;
    let second: Env | undefined;
    try {
      first = makeEnv();
      second = makeEnv();
      const a = rollout(first, seed, maxSteps);
      const b = rollout(second, seed, maxSteps);
      const again = rollout(first, seed, maxSteps);
      const fresh = firstDifference(a, b);
      if (fresh !== null) violations.push(`seed ${seed}, two fresh envs: ${fresh}`);
      const reseeded = firstDifference(a, again);
      if (reseeded !== null) violations.push(`seed ${seed}, same env reset with the seed again: ${reseeded}`);
    } catch (error) {
      violations.push(`seed ${seed}: threw ${errorText(error)}`);
    } finally {
      for (const env of [first, second]) {
        try {
          env?.close?.();
        } catch {
          // close() has its own check
        }
      }
    }
  }
  return { violations };
}

/** `step` after `terminated || truncated` without `reset` throws. */
function stepAfterEnd(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  return withEnv(makeEnv, 'stepAfterEnd', (env, violations) => {
    const seed = (options.seeds ?? DEFAULT_SEEDS)[0] ?? 0;
    const rng = Rng.fromSeed(seed);
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    env.reset({ seed });
    for (let t = 0; t < maxSteps; t++) {
      const { terminated, truncated } = env.step(env.actionSpace.sample(rng));
      if (!terminated && !truncated) continue;
      try {
        env.step(env.actionSpace.sample(rng));
        violations.push(`step after the episode ended at step ${t} (without reset) did not throw`);
      } catch {
        // expected
      }
      return;
    }
    return `no episode ended within ${maxSteps} steps (raise maxSteps or add a time limit)`;
  });
}

/** A value of `space` with one element NaN, where the space can hold one (float Box, Discrete). */
function nanValue(space: Space, rng: Rng): unknown {
  if (space.kind === 'discrete') return NaN;
  if (space.kind !== 'box') return undefined;
  const value = space.sample(rng);
  if (!(value instanceof Float32Array || value instanceof Float64Array) || value.length === 0) return undefined;
  const copy = value.slice();
  copy[0] = NaN;
  return copy;
}

/**
 * True for a value of a Box's dtype with the Box's length and every element finite: outside
 * the Box only through its bounds, which an env that clips actions accepts.
 */
function clippable(space: Space, action: unknown): boolean {
  if (space.kind !== 'box' || !(action instanceof Float32Array || action instanceof Float64Array || action instanceof Int32Array)) {
    return false;
  }
  return action.length === space.flatDim && action.every((v) => Number.isFinite(v));
}

/**
 * Actions outside the action space (generated, NaN, and `invalidActions`) make `step` throw;
 * with `clipsActions`, finite out-of-bound Box actions must be accepted instead.
 */
function invalidActions(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  return withEnv(makeEnv, 'invalidActions', (env, violations) => {
    const seed = (options.seeds ?? DEFAULT_SEEDS)[0] ?? 0;
    const outside = arbitraryOutsideSpace(env.actionSpace);
    const generated: unknown[] = outside === null ? [] : fc.sample(outside, { seed, numRuns: 20 });
    const clipped = options.clipsActions === true ? generated.filter((a) => clippable(env.actionSpace, a)) : [];
    const actions = generated.filter((a) => !clipped.includes(a));
    const nan = nanValue(env.actionSpace, Rng.fromSeed(seed));
    if (nan !== undefined) actions.push(nan);
    actions.push(...(options.invalidActions ?? []));
    if (actions.length === 0) return 'no invalid action could be built for this action space';
    for (const action of clipped) {
      env.reset({ seed });
      try {
        env.step(action);
      } catch (error) {
        violations.push(`step(${show(action)}) threw ${errorText(error)}, but clipsActions says finite out-of-bound actions are clipped`);
      }
    }
    for (const action of actions) {
      if (env.actionSpace.contains(action)) {
        violations.push(`invalid action ${show(action)} is contained in the action space`);
        continue;
      }
      env.reset({ seed });
      try {
        env.step(action);
        violations.push(`step(${show(action)}) did not throw for an action outside the action space`);
      } catch {
        // expected
      }
    }
  });
}

/** `observationSpace.flatten(observation)` gives `flatDim` finite numbers. */
function flatten(makeEnv: () => Env, options: EnvContractOptions): ContractCheckResult {
  return withEnv(makeEnv, 'flatten', (env, violations) => {
    const seed = (options.seeds ?? DEFAULT_SEEDS)[0] ?? 0;
    const rng = Rng.fromSeed(seed);
    const space = env.observationSpace;
    const checkFlat = (observation: unknown, where: string): void => {
      const flat = space.flatten(observation);
      if (flat.length !== space.flatDim) violations.push(`${where}: flatten gave ${flat.length} numbers, flatDim is ${space.flatDim}`);
      const bad = Array.from(flat).findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) violations.push(`${where}: flattened observation has ${flat[bad]} at ${bad}`);
    };
    checkFlat(env.reset({ seed }).observation, 'reset');
    for (let t = 0; t < Math.min(options.maxSteps ?? DEFAULT_MAX_STEPS, 100) && violations.length < 10; t++) {
      const { observation, terminated, truncated } = env.step(env.actionSpace.sample(rng));
      checkFlat(observation, `step ${t}`);
      if (terminated || truncated) checkFlat(env.reset().observation, `reset after step ${t}`);
    }
  });
}

/** `close()`, when the env has one, can be called twice. */
function close(makeEnv: () => Env): ContractCheckResult {
  const env = makeEnv();
  if (typeof env.close !== 'function') return { violations: [], skipped: 'the env has no close()' };
  const violations: string[] = [];
  try {
    env.reset({ seed: 0 });
    env.close();
    env.close();
  } catch (error) {
    violations.push(`close() twice threw ${errorText(error)}`);
  }
  return { violations };
}

/** Names of the env contract's checks. */
export type EnvContractCheck = 'reset' | 'step' | 'determinism' | 'stepAfterEnd' | 'invalidActions' | 'flatten' | 'close';

/** The env contract's checks, by name; each makes its own envs with `makeEnv`. */
export const envContractChecks: Readonly<Record<EnvContractCheck, EnvCheck>> = Object.freeze({
  reset,
  step,
  determinism,
  stepAfterEnd,
  invalidActions,
  flatten,
  close,
});

const TITLES: Record<EnvContractCheck, string> = {
  reset: 'reset returns an observation in observationSpace and an info object',
  step: 'step returns observations in the space, finite rewards, boolean flags and info',
  determinism: 'the same seed and actions give the same trajectory',
  stepAfterEnd: 'step after the episode ended (without reset) throws',
  invalidActions: 'actions outside actionSpace throw',
  flatten: 'flatten(observation) has flatDim finite numbers',
  close: 'close() is safe to call twice',
};

/** Runs the env checks (all, or those named) and lists every violation; empty means it passes. */
export function checkEnvContract(
  makeEnv: () => Env,
  options: EnvContractOptions = {},
  only: readonly EnvContractCheck[] = Object.keys(TITLES) as EnvContractCheck[],
): ContractViolation<EnvContractCheck>[] {
  return only.flatMap((check) =>
    envContractChecks[check](makeEnv, options).violations.map((message) => ({ check, message })),
  );
}

/** Registers a vitest `describe` block with one test per env contract check. */
export function describeEnvContract(name: string, makeEnv: () => Env, options: EnvContractOptions = {}): void {
  describe(`${name} satisfies the Env contract`, () => {
    for (const check of Object.keys(TITLES) as EnvContractCheck[]) {
      it(TITLES[check], (context) => {
        const result = envContractChecks[check](makeEnv, options);
        if (result.skipped !== undefined) context.skip(result.skipped);
        expect(result.violations).toEqual([]);
      });
    }
  });
}
