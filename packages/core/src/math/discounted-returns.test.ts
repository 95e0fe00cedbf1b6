import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { discountedReturns, discountedSum } from './discounted-returns.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const reals = (minLength = 0) => fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength, maxLength: 30 });

describe('discountedReturns', () => {
  it('computes reward-to-go by hand', () => {
    // r = [1, 2, 3], γ = 0.5:
    // G2 = 3;  G1 = 2 + 0.5·3 = 3.5;  G0 = 1 + 0.5·3.5 = 2.75
    expect(Array.from(discountedReturns(f64([1, 2, 3]), 0.5))).toEqual([2.75, 3.5, 3]);
  });

  it('bootstraps after the last step', () => {
    // bootstrap 4: G2 = 3 + 0.5·4 = 5;  G1 = 2 + 2.5 = 4.5;  G0 = 1 + 2.25 = 3.25
    expect(Array.from(discountedReturns(f64([1, 2, 3]), 0.5, { bootstrap: 4 }))).toEqual([3.25, 4.5, 5]);
  });

  it('cuts at done flags', () => {
    // dones = [0, 1, 0], bootstrap 4: G2 = 3 + 0.5·4 = 5;  G1 = 2 (episode ends);  G0 = 1 + 0.5·2 = 2
    const dones = Uint8Array.from([0, 1, 0]);
    expect(Array.from(discountedReturns(f64([1, 2, 3]), 0.5, { dones, bootstrap: 4 }))).toEqual([2, 2, 5]);
    // a done on the last step drops the bootstrap: G2 = 3, G1 = 2 + 1.5 = 3.5, G0 = 1 + 1.75 = 2.75
    const lastDone = Uint8Array.from([0, 0, 1]);
    expect(Array.from(discountedReturns(f64([1, 2, 3]), 0.5, { dones: lastDone, bootstrap: 4 }))).toEqual([
      2.75, 3.5, 3,
    ]);
  });

  it('returns a Float32Array by default and writes into out when given', () => {
    const rewards = f64([1, 2, 3]);
    expect(discountedReturns(rewards, 1)).toBeInstanceOf(Float32Array);
    const out = new Float64Array(3);
    expect(discountedReturns(rewards, 1, { out })).toBe(out);
    expect(Array.from(out)).toEqual([6, 5, 3]);
    expect(Array.from(rewards)).toEqual([1, 2, 3]);
    expect(Array.from(discountedReturns(new Float32Array(0), 0.9))).toEqual([]);
  });

  it('starts with the whole-episode return', () => {
    fc.assert(
      fc.property(reals(1), fc.double({ min: 0, max: 1, noNaN: true }), (rs, gamma) => {
        const rewards = f64(rs);
        const g = discountedReturns(rewards, gamma, { out: new Float64Array(rs.length) });
        expect(g[0]).toBeCloseTo(discountedSum(rewards, gamma), 9);
      }),
    );
  });

  it('equals the discounted sum of the rest of each episode', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.boolean()), { maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (steps, gamma) => {
          const rewards = f64(steps.map(([r]) => r));
          const dones = Uint8Array.from(steps.map(([, d]) => (d ? 1 : 0)));
          const g = discountedReturns(rewards, gamma, { dones, out: new Float64Array(steps.length) });
          for (let t = 0; t < steps.length; t++) {
            let end = t;
            while (end < steps.length - 1 && dones[end] === 0) end++;
            expect(g[t]).toBeCloseTo(discountedSum(rewards.subarray(t, end + 1), gamma), 9);
          }
        },
      ),
    );
  });

  it('rejects bad arguments', () => {
    const rewards = f64([1, 2]);
    expect(() => discountedReturns(rewards, 1.5)).toThrow(
      new RangeError('discountedReturns: gamma must be in [0, 1], got 1.5'),
    );
    expect(() => discountedReturns(rewards, NaN)).toThrow(/gamma must be in \[0, 1\], got NaN/);
    expect(() => discountedReturns(rewards, 0.9, { dones: new Uint8Array(3) })).toThrow(
      new RangeError('discountedReturns: dones has length 3, rewards 2'),
    );
    expect(() => discountedReturns(rewards, 0.9, { bootstrap: Infinity })).toThrow(
      new RangeError('discountedReturns: bootstrap must be finite, got Infinity'),
    );
    expect(() => discountedReturns(rewards, 0.9, { out: new Float32Array(1) })).toThrow(
      new RangeError('discountedReturns: out has length 1, rewards 2'),
    );
  });
});

describe('discountedSum', () => {
  it('sums by hand', () => {
    // 1 + 0.5·2 + 0.25·3 = 2.75
    expect(discountedSum(f64([1, 2, 3]), 0.5)).toBe(2.75);
    expect(discountedSum(f64([1, 2, 3]), 1)).toBe(6);
    expect(discountedSum(f64([1, 2, 3]), 0)).toBe(1);
    expect(discountedSum(new Float32Array(0), 0.5)).toBe(0);
  });

  it('rejects gamma outside [0, 1]', () => {
    expect(() => discountedSum(f64([1]), -0.1)).toThrow(
      new RangeError('discountedSum: gamma must be in [0, 1], got -0.1'),
    );
  });
});
