import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeGae, type GaeInput } from './gae.js';
import { discountedReturns } from './discounted-returns.js';
import { arbitraryRollout } from './test-arbitraries.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const u8 = (xs: number[]): Uint8Array => Uint8Array.from(xs);

/**
 * 3 steps × 2 envs, γ = 0.5, λ = 0.5 (γλ = 0.25), entries interleaved [t0e0, t0e1, t1e0, …].
 *
 * env 0, truncated at t1 (V of the pre-reset final observation is 6, of the reset one 2):
 *   rewards [1, 1, 1], values [2, 3, 2], nextValues [3, 6, 8]
 *   δ2 = 1 + 0.5·8 − 2 = 3          A2 = 3
 *   δ1 = 1 + 0.5·6 − 3 = 1          A1 = 1            (truncated: recursion stops, δ still bootstraps)
 *   δ0 = 1 + 0.5·3 − 2 = 0.5        A0 = 0.5 + 0.25·1 = 0.75
 *   returns = A + V = [2.75, 4, 5]
 *   (treating the truncation as a termination would give δ1 = 1 − 3 = −2.)
 *
 * env 1, terminated at t1 (its nextValue is NaN: it must be ignored):
 *   rewards [0, 2, 4], values [1, 1, 4], nextValues [1, NaN, 2]
 *   δ2 = 4 + 0.5·2 − 4 = 1          A2 = 1
 *   δ1 = 2 − 1 = 1                  A1 = 1            (terminated: no bootstrap, recursion stops)
 *   δ0 = 0 + 0.5·1 − 1 = −0.5       A0 = −0.5 + 0.25·1 = −0.25
 *   returns = [0.75, 2, 5]
 */
const handRollout: GaeInput = {
  rewards: f64([1, 0, 1, 2, 1, 4]),
  values: f64([2, 1, 3, 1, 2, 4]),
  nextValues: f64([3, 1, 6, NaN, 8, 2]),
  terminated: u8([0, 0, 0, 1, 0, 0]),
  truncated: u8([0, 0, 1, 0, 0, 0]),
  numEnvs: 2,
  gamma: 0.5,
  gaeLambda: 0.5,
};

/** A random rollout whose nextValues agree with values inside episodes. */
const rolloutArb = (options: { truncation: boolean }) =>
  arbitraryRollout(options).map(({ lambda, ...rollout }) => ({ ...rollout, gaeLambda: lambda }) satisfies GaeInput);

const column = <T extends Float64Array | Uint8Array>(xs: T, e: number, numEnvs: number): T =>
  xs.filter((_, i) => i % numEnvs === e) as T;

const out64 = (n: number) => ({ advantages: new Float64Array(n), returns: new Float64Array(n) });

describe('computeGae', () => {
  it('matches the hand-worked 3-step, 2-env rollout with a truncation and a termination', () => {
    const { advantages, returns } = computeGae(handRollout);
    expect(advantages).toBeInstanceOf(Float32Array);
    expect(Array.from(advantages)).toEqual([0.75, -0.25, 1, 1, 3, 1]);
    expect(Array.from(returns)).toEqual([2.75, 0.75, 4, 2, 5, 5]);
  });

  it('writes into out and leaves its inputs alone', () => {
    const copy = structuredClone(handRollout);
    const out = out64(6);
    const result = computeGae(handRollout, out);
    expect(result.advantages).toBe(out.advantages);
    expect(result.returns).toBe(out.returns);
    expect(handRollout).toEqual(copy);
  });

  it('with λ = 1 gives discounted returns bootstrapped with the last value', () => {
    fc.assert(
      fc.property(rolloutArb({ truncation: false }), (rollout) => {
        const { numEnvs, rewards, terminated, nextValues, gamma } = rollout;
        const { returns } = computeGae({ ...rollout, gaeLambda: 1 }, out64(rewards.length));
        for (let e = 0; e < numEnvs; e++) {
          const lastNext = column(nextValues, e, numEnvs).at(-1)!;
          const expected = discountedReturns(column(rewards, e, numEnvs), gamma, {
            dones: column(terminated, e, numEnvs),
            bootstrap: lastNext,
            out: new Float64Array(rewards.length / numEnvs),
          });
          const actual = column(returns, e, numEnvs);
          expected.forEach((g, t) => expect(actual[t]).toBeCloseTo(g, 8));
        }
      }),
    );
  });

  it('with λ = 0 gives one-step TD errors', () => {
    fc.assert(
      fc.property(rolloutArb({ truncation: true }), (rollout) => {
        const { rewards, values, nextValues, terminated, gamma } = rollout;
        const { advantages } = computeGae({ ...rollout, gaeLambda: 0 }, out64(rewards.length));
        advantages.forEach((a, i) => {
          const bootstrap = terminated[i] ? 0 : gamma * nextValues[i]!;
          expect(a).toBeCloseTo(rewards[i]! + bootstrap - values[i]!, 10);
        });
      }),
    );
  });

  it('treats every env column on its own', () => {
    fc.assert(
      fc.property(rolloutArb({ truncation: true }), (rollout) => {
        const { numEnvs } = rollout;
        const all = computeGae(rollout, out64(rollout.rewards.length));
        for (let e = 0; e < numEnvs; e++) {
          const one = computeGae(
            {
              rewards: column(rollout.rewards, e, numEnvs),
              values: column(rollout.values, e, numEnvs),
              nextValues: column(rollout.nextValues, e, numEnvs),
              terminated: column(rollout.terminated, e, numEnvs),
              truncated: column(rollout.truncated, e, numEnvs),
              numEnvs: 1,
              gamma: rollout.gamma,
              gaeLambda: rollout.gaeLambda,
            },
            out64(rollout.rewards.length / numEnvs),
          );
          expect(column(all.advantages, e, numEnvs)).toEqual(one.advantages);
          expect(column(all.returns, e, numEnvs)).toEqual(one.returns);
        }
      }),
    );
  });

  it('rejects bad arguments', () => {
    const bad = (patch: Partial<GaeInput>, out?: Parameters<typeof computeGae>[1]) => () =>
      computeGae({ ...handRollout, ...patch }, out);
    expect(bad({ numEnvs: 0 })).toThrow(new RangeError('computeGae: numEnvs must be a positive integer, got 0'));
    expect(bad({ numEnvs: 1.5 })).toThrow(/numEnvs must be a positive integer, got 1.5/);
    expect(bad({ numEnvs: 4 })).toThrow(
      new RangeError('computeGae: rewards has length 6, not a multiple of numEnvs 4'),
    );
    expect(bad({ values: new Float32Array(5) })).toThrow(
      new RangeError('computeGae: values has length 5, expected 6 (rewards.length)'),
    );
    expect(bad({ nextValues: new Float32Array(4) })).toThrow(/nextValues has length 4, expected 6/);
    expect(bad({ terminated: new Uint8Array(7) })).toThrow(/terminated has length 7, expected 6/);
    expect(bad({ truncated: new Uint8Array(2) })).toThrow(/truncated has length 2, expected 6/);
    expect(bad({ gamma: 1.01 })).toThrow(new RangeError('computeGae: gamma must be in [0, 1], got 1.01'));
    expect(bad({ gaeLambda: -1 })).toThrow(new RangeError('computeGae: gaeLambda must be in [0, 1], got -1'));
    expect(bad({}, { advantages: new Float32Array(5), returns: new Float32Array(6) })).toThrow(
      /out.advantages has length 5, expected 6/,
    );
    expect(bad({}, { advantages: new Float32Array(6), returns: new Float32Array(3) })).toThrow(
      /out.returns has length 3, expected 6/,
    );
    const shared = new Float32Array(6);
    expect(bad({}, { advantages: shared, returns: shared })).toThrow(
      new RangeError('computeGae: out.advantages and out.returns must be distinct'),
    );
  });
});
