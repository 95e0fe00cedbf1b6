import type { Env, EnvSpec } from '@tfrl/core';
import { Acrobot, type AcrobotOptions } from './classic-control/acrobot.js';
import { CartPole, type CartPoleOptions } from './classic-control/cart-pole.js';
import { MountainCarContinuous, type MountainCarContinuousOptions } from './classic-control/mountain-car-continuous.js';
import { MountainCar, type MountainCarOptions } from './classic-control/mountain-car.js';
import { Pendulum, type PendulumOptions } from './classic-control/pendulum.js';
import { show } from './internal/classic-control.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { CliffWalking, FrozenLake, GridWorld, type CliffWalkingOptions, type FrozenLakeOptions, type GridWorldOptions } from './toy-text/index.js';

/** Builds a fresh env from the options given to {@link makeEnv} (without `maxEpisodeSteps`). */
export type EnvFactory = (options: Record<string, unknown>) => Env;

/** Options of {@link registerEnv}. */
export interface RegisterEnvOptions {
  /** Step limit of the `TimeLimit` that `makeEnv` wraps the env in (none when omitted). */
  maxEpisodeSteps?: number;
  /** Episode return above which the task counts as solved. */
  rewardThreshold?: number;
  /** Replace an env already registered under this id instead of throwing. */
  override?: boolean;
}

/** Options of {@link makeEnv}: the env's own constructor options, plus `maxEpisodeSteps`. */
export interface MakeEnvOptions {
  /** Overrides the registered step limit (the env is then wrapped in a `TimeLimit` of this many steps). */
  maxEpisodeSteps?: number;
  [option: string]: unknown;
}

interface Registration {
  readonly id: string;
  readonly factory: EnvFactory;
  readonly maxEpisodeSteps?: number;
  readonly rewardThreshold?: number;
}

/**
 * The built-in envs, as Gymnasium registers them. To add one, append an entry; the factory's
 * return type is what `makeEnv(id)` is typed as.
 */
const BUILT_IN_ENVS = [
  {
    id: 'CartPole-v1',
    factory: (options: Record<string, unknown>): Env<Float32Array, number> => new CartPole(options as CartPoleOptions),
    maxEpisodeSteps: 500,
    rewardThreshold: 475,
  },
  {
    id: 'Acrobot-v1',
    factory: (options: Record<string, unknown>): Env<Float32Array, number> => new Acrobot(options as AcrobotOptions),
    maxEpisodeSteps: 500,
    rewardThreshold: -100,
  },
  {
    id: 'MountainCar-v0',
    factory: (options: Record<string, unknown>): Env<Float32Array, number> => new MountainCar(options as MountainCarOptions),
    maxEpisodeSteps: 200,
    rewardThreshold: -110,
  },
  {
    id: 'MountainCarContinuous-v0',
    factory: (options: Record<string, unknown>): Env<Float32Array, Float32Array> =>
      new MountainCarContinuous(options as MountainCarContinuousOptions),
    maxEpisodeSteps: 999,
    rewardThreshold: 90,
  },
  {
    id: 'Pendulum-v1',
    factory: (options: Record<string, unknown>): Env<Float32Array, Float32Array> => new Pendulum(options as PendulumOptions),
    maxEpisodeSteps: 200,
  },
  {
    id: 'GridWorld-v0',
    // A step limit, unlike the book, so that a policy walking into the wall cannot run forever.
    factory: (options: Record<string, unknown>): Env<number, number> => new GridWorld(options as GridWorldOptions),
    maxEpisodeSteps: 100,
  },
  {
    id: 'CliffWalking-v1',
    factory: (options: Record<string, unknown>): Env<number, number> => new CliffWalking(options as CliffWalkingOptions),
  },
  {
    id: 'FrozenLake-v1',
    factory: (options: Record<string, unknown>): Env<number, number> => new FrozenLake(options as FrozenLakeOptions),
    maxEpisodeSteps: 100,
    rewardThreshold: 0.7,
  },
  {
    id: 'FrozenLake8x8-v1',
    factory: (options: Record<string, unknown>): Env<number, number> =>
      new FrozenLake({ mapName: '8x8', ...(options as FrozenLakeOptions) }),
    maxEpisodeSteps: 200,
    rewardThreshold: 0.85,
  },
] as const satisfies readonly Registration[];

type BuiltInEnv = (typeof BUILT_IN_ENVS)[number];

/** Ids of the envs registered by default. */
export type BuiltInEnvId = BuiltInEnv['id'];

/** What `makeEnv(id)` returns: the built-in env's observation and action types, else `Env`. */
export type MadeEnv<Id extends string> = Id extends BuiltInEnvId
  ? ReturnType<Extract<BuiltInEnv, { id: Id }>['factory']>
  : Env;

// Filled on first use, so importing the package does no work.
let registry: Map<string, Registration> | undefined;

function registrations(): Map<string, Registration> {
  registry ??= new Map(BUILT_IN_ENVS.map((entry): [string, Registration] => [entry.id, entry]));
  return registry;
}

function checkMaxEpisodeSteps(fn: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${fn}: maxEpisodeSteps must be a positive integer, got ${show(value)}`);
  }
}

/**
 * Registers `factory` under `id` for {@link makeEnv}, with Gymnasium's `max_episode_steps`
 * and `reward_threshold`. Registering an id twice throws unless `override` is set.
 */
export function registerEnv(id: string, factory: EnvFactory, options: RegisterEnvOptions = {}): void {
  if (typeof id !== 'string' || id.length === 0) throw new RangeError(`registerEnv: id must be a non-empty string, got ${show(id)}`);
  if (typeof factory !== 'function') throw new TypeError(`registerEnv: factory for '${id}' must be a function`);
  checkMaxEpisodeSteps('registerEnv', options.maxEpisodeSteps);
  const { rewardThreshold } = options;
  if (rewardThreshold !== undefined && (typeof rewardThreshold !== 'number' || Number.isNaN(rewardThreshold))) {
    throw new RangeError(`registerEnv: rewardThreshold must be a number, got ${show(rewardThreshold)}`);
  }
  const map = registrations();
  if (map.has(id) && options.override !== true) {
    throw new Error(`registerEnv: '${id}' is already registered; pass { override: true } to replace it`);
  }
  map.set(id, { id, factory, maxEpisodeSteps: options.maxEpisodeSteps, rewardThreshold });
}

/**
 * A new env registered under `id` (Gymnasium's `make`): the factory's env, its `spec` set to
 * `{ id, maxEpisodeSteps, rewardThreshold }`, wrapped in a `TimeLimit` when a step limit is
 * registered or `options.maxEpisodeSteps` is given (which takes precedence). The other
 * options go to the env's constructor. Seeds go through `reset({ seed })`.
 */
export function makeEnv<Id extends string>(id: Id, options: MakeEnvOptions = {}): MadeEnv<Id> {
  const registration = registrations().get(id);
  if (registration === undefined) {
    throw new Error(`makeEnv: no env registered as '${id}'; registered: ${listEnvs().join(', ')}`);
  }
  const { maxEpisodeSteps: limitOverride, ...envOptions } = options;
  checkMaxEpisodeSteps('makeEnv', limitOverride);
  const maxEpisodeSteps = limitOverride ?? registration.maxEpisodeSteps;
  const spec: EnvSpec = { id };
  if (maxEpisodeSteps !== undefined) spec.maxEpisodeSteps = maxEpisodeSteps;
  if (registration.rewardThreshold !== undefined) spec.rewardThreshold = registration.rewardThreshold;
  const env = registration.factory(envOptions);
  // The factory's env carries the spec (Gymnasium sets it on the unwrapped env); wrappers forward it.
  Object.defineProperty(env, 'spec', { value: Object.freeze(spec), enumerable: true, configurable: true, writable: false });
  return (maxEpisodeSteps === undefined ? env : new TimeLimit(env, maxEpisodeSteps)) as MadeEnv<Id>;
}

/** Ids of every registered env, built-ins first, in registration order. */
export function listEnvs(): string[] {
  return [...registrations().keys()];
}
