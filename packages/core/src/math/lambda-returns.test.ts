import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lambdaReturns, type LambdaReturnsInput } from './lambda-returns.js';
import { computeGae } from './gae.js';
import { discountedReturns } from './discounted-returns.js';
import { arbitraryRollout } from './test-arbitraries.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const u8 = (xs: number[]): Uint8Array => Uint8Array.from(xs);

/** Random [steps, numEnvs] rollout; nextValues agree with values inside episodes. */
const rolloutArb = arbitraryRollout({ maxEnvs: 3 });

describe('lambdaReturns', () => {
  it('matches a hand-worked sequence with a termination and a truncation', () => {
    // γ = 0.5, λ = 0.5; r = [1, 2, 3, 4]; V(s_{t+1}) = [4, NaN, 6, 4];
    // terminated at t1, truncated at t2.
    // G3 = 4 + 0.5·4 = 6                              (last step: bootstrap)
    // G2 = 3 + 0.5·6 = 6                              (truncated: bootstrap from V of the final observation)
    // G1 = 2                                          (terminated; the NaN is ignored)
    // G0 = 1 + 0.5·(0.5·4 + 0.5·G1) = 1 + 0.5·3 = 2.5
    const g = lambdaReturns({
      rewards: f64([1, 2, 3, 4]),
      nextValues: f64([4, NaN, 6, 4]),
      terminated: u8([0, 1, 0, 0]),
      truncated: u8([0, 0, 1, 0]),
      gamma: 0.5,
      lambda: 0.5,
    });
    expect(g).toBeInstanceOf(Float32Array);
    expect(Array.from(g)).toEqual([2.5, 2, 6, 6]);
  });

  it('runs each env column on its own', () => {
    // 2 envs × 2 steps, γ = 1, λ = 0.5; env 0: r [1, 1], V' [2, 4] → G1 = 1 + 4 = 5, G0 = 1 + (0.5·2 + 0.5·5) = 4.5
    // env 1: r [0, 3], V' [6, 8], terminated at t0 → G1 = 3 + 8 = 11, G0 = 0
    const out = new Float64Array(4);
    const g = lambdaReturns(
      {
        rewards: f64([1, 0, 1, 3]),
        nextValues: f64([2, 6, 4, 8]),
        terminated: u8([0, 1, 0, 0]),
        truncated: u8([0, 0, 0, 0]),
        numEnvs: 2,
        gamma: 1,
        lambda: 0.5,
      },
      out,
    );
    expect(g).toBe(out);
    expect(Array.from(g)).toEqual([4.5, 0, 5, 11]);
  });

  it("equals GAE's returns when values are consistent", () => {
    fc.assert(
      fc.property(rolloutArb, (rollout) => {
        const n = rollout.rewards.length;
        const g = lambdaReturns(rollout, new Float64Array(n));
        const gae = computeGae(
          { ...rollout, gaeLambda: rollout.lambda },
          { advantages: new Float64Array(n), returns: new Float64Array(n) },
        );
        g.forEach((x, i) => expect(x).toBeCloseTo(gae.returns[i]!, 8));
      }),
    );
  });

  it('with λ = 0 gives one-step targets and with λ = 1 discounted returns', () => {
    fc.assert(
      fc.property(rolloutArb, ({ rewards, nextValues, terminated, gamma }) => {
        const n = rewards.length;
        const truncated = new Uint8Array(n);
        const input: LambdaReturnsInput = { rewards, nextValues, terminated, truncated, gamma, lambda: 0 };
        lambdaReturns(input, new Float64Array(n)).forEach((g, t) => {
          expect(g).toBeCloseTo(rewards[t]! + (terminated[t] ? 0 : gamma * nextValues[t]!), 10);
        });
        const monteCarlo = discountedReturns(rewards, gamma, {
          dones: terminated,
          bootstrap: nextValues[n - 1]!,
          out: new Float64Array(n),
        });
        lambdaReturns({ ...input, lambda: 1 }, new Float64Array(n)).forEach((g, t) => {
          expect(g).toBeCloseTo(monteCarlo[t]!, 8);
        });
      }),
    );
  });

  it('rejects bad arguments', () => {
    const input: LambdaReturnsInput = {
      rewards: f64([1, 2]),
      nextValues: f64([1, 2]),
      terminated: u8([0, 0]),
      truncated: u8([0, 0]),
      gamma: 0.9,
      lambda: 0.9,
    };
    expect(() => lambdaReturns({ ...input, numEnvs: -1 })).toThrow(
      new RangeError('lambdaReturns: numEnvs must be a positive integer, got -1'),
    );
    expect(() => lambdaReturns({ ...input, numEnvs: 3 })).toThrow(
      new RangeError('lambdaReturns: rewards has length 2, not a multiple of numEnvs 3'),
    );
    expect(() => lambdaReturns({ ...input, nextValues: f64([1]) })).toThrow(
      new RangeError('lambdaReturns: nextValues has length 1, expected 2 (rewards.length)'),
    );
    expect(() => lambdaReturns({ ...input, terminated: u8([0]) })).toThrow(/terminated has length 1/);
    expect(() => lambdaReturns({ ...input, truncated: u8([0]) })).toThrow(/truncated has length 1/);
    expect(() => lambdaReturns({ ...input, gamma: -0.5 })).toThrow(
      new RangeError('lambdaReturns: gamma must be in [0, 1], got -0.5'),
    );
    expect(() => lambdaReturns({ ...input, lambda: 1.5 })).toThrow(
      new RangeError('lambdaReturns: lambda must be in [0, 1], got 1.5'),
    );
    expect(() => lambdaReturns(input, new Float32Array(3))).toThrow(/out has length 3, expected 2/);
  });
});
