import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MountainCarContinuous } from './mountain-car-continuous.js';

describe('MountainCarContinuous', () => {
  it('has Gymnasium’s spaces (float32 bounds)', () => {
    const env = new MountainCarContinuous();
    expect(env.actionSpace.toString()).toBe('Box(-1, 1, [1], float32)');
    expect(Array.from(env.observationSpace.low)).toEqual([Math.fround(-1.2), Math.fround(-0.07)]);
    expect(Array.from(env.observationSpace.high)).toEqual([Math.fround(0.6), Math.fround(0.07)]);
  });

  it('starts at a position uniform in [-0.6, -0.4) with velocity 0', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const env = new MountainCarContinuous();
        const { observation } = env.reset({ seed });
        const [position, velocity] = env.state!;
        expect(position).toBeGreaterThanOrEqual(-0.6);
        expect(position).toBeLessThan(-0.4);
        expect(velocity).toBe(0);
        expect(observation).toEqual(Float32Array.of(position!, 0));
      }),
    );
  });

  it('clips out-of-bound forces to [−1, 1] but charges 0.1·a² on the action as given', () => {
    fc.assert(
      fc.property(fc.float({ min: 1, max: 1e6, noNaN: true }), fc.boolean(), (magnitude, negative) => {
        const a = negative ? -magnitude : magnitude;
        const clipped = new MountainCarContinuous();
        const bounded = new MountainCarContinuous();
        clipped.reset({ state: [-0.5, 0.01] });
        bounded.reset({ state: [-0.5, 0.01] });
        const c = clipped.step(Float32Array.of(a));
        const b = bounded.step(Float32Array.of(negative ? -1 : 1));
        expect(c.observation).toEqual(b.observation);
        expect(c.reward).toBe(-(a * a) * 0.1);
      }),
    );
  });

  it('pays +100 on reaching the goal (p ≥ 0.45 with v ≥ goalVelocity)', () => {
    const env = new MountainCarContinuous();
    env.reset({ state: [0.44, 0.05] });
    const { reward, terminated } = env.step(Float32Array.of(0.5));
    expect(terminated).toBe(true);
    expect(reward).toBe(100 - 0.25 * 0.1);
    const strict = new MountainCarContinuous({ goalVelocity: 0.07 });
    strict.reset({ state: [0.44, 0.05] });
    expect(strict.step(Float32Array.of(0.5)).terminated).toBe(false);
  });

  it('stops at the left wall (inelastic) and keeps the speed within 0.07', () => {
    const env = new MountainCarContinuous();
    env.reset({ state: [-1.19, -0.07] });
    env.step(Float32Array.of(-1));
    expect(Array.from(env.state!)).toEqual([Math.fround(-1.2), 0]);
    env.reset({ state: [-0.5, 0.0699] });
    env.step(Float32Array.of(1));
    expect(env.state![1]).toBe(Math.fround(0.07));
  });

  it('stores the state as float32 after a step, as Gymnasium does', () => {
    const env = new MountainCarContinuous();
    env.reset({ seed: 3 });
    for (let t = 0; t < 10; t++) {
      env.step(Float32Array.of(t % 2 === 0 ? 0.3 : -0.7));
      expect(env.state!.every((v) => Math.fround(v) === v)).toBe(true);
    }
  });

  it('accepts any array of one finite number (rounded to float32) and rejects the rest', () => {
    const typed = new MountainCarContinuous();
    const plain = new MountainCarContinuous();
    typed.reset({ seed: 1 });
    plain.reset({ seed: 1 });
    expect(plain.step([0.1] as unknown as Float32Array)).toEqual(typed.step(Float32Array.of(0.1)));
    const space = 'Box(-1, 1, [1], float32)';
    expect(() => plain.step(Float32Array.of(Infinity))).toThrow(
      new RangeError(`MountainCarContinuous: action Float32Array[Infinity] is not a finite number (${space})`),
    );
    expect(() => plain.step(new Float32Array(0))).toThrow(
      new RangeError(`MountainCarContinuous: action Float32Array[] must be an array of 1 number (${space})`),
    );
    expect(() => plain.step(0.5 as never)).toThrow(
      new RangeError(`MountainCarContinuous: action 0.5 must be an array of 1 number (${space})`),
    );
  });
});
