import { ENV_API_VERSION, Rng, type Env, type Space } from '@tfrl/core';
import { describeSpace, showValue } from './wrappers/internal/spaces.js';

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Random-action steps to take, resetting after each episode (default 200). */
  steps?: number;
  /** Seed of the resets and of the random actions (default 0). */
  seed?: number;
  /** Called with each warning as it is found (e.g. `console.warn`); they are returned either way. */
  warn?: (message: string) => void;
}

/** What {@link checkEnv} found; each message starts with the env's name. */
export interface CheckEnvResult {
  /** Broken parts of the Env contract. */
  errors: string[];
  /** Legal but likely to hurt learning, or checks that could not run. */
  warnings: string[];
}

/**
 * Checks an env against tfrl's Env contract (Gymnasium's `check_env`, SB3's `check_env`):
 * the spaces are tfrl Spaces; `reset` returns `{ observation, info }` with the observation in
 * the space and finite, and the same seed gives the same observation; `steps` random steps
 * return observations in the space, finite rewards, boolean `terminated`/`truncated` and plain
 * `info` objects; `step` after an episode ended throws; actions outside the action space throw
 * (Discrete: start + n, start − 1, start + 0.5, NaN; Box: NaN, wrong length; finite out-of-bounds Box
 * actions are not tried, since Gymnasium-style envs may clip them); `close` can be called twice.
 * It steps and resets `env`, so pass one you can throw away.
 */
export function checkEnv(env: Env, options: CheckEnvOptions = {}): CheckEnvResult {
  const { steps = 200, seed = 0, warn } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`checkEnv: steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(seed)) throw new RangeError(`checkEnv: seed must be an integer, got ${seed}`);
  if (warn !== undefined && typeof warn !== 'function') throw new TypeError('checkEnv: warn must be a function');
  if (typeof env !== 'object' || env === null) throw new TypeError(`checkEnv: env must be an object, got ${String(env)}`);

  const name = envName(env);
  const result: CheckEnvResult = { errors: [], warnings: [] };
  const error = (message: string): void => void result.errors.push(`${name}: ${message}`);
  // One message per kind of problem (for the first call that shows it), not one per step.
  const reported = new Set<string>();
  const once = (key: string): Report => (message) => {
    if (reported.has(key)) return;
    reported.add(key);
    error(message);
  };
  const warning = (message: string): void => {
    result.warnings.push(`${name}: ${message}`);
    warn?.(`${name}: ${message}`);
  };

  if (!checkSpaces(env, error, warning)) return result;
  if (!checkReset(env, seed, error, once)) return result;
  checkSteps(env, seed, steps, error, warning, once);
  checkInvalidActions(env, seed, error);
  checkClose(env, error);
  return result;
}

/** Runs {@link checkEnv} and throws an Error listing every error found (warnings go to `warn`). */
export function assertEnv(env: Env, options: CheckEnvOptions = {}): void {
  const { errors } = checkEnv(env, options);
  if (errors.length > 0) {
    throw new Error(`checkEnv found ${errors.length} error${errors.length === 1 ? '' : 's'}:\n- ${errors.join('\n- ')}`);
  }
}

type Report = (message: string) => void;
/** The reporter for one kind of problem: only its first message is kept. */
type Once = (key: string) => Report;

function envName(env: Env): string {
  const id: unknown = (env as { spec?: { id?: unknown } }).spec?.id;
  if (typeof id === 'string' && id !== '') return id;
  return env.constructor?.name || 'env';
}

function isSpace(x: unknown): x is Space {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<Record<keyof Space, unknown>>;
  return (
    typeof s.kind === 'string' &&
    typeof s.flatDim === 'number' &&
    Array.isArray(s.shape) &&
    ['contains', 'sample', 'flatten', 'unflatten', 'toJSON'].every(
      (method) => typeof (x as Record<string, unknown>)[method] === 'function',
    )
  );
}

function isPlainObject(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Same-value deep equality over numbers (Object.is), typed arrays, arrays and plain objects. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if ((a as object).constructor !== (b as object | null)?.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    return keys.every((k) => Object.hasOwn(y, k) && sameValue(x[k], y[k]));
  }
  return false;
}

/** Spaces are tfrl Spaces (else nothing more can be checked); warns about awkward Box actions. */
function checkSpaces(env: Env, error: Report, warning: Report): boolean {
  let ok = true;
  for (const which of ['observationSpace', 'actionSpace'] as const) {
    const space: unknown = env[which];
    if (!isSpace(space)) {
      error(`${which} must be a tfrl Space (Box, Discrete, … from @tfrl/core), got ${describeSpace(space)}`);
      ok = false;
    }
  }
  if (env.apiVersion !== undefined && env.apiVersion !== ENV_API_VERSION) {
    error(`declares apiVersion ${String(env.apiVersion)}, but this checker knows Env contract v${ENV_API_VERSION}`);
  }
  if (!ok) return false;
  const action = env.actionSpace;
  if (action.kind === 'box' && (action.toJSON() as { dtype?: string }).dtype !== 'int32') {
    const { low, high } = action as unknown as { low?: ArrayLike<number>; high?: ArrayLike<number> };
    const lows = Array.from(low ?? []);
    const highs = Array.from(high ?? []);
    const shown = describeSpace(action);
    if (lows.some((l) => l === -Infinity) || highs.some((h) => h === Infinity)) {
      warning(`the Box action space ${shown} is unbounded; bound it so policies know the valid range`);
    } else if (lows.some((l, i) => l === highs[i])) {
      warning(`the Box action space ${shown} has elements whose low equals high`);
    } else if (lows.some((l) => l !== -1) || highs.some((h) => h !== 1)) {
      warning(
        `the Box action space ${shown} is not [-1, 1]; Gaussian policies learn best in a symmetric, ` +
          'normalised range: wrap the env in RescaleAction(env, -1, 1)',
      );
    }
  }
  return true;
}

/**
 * Checks a reset result; returns false when it is too broken to go on. `where` is the call
 * that produced it.
 */
function checkResetResult(env: Env, result: unknown, where: string, once: Once): boolean {
  if (typeof result !== 'object' || result === null || !('observation' in result)) {
    once('reset-result')(`${where} must return { observation, info }, got ${showValue(result)}`);
    return false;
  }
  const { observation, info } = result as { observation: unknown; info: unknown };
  checkObservation(env, observation, where, once('reset-observation'));
  if (!isPlainObject(info)) once('reset-info')(`${where} returned info ${showValue(info)}, not a plain object`);
  return true;
}

function checkObservation(env: Env, observation: unknown, where: string, error: Report): void {
  const space = env.observationSpace;
  if (!space.contains(observation)) {
    error(`${where} returned observation ${showValue(observation)}, not in the observation space ${describeSpace(space)}`);
    return;
  }
  let flat: Float32Array;
  try {
    flat = space.flatten(observation);
  } catch (e) {
    error(`${where}: observationSpace.flatten(observation) threw ${errorText(e)}`);
    return;
  }
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    error(`${where} returned observation ${showValue(observation)}, whose flattened element ${bad} is ${flat[bad]}, not finite`);
  }
}

/** reset({ seed }) works and is reproducible; returns false when stepping makes no sense. */
function checkReset(env: Env, seed: number, error: Report, once: Once): boolean {
  const where = `reset({ seed: ${seed} })`;
  let first: unknown;
  let second: unknown;
  try {
    first = env.reset({ seed });
    if (!checkResetResult(env, first, where, once)) return false;
    second = env.reset({ seed });
  } catch (e) {
    error(`${where} threw ${errorText(e)}`);
    return false;
  }
  const a = (first as { observation: unknown }).observation;
  const b = (second as { observation?: unknown } | null)?.observation;
  if (!sameValue(a, b)) {
    error(
      `${where} twice gave different observations, ${showValue(a)} then ${showValue(b)}: seed the env's randomness in reset`,
    );
  }
  return true;
}

/** Random steps: result types, observations, step after the end of an episode. */
function checkSteps(env: Env, seed: number, steps: number, error: Report, warning: Report, once: Once): void {
  const rng = Rng.fromSeed(seed);
  let checkedAfterEnd = false;
  try {
    env.reset({ seed });
  } catch (e) {
    error(`reset({ seed: ${seed} }) threw ${errorText(e)}`);
    return;
  }
  for (let t = 0; t < steps; t++) {
    const action = env.actionSpace.sample(rng);
    const where = `step ${t} (action ${showValue(action)})`;
    let result: unknown;
    try {
      result = env.step(action);
    } catch (e) {
      error(`${where} threw ${errorText(e)}`);
      return;
    }
    if (typeof result !== 'object' || result === null) {
      error(`${where} must return { observation, reward, terminated, truncated, info }, got ${showValue(result)}`);
      return;
    }
    const { observation, reward, terminated, truncated, info } = result as Record<string, unknown>;
    checkObservation(env, observation, where, once('step-observation'));
    if (typeof reward !== 'number' || !Number.isFinite(reward)) {
      once('step-reward')(`${where} returned reward ${showValue(reward)}, not a finite number`);
    }
    for (const [flag, value] of [['terminated', terminated], ['truncated', truncated]] as const) {
      if (typeof value !== 'boolean') once(`step-${flag}`)(`${where} returned ${flag} ${showValue(value)}, not a boolean`);
    }
    if (!isPlainObject(info)) once('step-info')(`${where} returned info ${showValue(info)}, not a plain object`);
    // Truthy flags end the episode here, so that a wrong flag type is reported once, alone.
    if (!terminated && !truncated) continue;

    if (!checkedAfterEnd) {
      checkedAfterEnd = true;
      let threw = false;
      try {
        env.step(env.actionSpace.sample(rng));
      } catch {
        threw = true;
      }
      if (!threw) {
        error(
          `step() after the episode ended (${terminated ? 'terminated' : 'truncated'} at step ${t}) did not throw; ` +
            'it must until reset() is called',
        );
      }
    }
    try {
      checkResetResult(env, env.reset(), `reset() after step ${t}`, once);
    } catch (e) {
      error(`reset() after step ${t} threw ${errorText(e)}`);
      return;
    }
  }
  if (!checkedAfterEnd) {
    warning(
      `no episode ended within ${steps} steps, so step() after the end was not checked (raise steps or add a TimeLimit)`,
    );
  }
}

/** Actions outside the action space that `step` must reject. */
function invalidActions(space: Space, rng: Rng): unknown[] {
  const json = space.toJSON() as { kind: string; n?: number; start?: number; dtype?: string };
  switch (json.kind) {
    case 'discrete': {
      const start = json.start ?? 0;
      const n = json.n ?? 0;
      return [start + n, start - 1, start + 0.5, NaN];
    }
    case 'box': {
      const value = space.sample(rng) as Float32Array | Float64Array | Int32Array;
      const wrongLength = new (value.constructor as new (length: number) => typeof value)(value.length + 1);
      if (json.dtype === 'int32' || value.length === 0) return [wrongLength];
      const nan = value.slice();
      nan[0] = NaN;
      return [nan, wrongLength];
    }
    case 'multi-discrete':
    case 'multi-binary': {
      const value = space.sample(rng) as Int32Array | Int8Array;
      return [new (value.constructor as new (length: number) => typeof value)(value.length + 1)];
    }
    default:
      return [];
  }
}

function checkInvalidActions(env: Env, seed: number, error: Report): void {
  const space = env.actionSpace;
  for (const action of invalidActions(space, Rng.fromSeed(seed))) {
    if (space.contains(action)) continue; // a custom space may accept it; then it is not invalid
    try {
      env.reset({ seed });
    } catch (e) {
      error(`reset({ seed: ${seed} }) threw ${errorText(e)}`);
      return;
    }
    let threw = false;
    try {
      env.step(action);
    } catch {
      threw = true;
    }
    if (!threw) {
      error(`step(${showValue(action)}) did not throw, but the action is outside the action space ${describeSpace(space)}`);
    }
  }
}

function checkClose(env: Env, error: Report): void {
  if (env.close === undefined) return;
  if (typeof env.close !== 'function') {
    error(`close must be a function when present, got ${showValue(env.close)}`);
    return;
  }
  try {
    env.close();
    env.close();
  } catch (e) {
    error(`close() called twice threw ${errorText(e)}; close must be idempotent`);
  }
}
