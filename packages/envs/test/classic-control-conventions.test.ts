import { Rng, type Env, type ResetResult, type StepResult } from '@tfrl/core';
import { Acrobot, CartPole, MountainCar, MountainCarContinuous, Pendulum, type ClassicControlResetOptions } from '@tfrl/envs';
import { describe, expect, it } from 'vitest';

/** A classic-control env as these tests see it: an Env with Gymnasium's `state`. */
interface ClassicEnv extends Env<Float32Array, number | Float32Array> {
  readonly state: Float64Array | undefined;
  reset(options?: ClassicControlResetOptions): ResetResult<Float32Array>;
}

interface Case {
  name: string;
  make: () => ClassicEnv;
  stateLength: number;
  /** An invalid action and the exact message it must produce. */
  invalidAction: [unknown, string];
}

const CASES: Case[] = [
  {
    name: 'CartPole',
    make: () => new CartPole() as ClassicEnv,
    stateLength: 4,
    invalidAction: [2, 'CartPole: action 2 is outside Discrete(2)'],
  },
  {
    name: 'Acrobot',
    make: () => new Acrobot() as ClassicEnv,
    stateLength: 4,
    invalidAction: [1.5, 'Acrobot: action 1.5 is outside Discrete(3)'],
  },
  {
    name: 'MountainCar',
    make: () => new MountainCar() as ClassicEnv,
    stateLength: 2,
    invalidAction: [NaN, 'MountainCar: action NaN is outside Discrete(3)'],
  },
  {
    name: 'MountainCarContinuous',
    make: () => new MountainCarContinuous() as ClassicEnv,
    stateLength: 2,
    invalidAction: [
      Float32Array.of(NaN),
      'MountainCarContinuous: action Float32Array[NaN] is not a finite number (Box(-1, 1, [1], float32))',
    ],
  },
  {
    name: 'Pendulum',
    make: () => new Pendulum() as ClassicEnv,
    stateLength: 2,
    invalidAction: [Float32Array.of(0, 1), 'Pendulum: action Float32Array[0, 1] must be an array of 1 number (Box(-2, 2, [1], float32))'],
  },
];

/** Runs `steps` seeded random actions (stopping at termination); returns every step result. */
function run(env: ClassicEnv, steps: number, actionSeed: number): StepResult<Float32Array>[] {
  const rng = Rng.fromSeed(actionSeed);
  const results: StepResult<Float32Array>[] = [];
  for (let t = 0; t < steps; t++) {
    const result = env.step(env.actionSpace.sample(rng));
    results.push(result);
    if (result.terminated) break;
  }
  return results;
}

describe.each(CASES)('$name follows the classic-control conventions', ({ name, make, stateLength, invalidAction }) => {
  it('has no spec as a raw env and returns {} as info', () => {
    const env = make();
    expect(env.spec).toBeUndefined();
    expect(env.reset({ seed: 1 }).info).toEqual({});
    expect(env.step(env.actionSpace.sample(Rng.fromSeed(0))).info).toEqual({});
  });

  it('is deterministic before any seed (Rng.fromSeed(0)) and reseeds on reset({ seed })', () => {
    const unseeded = make();
    const seeded = make();
    expect(unseeded.reset().observation).toEqual(seeded.reset({ seed: 0 }).observation);
    expect(run(unseeded, 50, 3)).toEqual(run(seeded, 50, 3));
    const other = make();
    other.reset({ seed: 1 });
    seeded.reset({ seed: 0 });
    expect(other.state).not.toEqual(seeded.state);
  });

  it('gives the same trajectory for the same seed and actions', () => {
    const a = make();
    const b = make();
    for (const seed of [0, 7, 123456]) {
      expect(a.reset({ seed }).observation).toEqual(b.reset({ seed }).observation);
      expect(run(a, 100, seed)).toEqual(run(b, 100, seed));
      expect(a.state).toEqual(b.state);
    }
  });

  it('returns a new Float32Array observation on every call', () => {
    const env = make();
    const first = env.reset({ seed: 0 }).observation;
    const second = env.step(env.actionSpace.sample(Rng.fromSeed(0))).observation;
    expect(first).toBeInstanceOf(Float32Array);
    expect(second).toBeInstanceOf(Float32Array);
    expect(second).not.toBe(first);
    const snapshot = second.slice();
    second.fill(0);
    expect(env.step(env.actionSpace.sample(Rng.fromSeed(1))).observation).not.toBe(second);
    expect(snapshot.some((v) => v !== 0)).toBe(true);
  });

  it('exposes the state as a float64 copy, undefined before the first reset', () => {
    const env = make();
    expect(env.state).toBeUndefined();
    env.reset({ seed: 5 });
    const state = env.state!;
    expect(state).toBeInstanceOf(Float64Array);
    expect(state).toHaveLength(stateLength);
    state.fill(99);
    expect(env.state).not.toEqual(state);
  });

  it('replays a transition from a saved state (state getter / reset({ state }) round trip)', () => {
    const env = make();
    env.reset({ seed: 11 });
    run(env, 5, 11);
    const saved = env.state!;
    const action = env.actionSpace.sample(Rng.fromSeed(2));
    const expected = env.step(action);
    const after = env.state!;

    const replay = make();
    const reset = replay.reset({ state: saved } satisfies ClassicControlResetOptions);
    expect(replay.state).toEqual(saved);
    expect(reset.observation).toBeInstanceOf(Float32Array);
    expect(replay.step(action)).toEqual(expected);
    expect(replay.state).toEqual(after);
  });

  it('takes the state as any array of numbers and keeps it when a seed is given too', () => {
    const env = make();
    const state = Array.from({ length: stateLength }, (_, i) => (i % 2 === 0 ? 0.01 : -0.02));
    env.reset({ seed: 3, state });
    expect(Array.from(env.state!)).toEqual(state);
  });

  it('rejects a state of the wrong length, with non-finite numbers, or not an array', () => {
    const env = make();
    const options = (state: unknown): ClassicControlResetOptions => ({ state: state as ArrayLike<number> });
    expect(() => env.reset(options(new Array(stateLength + 1).fill(0)))).toThrow(
      new RangeError(`${name}: state has length ${stateLength + 1}, expected ${stateLength}`),
    );
    const withNaN = new Array(stateLength).fill(0);
    withNaN[1] = NaN;
    expect(() => env.reset(options(withNaN))).toThrow(new RangeError(`${name}: state[1] must be a finite number, got NaN`));
    const withText = new Array(stateLength).fill(0);
    withText[0] = '1';
    expect(() => env.reset(options(withText))).toThrow(new RangeError(`${name}: state[0] must be a finite number, got "1"`));
    expect(() => env.reset(options(5))).toThrow(new RangeError(`${name}: state must be an array of ${stateLength} numbers, got 5`));
  });

  it('throws when step comes before the first reset', () => {
    const env = make();
    expect(() => env.step(env.actionSpace.sample(Rng.fromSeed(0)))).toThrow(
      new Error(`${name}: step() called before reset(); call reset() first`),
    );
  });

  it('rejects invalid actions with a RangeError naming the action and the space', () => {
    const env = make();
    env.reset({ seed: 0 });
    expect(() => env.step(invalidAction[0] as never)).toThrow(new RangeError(invalidAction[1]));
    // The env is still usable afterwards.
    expect(() => env.step(env.actionSpace.sample(Rng.fromSeed(0)))).not.toThrow();
  });

  it('rejects unknown and mistyped constructor options with a RangeError naming the field', () => {
    const Ctor = make().constructor as new (options?: unknown) => ClassicEnv;
    expect(() => new Ctor({ notAnOption: 1 })).toThrow(RangeError);
    expect(() => new Ctor({ notAnOption: 1 })).toThrow(new RegExp(`^${name}: unknown option 'notAnOption'`));
    expect(() => new Ctor(null)).toThrow(new RangeError(`${name}: options must be an object, got null`));
  });
});

describe('step after termination', () => {
  it('throws for the envs that terminate (CartPole, Acrobot, MountainCar, MountainCarContinuous)', () => {
    const cases: [ClassicEnv, number[], number | Float32Array][] = [
      [new CartPole() as ClassicEnv, [2.39, 1, 0, 0], 1],
      [new Acrobot() as ClassicEnv, [Math.PI, 0, 0, 0], 1],
      [new MountainCar() as ClassicEnv, [0.49, 0.05], 2],
      [new MountainCarContinuous() as ClassicEnv, [0.44, 0.05], Float32Array.of(1)],
    ];
    for (const [env, state, action] of cases) {
      env.reset({ state } satisfies ClassicControlResetOptions);
      expect(env.step(action).terminated).toBe(true);
      const name = env.constructor.name;
      expect(() => env.step(action)).toThrow(new Error(`${name}: step() called after the episode terminated; call reset() to start a new one`));
      env.reset({ seed: 0 });
      expect(() => env.step(action)).not.toThrow();
    }
  });
});
