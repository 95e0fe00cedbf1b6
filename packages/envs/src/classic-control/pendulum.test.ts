import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pendulum, angleNormalize, stepPendulumState, writePendulumObservation } from './pendulum.js';

describe('angleNormalize', () => {
  it('maps angles into [−π, π) with a floored modulo', () => {
    expect(angleNormalize(0)).toBe(0);
    expect(angleNormalize(Math.PI)).toBe(-Math.PI);
    expect(angleNormalize(-Math.PI)).toBe(-Math.PI);
    expect(angleNormalize((3 * Math.PI) / 2)).toBeCloseTo(-Math.PI / 2, 15);
    expect(angleNormalize(-(3 * Math.PI) / 2)).toBeCloseTo(Math.PI / 2, 15);
    expect(angleNormalize(1)).toBeCloseTo(1, 15);
  });

  it('always lands in [−π, π] and differs from the input by a multiple of 2π', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (x) => {
        const y = angleNormalize(x);
        expect(y).toBeGreaterThanOrEqual(-Math.PI);
        expect(y).toBeLessThanOrEqual(Math.PI);
        const turns = (x - y) / (2 * Math.PI);
        expect(Math.abs(turns - Math.round(turns))).toBeLessThan(1e-9);
      }),
    );
  });
});

describe('Pendulum', () => {
  it('has Gymnasium’s spaces', () => {
    const env = new Pendulum();
    expect(env.actionSpace.toString()).toBe('Box(-2, 2, [1], float32)');
    expect(env.observationSpace.toString()).toBe('Box([-1, -1, -8], [1, 1, 8], [3], float32)');
  });

  it('starts with θ uniform in [−π, π) and θ̇ uniform in [−1, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const env = new Pendulum();
        const { observation } = env.reset({ seed });
        const [th, thDot] = env.state!;
        expect(th).toBeGreaterThanOrEqual(-Math.PI);
        expect(th).toBeLessThan(Math.PI);
        expect(thDot).toBeGreaterThanOrEqual(-1);
        expect(thDot).toBeLessThan(1);
        expect(observation).toEqual(Float32Array.of(Math.cos(th!), Math.sin(th!), thDot!));
      }),
    );
  });

  it('spreads start states over the whole range', () => {
    const env = new Pendulum();
    const angles: number[] = [];
    for (let i = 0; i < 2000; i++) {
      env.reset();
      angles.push(env.state![0]!);
    }
    expect(Math.min(...angles)).toBeLessThan(-3.1);
    expect(Math.max(...angles)).toBeGreaterThan(3.1);
    expect(Math.abs(angles.reduce((a, b) => a + b, 0) / angles.length)).toBeLessThan(0.1);
  });

  it('rewards −(θ² + 0.1·θ̇² + 0.001·u²) on the state before the step', () => {
    const env = new Pendulum();
    env.reset({ state: [0, 0] });
    expect(env.step(Float32Array.of(0))).toMatchObject({ reward: -0, terminated: false, truncated: false });
    expect(Array.from(env.state!)).toEqual([0, 0]);
    env.reset({ state: [Math.PI, 0] });
    expect(env.step(Float32Array.of(0)).reward).toBe(-(Math.PI * Math.PI));
    env.reset({ state: [0, 2] });
    expect(env.step(Float32Array.of(2)).reward).toBe(-(0.1 * 4 + Math.fround(Math.fround(0.001) * 4)));
  });

  it('integrates θ̇ += (3g/2l·sin θ + 3u/(m l²))·dt, clipped to ±8, then θ += θ̇·dt', () => {
    const env = new Pendulum({ g: 9.81 });
    env.reset({ state: [Math.PI / 2, 0] });
    env.step(Float32Array.of(1));
    const [th, thDot] = env.state!;
    expect(thDot).toBeCloseTo((1.5 * 9.81 + 3) * 0.05, 12);
    expect(th).toBeCloseTo(Math.PI / 2 + thDot! * 0.05, 12);
    env.reset({ state: [0, 7.99] });
    env.step(Float32Array.of(2));
    expect(env.state![1]).toBe(8);
  });

  it('clips out-of-bound torques to [−2, 2], in the dynamics and in the reward', () => {
    fc.assert(
      fc.property(fc.float({ min: 2, max: 1e6, noNaN: true }), fc.boolean(), (magnitude, negative) => {
        const clipped = new Pendulum();
        const bounded = new Pendulum();
        clipped.reset({ state: [0.3, -0.2] });
        bounded.reset({ state: [0.3, -0.2] });
        expect(clipped.step(Float32Array.of(negative ? -magnitude : magnitude))).toEqual(
          bounded.step(Float32Array.of(negative ? -2 : 2)),
        );
      }),
    );
  });

  it('validates g', () => {
    expect(() => new Pendulum({ g: Infinity })).toThrow(new RangeError('Pendulum: g must be a finite number, got Infinity'));
    expect(() => new Pendulum({ g: '9.81' as never })).toThrow(new RangeError('Pendulum: g must be a finite number, got "9.81"'));
    expect(new Pendulum().g).toBe(10);
  });

  it('stepPendulumState at an offset of a packed array matches the env exactly (g included)', () => {
    const env = new Pendulum({ g: 11.5 });
    env.reset({ seed: 8 });
    const packed = new Float64Array(6);
    packed.set(env.state!, 2);
    const observation = new Float32Array(6);
    for (let t = 0; t < 50; t++) {
      const torque = Math.sin(t) * 2.5; // some out of bounds
      const result = env.step(Float32Array.of(torque));
      expect(stepPendulumState(packed, 2, torque, 11.5)).toBe(result.reward);
      expect(packed.subarray(2, 4)).toEqual(env.state);
      writePendulumObservation(packed, 2, observation, 3);
      expect(observation.subarray(3)).toEqual(result.observation);
    }
    expect(Array.from(packed.subarray(0, 2))).toEqual([0, 0]);
    expect(Array.from(packed.subarray(4))).toEqual([0, 0]);
  });
});
