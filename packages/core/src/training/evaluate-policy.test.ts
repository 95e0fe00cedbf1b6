import { describe, expect, it } from 'vitest';
import type { ActOptions, Policy } from '../agent.js';
import type { Env, ResetOptions, StepResult } from '../env.js';
import type { Space } from '../spaces/space.js';
import { evaluatePolicy } from './evaluate-policy.js';

/** {0, …, n-1} as a minimal Space (the real Discrete lives in spaces/). */
function discrete(n: number): Space<number> {
  return {
    kind: 'discrete',
    shape: [],
    flatDim: 1,
    contains: (x): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) < n,
    sample: (rng) => rng.int(n),
    flatten: (x, out = new Float32Array(1), offset = 0) => {
      out[offset] = x;
      return out;
    },
    unflatten: (flat, offset = 0) => flat[offset]!,
    toJSON: () => ({ kind: 'discrete', n, start: 0 }),
  };
}

/**
 * A corridor of 4 cells. Reset puts the agent at `seed % 3` (0 without a seed); action 1
 * moves right, action 0 stays; every step costs -1; reaching cell 4 terminates.
 */
class Corridor implements Env<number, number> {
  readonly observationSpace = discrete(5);
  readonly actionSpace = discrete(2);
  readonly resets: (ResetOptions | undefined)[] = [];
  private position = 0;

  reset(options?: ResetOptions) {
    this.resets.push(options);
    this.position = options?.seed === undefined ? 0 : options.seed % 3;
    return { observation: this.position, info: {} };
  }

  step(action: number): StepResult<number> {
    this.position += action;
    return { observation: this.position, reward: -1, terminated: this.position >= 4, truncated: false, info: {} };
  }
}

/** Always takes `action`; remembers the options it was called with. */
function constant(action: number): Policy<number, number> & { calls: (ActOptions | undefined)[] } {
  const calls: (ActOptions | undefined)[] = [];
  return {
    calls,
    act(_observation, options) {
      calls.push(options);
      return action;
    },
  };
}

describe('evaluatePolicy', () => {
  it('reports mean, population std and mean length; seeds episode i with seed + i', () => {
    const env = new Corridor();
    const policy = constant(1);
    const result = evaluatePolicy(env, policy, { episodes: 3, seed: 10 });
    // starts 1, 2, 0 → lengths 3, 2, 4 and returns -3, -2, -4
    expect(env.resets).toEqual([{ seed: 10 }, { seed: 11 }, { seed: 12 }]);
    expect(result.returns).toEqual([-3, -2, -4]);
    expect(result.lengths).toEqual([3, 2, 4]);
    expect(result.meanReturn).toBe(-3);
    expect(result.stdReturn).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(result.meanLength).toBe(3);
    expect(policy.calls.every((o) => o?.deterministic === true)).toBe(true);
  });

  it('resets a stateful policy at the start of every episode, before its first action', () => {
    const env = new Corridor();
    const log: string[] = [];
    // Moves right only on the first step of an episode: without resets it would stall.
    let fresh = false;
    const policy: Policy<number, number> = {
      act() {
        log.push('act');
        const action = fresh ? 1 : 0;
        fresh = false;
        return action;
      },
      resetState() {
        log.push('reset');
        fresh = true;
      },
    };
    const result = evaluatePolicy(env, policy, { episodes: 2, seed: 3, maxStepsPerEpisode: 5, onStepLimit: 'truncate' });
    expect(log.slice(0, 2)).toEqual(['reset', 'act']);
    expect(log.filter((e) => e === 'reset')).toHaveLength(2);
    expect(log[log.indexOf('reset', 1) + 1]).toBe('act');
    expect(result.lengths).toEqual([5, 5]);
  });

  it('defaults to 10 unseeded episodes; passes deterministic: false through', () => {
    const env = new Corridor();
    const policy = constant(1);
    const result = evaluatePolicy(env, policy, { deterministic: false });
    expect(env.resets).toEqual(Array(10).fill(undefined));
    expect(result.returns).toEqual(Array(10).fill(-4));
    expect(result.stdReturn).toBe(0);
    expect(policy.calls.every((o) => o?.deterministic === false)).toBe(true);
  });

  it('ends on truncation as well as termination', () => {
    const env: Env<number, number> = {
      observationSpace: discrete(1),
      actionSpace: discrete(1),
      reset: () => ({ observation: 0, info: {} }),
      step: () => ({ observation: 0, reward: 0.5, terminated: false, truncated: true, info: {} }),
    };
    expect(evaluatePolicy(env, constant(0), { episodes: 2 })).toEqual({
      meanReturn: 0.5,
      stdReturn: 0,
      meanLength: 1,
      returns: [0.5, 0.5],
      lengths: [1, 1],
    });
  });

  it('throws a clear error for an env that never ends', () => {
    expect(() => evaluatePolicy(new Corridor(), constant(0), { episodes: 1, maxStepsPerEpisode: 50 })).toThrow(
      'evaluatePolicy: episode 0 did not end within 50 steps; the env may lack a time limit',
    );
  });

  it("truncates at maxStepsPerEpisode with onStepLimit: 'truncate'", () => {
    const result = evaluatePolicy(new Corridor(), constant(0), { episodes: 2, maxStepsPerEpisode: 7, onStepLimit: 'truncate' });
    expect(result.lengths).toEqual([7, 7]);
    expect(result.returns).toEqual([-7, -7]);
  });

  it('validates its options', () => {
    const env = new Corridor();
    const policy = constant(1);
    expect(() => evaluatePolicy(env, policy, { episodes: 0 })).toThrow('episodes must be an integer >= 1, got 0');
    expect(() => evaluatePolicy(env, policy, { maxStepsPerEpisode: 0.5 })).toThrow('maxStepsPerEpisode must be an integer >= 1');
    expect(() => evaluatePolicy(env, policy, { seed: 1.5 })).toThrow('seed must be an integer');
    expect(() => evaluatePolicy(env, policy, { onStepLimit: 'loop' as 'throw' })).toThrow("onStepLimit must be 'throw' or 'truncate'");
  });
});
