import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MountainCar } from './mountain-car.js';

describe('MountainCar', () => {
  it('has Gymnasium’s spaces (float32 bounds)', () => {
    const env = new MountainCar();
    expect(env.actionSpace.toString()).toBe('Discrete(3)');
    expect(Array.from(env.observationSpace.low)).toEqual([Math.fround(-1.2), Math.fround(-0.07)]);
    expect(Array.from(env.observationSpace.high)).toEqual([Math.fround(0.6), Math.fround(0.07)]);
  });

  it('starts at a position uniform in [-0.6, -0.4) with velocity 0', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const env = new MountainCar();
        const { observation } = env.reset({ seed });
        const [position, velocity] = env.state!;
        expect(position).toBeGreaterThanOrEqual(-0.6);
        expect(position).toBeLessThan(-0.4);
        expect(velocity).toBe(0);
        expect(observation).toEqual(Float32Array.of(position!, 0));
      }),
    );
  });

  it('spreads start positions over the whole range', () => {
    const env = new MountainCar();
    const positions = Array.from({ length: 2000 }, () => env.reset().observation[0]!);
    expect(Math.min(...positions)).toBeLessThan(-0.598);
    expect(Math.max(...positions)).toBeGreaterThan(-0.402);
    expect(Math.abs(positions.reduce((a, b) => a + b, 0) / positions.length + 0.5)).toBeLessThan(0.005);
  });

  it('accelerates by (a − 1)·0.001 − 0.0025·cos(3p), then moves by the new velocity; reward −1', () => {
    // At p = π/6, cos(3p) = cos(π/2) ≈ 0: only the push acts.
    const env = new MountainCar();
    env.reset({ state: [Math.PI / 6, 0] });
    const { reward, terminated } = env.step(2);
    const [p, v] = env.state!;
    expect(v).toBeCloseTo(0.001, 15);
    expect(p).toBeCloseTo(Math.PI / 6 + 0.001, 15);
    expect(reward).toBe(-1);
    expect(terminated).toBe(true); // p ≥ 0.5 and v ≥ 0
  });

  it('stops at the left wall (inelastic) and clips the speed to 0.07', () => {
    const env = new MountainCar();
    env.reset({ state: [-1.19, -0.07] });
    env.step(0);
    expect(Array.from(env.state!)).toEqual([-1.2, 0]);
    env.reset({ state: [-0.5, 0.0699] });
    env.step(2);
    expect(env.state![1]).toBe(0.07);
  });

  it('needs velocity ≥ goalVelocity at the goal', () => {
    const strict = new MountainCar({ goalVelocity: 0.06 });
    strict.reset({ state: [0.49, 0.05] });
    expect(strict.step(2).terminated).toBe(false);
    const lenient = new MountainCar();
    lenient.reset({ state: [0.49, 0.05] });
    expect(lenient.step(2).terminated).toBe(true);
    expect(() => new MountainCar({ goalVelocity: NaN })).toThrow(
      new RangeError('MountainCar: goalVelocity must be a finite number, got NaN'),
    );
  });
});
