import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nStepTargets, type NStepInput } from './n-step.js';
import { discountedReturns } from './discounted-returns.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const u8 = (xs: number[]): Uint8Array => Uint8Array.from(xs);
const real = fc.double({ min: -10, max: 10, noNaN: true });

const sequenceArb = fc.integer({ min: 1, max: 20 }).chain((steps) =>
  fc.record({
    rewards: fc.array(real, { minLength: steps, maxLength: steps }).map(f64),
    nextValues: fc.array(real, { minLength: steps, maxLength: steps }).map(f64),
    ends: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: steps, maxLength: steps }),
    gamma: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
);

describe('nStepTargets', () => {
  it('stops at a termination without bootstrapping, and bootstraps at the end of the sequence', () => {
    // r = [1, 2, 3, 4, 5], V(s_{t+1}) = [10, 20, NaN, 40, 50], terminated at t2, γ = 0.5, n = 3
    // t0: window t0..t2, ends terminated: 1 + 0.5·2 + 0.25·3 = 2.75, discount 0
    // t1: window t1..t2:                 2 + 0.5·3 = 3.5,           discount 0
    // t2: window t2:                     3,                         discount 0
    // t3: window t3..t4 (sequence ends): 4 + 0.5·5 = 6.5,  discount 0.25, G = 6.5 + 0.25·50 = 19
    // t4: window t4:                     5,            discount 0.5,  G = 5 + 0.5·50 = 30
    const result = nStepTargets({
      rewards: f64([1, 2, 3, 4, 5]),
      nextValues: f64([10, 20, NaN, 40, 50]),
      terminated: u8([0, 0, 1, 0, 0]),
      truncated: u8([0, 0, 0, 0, 0]),
      gamma: 0.5,
      n: 3,
    });
    expect(Array.from(result.rewardSums)).toEqual([2.75, 3.5, 3, 6.5, 5]);
    expect(Array.from(result.discounts)).toEqual([0, 0, 0, 0.25, 0.5]);
    expect(Array.from(result.bootstrapIndices)).toEqual([2, 2, 2, 4, 4]);
    expect(Array.from(result.returns)).toEqual([2.75, 3.5, 3, 19, 30]);
  });

  it('stops at a truncation and bootstraps from the truncated step’s next state', () => {
    // Same rewards, truncated at t1 (V of the final observation 20), γ = 0.5, n = 3:
    // t0: window t0..t1: 1 + 0.5·2 = 2,   discount 0.25,  G = 2 + 0.25·20 = 7
    // t1: window t1:     2,               discount 0.5,   G = 2 + 0.5·20 = 12
    // t2: window t2..t4: 3 + 0.5·4 + 0.25·5 = 6.25, discount 0.125, G = 6.25 + 0.125·50 = 12.5
    // t3: 6.5 + 0.25·50 = 19;   t4: 5 + 0.5·50 = 30
    const input: NStepInput = {
      rewards: f64([1, 2, 3, 4, 5]),
      nextValues: f64([10, 20, 30, 40, 50]),
      terminated: u8([0, 0, 0, 0, 0]),
      truncated: u8([0, 1, 0, 0, 0]),
      gamma: 0.5,
      n: 3,
    };
    const result = nStepTargets(input);
    expect(Array.from(result.returns)).toEqual([7, 12, 12.5, 19, 30]);
    expect(Array.from(result.discounts)).toEqual([0.25, 0.5, 0.125, 0.25, 0.5]);
    expect(Array.from(result.bootstrapIndices)).toEqual([1, 1, 4, 4, 4]);
    // Without nextValues the returns carry no bootstrap term.
    const unbootstrapped = nStepTargets({ ...input, nextValues: undefined });
    expect(Array.from(unbootstrapped.returns)).toEqual([2, 2, 6.25, 6.5, 5]);
    expect(unbootstrapped.returns).toEqual(unbootstrapped.rewardSums);
  });

  it('with n = 1 gives one-step targets', () => {
    fc.assert(
      fc.property(sequenceArb, ({ rewards, nextValues, ends, gamma }) => {
        const terminated = u8(ends.map((x) => (x === 1 ? 1 : 0)));
        const truncated = u8(ends.map((x) => (x === 2 ? 1 : 0)));
        const result = nStepTargets({ rewards, nextValues, terminated, truncated, gamma, n: 1 });
        for (let t = 0; t < rewards.length; t++) {
          const discount = terminated[t] ? 0 : gamma;
          expect(result.discounts[t]).toBeCloseTo(discount, 6);
          expect(result.bootstrapIndices[t]).toBe(t);
          expect(result.returns[t]).toBeCloseTo(Math.fround(rewards[t]! + discount * nextValues[t]!), 4);
        }
      }),
    );
  });

  it('with n past the episode length sums each episode’s rewards to go', () => {
    fc.assert(
      fc.property(sequenceArb, ({ rewards, ends, gamma }) => {
        const terminated = u8(ends.map((x) => (x === 0 ? 0 : 1)));
        const truncated = new Uint8Array(rewards.length);
        const { rewardSums } = nStepTargets({ rewards, terminated, truncated, gamma, n: rewards.length });
        const expected = discountedReturns(rewards, gamma, {
          dones: terminated,
          out: new Float64Array(rewards.length),
        });
        // Both are rounded to float32 from different summation orders.
        expected.forEach((g, t) => expect(Math.abs(rewardSums[t]! - g)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(g))));
      }),
    );
  });

  it('keeps every window inside one episode and at most n long', () => {
    fc.assert(
      fc.property(sequenceArb, fc.integer({ min: 1, max: 6 }), ({ rewards, ends, gamma }, n) => {
        const terminated = u8(ends.map((x) => (x === 1 ? 1 : 0)));
        const truncated = u8(ends.map((x) => (x === 2 ? 1 : 0)));
        const { bootstrapIndices, discounts } = nStepTargets({ rewards, terminated, truncated, gamma, n });
        bootstrapIndices.forEach((j, t) => {
          expect(j - t).toBeGreaterThanOrEqual(0);
          expect(j - t).toBeLessThan(n);
          for (let k = t; k < j; k++) expect(terminated[k] || truncated[k]).toBe(0);
          const stoppedEarly = j < t + n - 1 && j < rewards.length - 1;
          if (stoppedEarly) expect(terminated[j] || truncated[j]).toBe(1);
          expect(discounts[t]).toBe(terminated[j] ? 0 : Math.fround(gamma ** (j - t + 1)));
        });
      }),
    );
  });

  it('rejects bad arguments', () => {
    const input: NStepInput = {
      rewards: f64([1, 2]),
      terminated: u8([0, 0]),
      truncated: u8([0, 0]),
      gamma: 0.9,
      n: 2,
    };
    expect(() => nStepTargets({ ...input, terminated: u8([0]) })).toThrow(
      new RangeError('nStepTargets: terminated has length 1, rewards 2'),
    );
    expect(() => nStepTargets({ ...input, truncated: u8([0, 0, 0]) })).toThrow(
      new RangeError('nStepTargets: truncated has length 3, rewards 2'),
    );
    expect(() => nStepTargets({ ...input, nextValues: f64([1]) })).toThrow(
      new RangeError('nStepTargets: nextValues has length 1, rewards 2'),
    );
    expect(() => nStepTargets({ ...input, gamma: 2 })).toThrow(
      new RangeError('nStepTargets: gamma must be in [0, 1], got 2'),
    );
    expect(() => nStepTargets({ ...input, n: 0 })).toThrow(
      new RangeError('nStepTargets: n must be an integer >= 1, got 0'),
    );
    expect(() => nStepTargets({ ...input, n: 1.5 })).toThrow(/n must be an integer >= 1, got 1.5/);
  });
});
