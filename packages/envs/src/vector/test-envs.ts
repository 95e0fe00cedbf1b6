// Small hand-made envs with known episodes for the vector-env tests. The AsyncVectorEnv tests
// compile this file to JavaScript and load it in workers, so it imports nothing but core.
import { Box, Discrete, Rng, type Env, type ResetOptions, type ResetResult, type StepResult } from '@tfrl/core';

/** Context a module env factory receives from a vector env: the sub-env's index. */
interface FactoryContext {
  index: number;
}

/** Options of {@link CountingEnv}. */
export interface CountingEnvOptions {
  /** Steps per episode (default 3). */
  episodeLength?: number;
  /** Per-sub-env episode lengths (module factories: entry `index` wins over `episodeLength`). */
  episodeLengths?: number[];
  /** How episodes end (default `'terminated'`). */
  ending?: 'terminated' | 'truncated';
}

/**
 * Observation `[t, episode, lastAction, seed]` (Box(4)): `t` steps into episode number
 * `episode` (0 for the first reset), `seed` the seed of the last seeded reset (−1 none);
 * `lastAction` −1 after reset. Actions Discrete(3); reward `t + 10·action`; the episode ends
 * after `episodeLength` steps. Info: `{ t }` on steps, `{ reset: episode, draw }` on resets,
 * `draw` an Rng draw that follows the seed.
 */
export class CountingEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [4] });
  readonly actionSpace = new Discrete(3);
  readonly episodeLength: number;
  readonly ending: 'terminated' | 'truncated';
  closed = false;
  private t = 0;
  private episode = -1;
  private seed = -1;
  private rng = Rng.fromSeed(0);

  constructor(options: CountingEnvOptions = {}) {
    this.episodeLength = options.episodeLength ?? 3;
    this.ending = options.ending ?? 'terminated';
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) {
      this.seed = options.seed;
      this.rng = Rng.fromSeed(options.seed);
    }
    this.t = 0;
    this.episode++;
    return { observation: Float32Array.of(0, this.episode, -1, this.seed), info: { reset: this.episode, draw: this.rng.int(1000) } };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new RangeError(`CountingEnv: bad action ${action}`);
    if (this.t >= this.episodeLength) throw new Error('CountingEnv: step after the episode ended');
    this.t++;
    const ended = this.t === this.episodeLength;
    return {
      observation: Float32Array.of(this.t, this.episode, action, this.seed),
      reward: this.t + 10 * action,
      terminated: ended && this.ending === 'terminated',
      truncated: ended && this.ending === 'truncated',
      info: { t: this.t },
    };
  }

  close(): void {
    this.closed = true;
  }
}

/** Module factory of {@link CountingEnv}: sub-env `index` gets `episodeLengths[index]` when given. */
export function createCountingEnv(options: CountingEnvOptions = {}, context?: FactoryContext): CountingEnv {
  const episodeLength = (context && options.episodeLengths?.[context.index]) ?? options.episodeLength;
  return new CountingEnv({ ...options, ...(episodeLength === undefined ? {} : { episodeLength }) });
}

/**
 * Continuous actions: Box(−1, 1, [2]) actions, observation `[a0, a1, t]`, reward `a0 + a1`,
 * truncated after `episodeLength` (default 2) steps.
 */
export class EchoEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [3] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  private t = 0;

  constructor(readonly episodeLength = 2) {}

  reset(): ResetResult<Float32Array> {
    this.t = 0;
    return { observation: new Float32Array(3), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (!(action instanceof Float32Array) || action.length !== 2) throw new TypeError('EchoEnv: action must be a Float32Array(2)');
    this.t++;
    return {
      observation: Float32Array.of(action[0]!, action[1]!, this.t),
      reward: action[0]! + action[1]!,
      terminated: false,
      truncated: this.t === this.episodeLength,
      info: {},
    };
  }
}

/** Options of {@link createFaultyEnv}. */
export interface FaultyEnvOptions {
  /** The sub-env that fails (others behave as a CountingEnv). */
  failIndex: number;
  /** When it fails: on creation, on reset, or on its `failStep`-th step (default 1). */
  failAt: 'create' | 'reset' | 'step';
  failStep?: number;
  /**
   * How: `throw` an Error(`message`), `exit` the worker thread (process.exit(3)), `uncaught`
   * (an error thrown from a timer after the step returned), `hang` (never returns).
   */
  how: 'throw' | 'exit' | 'uncaught' | 'hang';
  message?: string;
  episodeLength?: number;
}

function fail(options: FaultyEnvOptions): void {
  const message = options.message ?? 'faulty env failed';
  switch (options.how) {
    case 'throw':
      throw new Error(message);
    case 'exit':
      (globalThis as { process?: { exit(code: number): never } }).process?.exit(3);
      break;
    case 'uncaught':
      setTimeout(() => {
        throw new Error(message);
      }, 0);
      break;
    case 'hang':
      for (;;) {
        // Busy forever: only terminating the worker stops it.
      }
  }
}

/** Module factory of a CountingEnv that fails as {@link FaultyEnvOptions} say in one sub-env. */
export function createFaultyEnv(options: FaultyEnvOptions, context?: FactoryContext): Env<Float32Array, number> {
  const failing = context?.index === options.failIndex;
  if (failing && options.failAt === 'create') fail(options);
  const env = new CountingEnv({ episodeLength: options.episodeLength ?? 100 });
  if (!failing) return env;
  let steps = 0;
  return {
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    reset(resetOptions?: ResetOptions): ResetResult<Float32Array> {
      if (options.failAt === 'reset') fail(options);
      return env.reset(resetOptions);
    },
    step(action: number): StepResult<Float32Array> {
      steps++;
      if (options.failAt === 'step' && steps === (options.failStep ?? 1)) fail(options);
      return env.step(action);
    },
  };
}
