import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CART_POLE_THETA_THRESHOLD, CartPole, cartPoleTerminated, stepCartPoleState, writeCartPoleObservation } from './cart-pole.js';

describe('CartPole', () => {
  it('has Gymnasium’s spaces (float32 bounds)', () => {
    const env = new CartPole();
    expect(env.actionSpace.toString()).toBe('Discrete(2)');
    expect(Array.from(env.observationSpace.high)).toEqual([
      Math.fround(4.8),
      3.4028234663852886e38,
      Math.fround((24 * Math.PI) / 180),
      3.4028234663852886e38,
    ]);
    expect(Array.from(env.observationSpace.low)).toEqual(Array.from(env.observationSpace.high, (v) => -v));
    expect(CART_POLE_THETA_THRESHOLD).toBeCloseTo((12 * Math.PI) / 180, 15);
  });

  it('starts every variable uniform in [-0.05, 0.05), the observation being the state as float32', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const env = new CartPole();
        const { observation } = env.reset({ seed });
        const state = env.state!;
        expect(state.every((v) => v >= -0.05 && v < 0.05)).toBe(true);
        expect(observation).toEqual(Float32Array.from(state));
      }),
    );
  });

  it('spreads start states over the whole range', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    const xs: number[] = [];
    for (let i = 0; i < 2000; i++) xs.push(...env.reset().observation);
    expect(Math.min(...xs)).toBeLessThan(-0.049);
    expect(Math.max(...xs)).toBeGreaterThan(0.049);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length)).toBeLessThan(0.002);
  });

  it('pushes right with action 1 and left with action 0; reward +1 per step including the last', () => {
    const right = new CartPole();
    right.reset({ state: [0, 0, 0, 0] });
    const r = right.step(1);
    expect(r.observation[0]).toBe(0); // Euler: x moves with the old velocity
    expect(r.observation[1]).toBeGreaterThan(0);
    expect(r.observation[3]).toBeLessThan(0); // the pole tips back
    expect(r.reward).toBe(1);
    const left = new CartPole();
    left.reset({ state: [0, 0, 0, 0] });
    const l = left.step(0);
    expect(Array.from(l.observation)).toEqual(Array.from(r.observation, (v) => (v === 0 ? 0 : -v)));

    const ending = new CartPole();
    ending.reset({ state: [2.39, 1, 0, 0] });
    expect(ending.step(1)).toMatchObject({ reward: 1, terminated: true, truncated: false });
  });

  it('terminates when |x| > 2.4 or |θ| > 12°', () => {
    const state = new Float64Array(4);
    expect(cartPoleTerminated(state, 0)).toBe(false);
    state.set([2.4, 0, CART_POLE_THETA_THRESHOLD, 0]);
    expect(cartPoleTerminated(state, 0)).toBe(false);
    state.set([-2.41, 0, 0, 0]);
    expect(cartPoleTerminated(state, 0)).toBe(true);
    state.set([0, 0, -CART_POLE_THETA_THRESHOLD - 1e-9, 0]);
    expect(cartPoleTerminated(state, 0)).toBe(true);
  });

  it('with suttonBartoReward gives 0 per step and −1 on termination', () => {
    const env = new CartPole({ suttonBartoReward: true });
    env.reset({ state: [0, 0, 0, 0] });
    expect(env.step(1).reward).toBe(0);
    env.reset({ state: [2.39, 1, 0, 0] });
    expect(env.step(1)).toMatchObject({ reward: -1, terminated: true });
    expect(() => new CartPole({ suttonBartoReward: 1 as never })).toThrow(
      new RangeError('CartPole: suttonBartoReward must be a boolean, got 1'),
    );
  });

  it('stepCartPoleState at an offset of a packed array matches the env exactly', () => {
    const env = new CartPole();
    const packed = new Float64Array(12);
    env.reset({ seed: 4 });
    packed.set(env.state!, 4);
    const observation = new Float32Array(8);
    for (let t = 0; t < 20; t++) {
      const action = t % 3 === 0 ? 0 : 1;
      const result = env.step(action);
      expect(stepCartPoleState(packed, 4, action)).toBe(result.reward);
      expect(packed.subarray(4, 8)).toEqual(env.state);
      writeCartPoleObservation(packed, 4, observation, 4);
      expect(observation.subarray(4)).toEqual(result.observation);
      expect(cartPoleTerminated(packed, 4)).toBe(result.terminated);
      if (result.terminated) break;
    }
    expect(Array.from(packed.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(packed.subarray(8))).toEqual([0, 0, 0, 0]);
  });
});
