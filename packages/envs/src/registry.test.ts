import { Box, Discrete, Rng, type Env, type ResetResult, type StepResult } from '@tfrl/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Acrobot } from './classic-control/acrobot.js';
import { CartPole } from './classic-control/cart-pole.js';
import { MountainCarContinuous } from './classic-control/mountain-car-continuous.js';
import { MountainCar } from './classic-control/mountain-car.js';
import { Pendulum } from './classic-control/pendulum.js';
import { listEnvs, makeEnv, registerEnv } from './registry.js';
import { TimeLimit } from './wrappers/time-limit.js';
import { Wrapper } from './wrappers/wrapper.js';

const BUILT_INS = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', 'GridWorld-v0', 'CliffWalking-v1', 'FrozenLake-v1', 'FrozenLake8x8-v1'];

/** An env that never ends by itself: observation = steps taken. */
class Counter implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: Infinity, shape: [1] });
  readonly actionSpace = new Discrete(1);
  private steps = 0;
  constructor(readonly options: Record<string, unknown> = {}) {}
  reset(): ResetResult<Float32Array> {
    this.steps = 0;
    return { observation: Float32Array.of(0), info: {} };
  }
  step(): StepResult<Float32Array> {
    this.steps++;
    return { observation: Float32Array.of(this.steps), reward: 1, terminated: false, truncated: false, info: {} };
  }
}

function episodeLength(env: Env, limit = 10_000): number {
  env.reset({ seed: 0 });
  const rng = Rng.fromSeed(0);
  for (let t = 1; t <= limit; t++) {
    const { terminated, truncated } = env.step(env.actionSpace.sample(rng));
    if (terminated || truncated) return t;
  }
  return Infinity;
}

describe('the env registry', () => {
  it('lists the built-in classic-control envs', () => {
    expect(listEnvs().slice(0, BUILT_INS.length)).toEqual(BUILT_INS);
  });

  it('makes each built-in with Gymnasium’s TimeLimit and spec', () => {
    const expected = [
      ['CartPole-v1', CartPole, 500, 475],
      ['Acrobot-v1', Acrobot, 500, -100],
      ['MountainCar-v0', MountainCar, 200, -110],
      ['MountainCarContinuous-v0', MountainCarContinuous, 999, 90],
      ['Pendulum-v1', Pendulum, 200, undefined],
    ] as const;
    for (const [id, Class, maxEpisodeSteps, rewardThreshold] of expected) {
      const env = makeEnv(id);
      expect(env).toBeInstanceOf(TimeLimit);
      expect((env as TimeLimit<unknown, unknown>).maxEpisodeSteps).toBe(maxEpisodeSteps);
      const unwrapped = (env as Wrapper).unwrapped;
      expect(unwrapped).toBeInstanceOf(Class);
      const spec = rewardThreshold === undefined ? { id, maxEpisodeSteps } : { id, maxEpisodeSteps, rewardThreshold };
      expect(env.spec).toEqual(spec);
      expect(unwrapped.spec).toEqual(spec);
    }
  });

  it('truncates Pendulum-v1 at 200 steps and MountainCar-v0 at 200 (random actions never reach the goal)', () => {
    expect(episodeLength(makeEnv('Pendulum-v1'))).toBe(200);
    expect(episodeLength(makeEnv('MountainCar-v0'))).toBe(200);
  });

  it('takes maxEpisodeSteps from the options over the registered one, in the TimeLimit and the spec', () => {
    const env = makeEnv('Pendulum-v1', { maxEpisodeSteps: 7 });
    expect(env.spec).toEqual({ id: 'Pendulum-v1', maxEpisodeSteps: 7 });
    expect(episodeLength(env)).toBe(7);
    expect(() => makeEnv('Pendulum-v1', { maxEpisodeSteps: 0 })).toThrow(
      new RangeError('makeEnv: maxEpisodeSteps must be a positive integer, got 0'),
    );
    expect(() => makeEnv('Pendulum-v1', { maxEpisodeSteps: 2.5 })).toThrow(RangeError);
  });

  it('passes the other options to the env’s constructor, which validates them', () => {
    const env = makeEnv('Pendulum-v1', { g: 9.81 });
    expect(((env as unknown as Wrapper).unwrapped as Pendulum).g).toBe(9.81);
    const sutton = makeEnv('CartPole-v1', { suttonBartoReward: true });
    sutton.reset({ seed: 0 });
    expect(sutton.step(0).reward).toBe(0);
    expect(() => makeEnv('Pendulum-v1', { gravity: 9.81 })).toThrow(new RangeError("Pendulum: unknown option 'gravity' (known: g)"));
    expect(() => makeEnv('Acrobot-v1', { g: 1 })).toThrow(new RangeError("Acrobot: unknown option 'g' (it takes none)"));
  });

  it('makes a new, independent env on every call', () => {
    const a = makeEnv('CartPole-v1');
    const b = makeEnv('CartPole-v1');
    expect(a).not.toBe(b);
    expect((a as unknown as Wrapper).unwrapped).not.toBe((b as unknown as Wrapper).unwrapped);
  });

  it('lists the registered ids when the id is unknown', () => {
    expect(() => makeEnv('CartPole-v0')).toThrow(
      new Error(`makeEnv: no env registered as 'CartPole-v0'; registered: ${listEnvs().join(', ')}`),
    );
    expect(() => makeEnv('CartPole-v0')).toThrow(/registered: CartPole-v1, Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0, Pendulum-v1/);
  });

  it('registers new envs, with or without a step limit', () => {
    registerEnv('Counter-v0', (options) => new Counter(options), { maxEpisodeSteps: 3, rewardThreshold: 2.5 });
    registerEnv('Counter-unlimited-v0', () => new Counter());
    expect(listEnvs()).toEqual(expect.arrayContaining(['Counter-v0', 'Counter-unlimited-v0']));
    expect(listEnvs().indexOf('Counter-v0')).toBeGreaterThan(listEnvs().indexOf('FrozenLake8x8-v1'));

    const limited = makeEnv('Counter-v0', { size: 4 });
    expect(limited.spec).toEqual({ id: 'Counter-v0', maxEpisodeSteps: 3, rewardThreshold: 2.5 });
    expect(((limited as Wrapper).unwrapped as Counter).options).toEqual({ size: 4 }); // maxEpisodeSteps is not passed on
    expect(episodeLength(limited)).toBe(3);

    const unlimited = makeEnv('Counter-unlimited-v0');
    expect(unlimited).toBeInstanceOf(Counter);
    expect(unlimited.spec).toEqual({ id: 'Counter-unlimited-v0' });
    expect(episodeLength(unlimited, 50)).toBe(Infinity);
    const limitedNow = makeEnv('Counter-unlimited-v0', { maxEpisodeSteps: 5 });
    expect(limitedNow).toBeInstanceOf(TimeLimit);
    expect(episodeLength(limitedNow)).toBe(5);
  });

  it('refuses to register an id twice unless override is set', () => {
    registerEnv('Counter-dup-v0', () => new Counter(), { maxEpisodeSteps: 2 });
    expect(() => registerEnv('Counter-dup-v0', () => new Counter())).toThrow(
      new Error("registerEnv: 'Counter-dup-v0' is already registered; pass { override: true } to replace it"),
    );
    expect(() => registerEnv('CartPole-v1', () => new Counter())).toThrow(/already registered/);
    registerEnv('Counter-dup-v0', () => new Counter(), { maxEpisodeSteps: 4, override: true });
    expect(makeEnv('Counter-dup-v0').spec).toEqual({ id: 'Counter-dup-v0', maxEpisodeSteps: 4 });
    expect(listEnvs().filter((id) => id === 'Counter-dup-v0')).toHaveLength(1);
  });

  it('validates what is registered', () => {
    expect(() => registerEnv('', () => new Counter())).toThrow(new RangeError('registerEnv: id must be a non-empty string, got ""'));
    expect(() => registerEnv('Bad-v0', 'nope' as never)).toThrow(new TypeError("registerEnv: factory for 'Bad-v0' must be a function"));
    expect(() => registerEnv('Bad-v0', () => new Counter(), { maxEpisodeSteps: -1 })).toThrow(
      new RangeError('registerEnv: maxEpisodeSteps must be a positive integer, got -1'),
    );
    expect(() => registerEnv('Bad-v0', () => new Counter(), { rewardThreshold: NaN })).toThrow(
      new RangeError('registerEnv: rewardThreshold must be a number, got NaN'),
    );
    expect(listEnvs()).not.toContain('Bad-v0');
  });

  it('types built-in envs by their observations and actions', () => {
    expectTypeOf(makeEnv('CartPole-v1')).toEqualTypeOf<Env<Float32Array, number>>();
    expectTypeOf(makeEnv('Pendulum-v1')).toEqualTypeOf<Env<Float32Array, Float32Array>>();
    expectTypeOf(makeEnv('Counter-v0')).toEqualTypeOf<Env>();
  });
});

describe('built-in tabular envs', () => {
  it('makes the grid worlds with their step limits and FrozenLake 8×8 from its own id', () => {
    expect(makeEnv('GridWorld-v0').spec).toMatchObject({ id: 'GridWorld-v0', maxEpisodeSteps: 100 });
    expect(makeEnv('CliffWalking-v1').spec?.maxEpisodeSteps).toBeUndefined();
    expect(makeEnv('FrozenLake-v1').spec).toMatchObject({ maxEpisodeSteps: 100, rewardThreshold: 0.7 });
    const lake = makeEnv('FrozenLake8x8-v1');
    expect(lake.observationSpace.toJSON()).toEqual({ kind: 'discrete', n: 64, start: 0 });
    expect(lake.reset({ seed: 1 }).observation).toBe(0);
  });
});
