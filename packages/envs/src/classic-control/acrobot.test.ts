import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Acrobot, acrobotTerminated, bound, rk4, stepAcrobotState, wrap, writeAcrobotObservation } from './acrobot.js';

describe('rk4, wrap and bound (Gymnasium’s Acrobot helpers)', () => {
  it('rk4 takes one classic Runge–Kutta step per interval', () => {
    // dy/dt = y from y = 1 over h = 0.1: one RK4 step is 1 + h + h²/2 + h³/6 + h⁴/24.
    const [y] = rk4((v) => [v[0]!], [1], [0, 0.1]);
    expect(y).toBeCloseTo(1.1051708333333334, 15);
    // Two intervals compose: over [0, 0.1, 0.2] the result is that factor squared.
    const [y2] = rk4((v) => [v[0]!], [1], [0, 0.1, 0.2]);
    expect(y2).toBeCloseTo(1.1051708333333334 ** 2, 14);
    // dy/dt = (1, 0): a constant slope is integrated exactly; the second element stays.
    expect(Array.from(rk4(() => [1, 0], [0, 5], [0, 0.2]))).toEqual([0.2, 5]);
  });

  it('rk4 with a single time returns the start state', () => {
    expect(Array.from(rk4(() => [1], [3], [0]))).toEqual([3]);
  });

  it('wrap shifts by the period until inside [min, max]; bound clips', () => {
    expect(wrap(0.5, -Math.PI, Math.PI)).toBe(0.5);
    expect(wrap((3 * Math.PI) / 2, -Math.PI, Math.PI)).toBeCloseTo(-Math.PI / 2, 15);
    expect(wrap(-(3 * Math.PI) / 2, -Math.PI, Math.PI)).toBeCloseTo(Math.PI / 2, 15);
    expect(wrap(7, -1, 1)).toBe(1);
    expect(wrap(-7, -1, 1)).toBe(-1);
    expect(bound(5, -1, 1)).toBe(1);
    expect(bound(-5, -1, 1)).toBe(-1);
    expect(bound(0.25, -1, 1)).toBe(0.25);
  });
});

describe('Acrobot', () => {
  it('has Gymnasium’s spaces (float32 bounds)', () => {
    const env = new Acrobot();
    expect(env.actionSpace.toString()).toBe('Discrete(3)');
    expect(Array.from(env.observationSpace.high)).toEqual([1, 1, 1, 1, Math.fround(4 * Math.PI), Math.fround(9 * Math.PI)]);
    expect(Array.from(env.observationSpace.low)).toEqual(Array.from(env.observationSpace.high, (v) => -v));
  });

  it('starts each of θ1, θ2, θ̇1, θ̇2 uniform in [-0.1, 0.1) rounded to float32', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const env = new Acrobot();
        const { observation } = env.reset({ seed });
        const state = env.state!;
        // Rounding to float32 can reach fround(±0.1), just outside ±0.1, as in Gymnasium.
        expect(state.every((v) => v >= Math.fround(-0.1) && v <= Math.fround(0.1) && Math.fround(v) === v)).toBe(true);
        const [t1, t2, d1, d2] = state;
        expect(observation).toEqual(Float32Array.of(Math.cos(t1!), Math.sin(t1!), Math.cos(t2!), Math.sin(t2!), d1!, d2!));
      }),
    );
  });

  it('spreads start states over the whole range', () => {
    const env = new Acrobot();
    const values: number[] = [];
    for (let i = 0; i < 2000; i++) {
      env.reset();
      values.push(...env.state!);
    }
    expect(Math.min(...values)).toBeLessThan(-0.099);
    expect(Math.max(...values)).toBeGreaterThan(0.099);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length)).toBeLessThan(0.004);
  });

  it('stays at rest hanging down with zero torque; torque moves the links in opposite directions', () => {
    const env = new Acrobot();
    env.reset({ state: [0, 0, 0, 0] });
    expect(env.step(1)).toMatchObject({ reward: -1, terminated: false });
    // cos(−π/2) is 6e-17 in floating point, not 0: the links stay put up to rounding.
    expect(env.state!.every((v) => Math.abs(v) < 1e-12)).toBe(true);
    env.step(2); // +1 torque on the middle joint
    const [, , d1, d2] = env.state!;
    expect(d2).toBeGreaterThan(0);
    expect(d1).toBeLessThan(0);
  });

  it('terminates with reward 0 when the tip is above the bar (−cos θ1 − cos(θ1 + θ2) > 1)', () => {
    const state = Float64Array.of(Math.PI, 0, 0, 0);
    expect(acrobotTerminated(state, 0)).toBe(true);
    expect(acrobotTerminated(Float64Array.of(Math.PI / 2, 0, 0, 0), 0)).toBe(false);
    const env = new Acrobot();
    env.reset({ state: [Math.PI, 0, 0, 0] });
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: true, truncated: false });
  });

  it('wraps angles to [−π, π] and bounds velocities to ±4π, ±9π', () => {
    const env = new Acrobot();
    env.reset({ state: [3.1, -3.1, 40, -90] });
    env.step(0);
    const [t1, t2, d1, d2] = env.state!;
    expect(Math.abs(t1!)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(t2!)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(d1!)).toBeLessThanOrEqual(4 * Math.PI);
    expect(Math.abs(d2!)).toBeLessThanOrEqual(9 * Math.PI);
  });

  it('stepAcrobotState at an offset of a packed array matches the env exactly', () => {
    const env = new Acrobot();
    env.reset({ seed: 9 });
    const packed = new Float64Array(8);
    packed.set(env.state!, 4);
    const observation = new Float32Array(6);
    for (let t = 0; t < 30; t++) {
      const action = t % 3;
      const result = env.step(action);
      expect(stepAcrobotState(packed, 4, action)).toBe(result.reward);
      expect(packed.subarray(4)).toEqual(env.state);
      writeAcrobotObservation(packed, 4, observation, 0);
      expect(observation).toEqual(result.observation);
      if (result.terminated) break;
    }
    expect(Array.from(packed.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });
});
