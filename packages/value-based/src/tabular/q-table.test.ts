import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, Rng } from '@tfrl/core';
import { GridWorld } from '@tfrl/envs';
import { QTable } from './q-table.js';

describe('QTable', () => {
  it('stores Q(s, a) row by row and answers max, argmax, state values and the greedy policy', () => {
    const q = new QTable(2, 3, [1, 5, 2, -1, -3, -2]);
    expect([q.get(0, 1), q.get(1, 2), q.max(0), q.max(1), q.argmax(0), q.argmax(1)]).toEqual([5, -2, 5, -1, 1, 0]);
    q.set(1, 2, 4);
    expect(Array.from(q.values)).toEqual([1, 5, 2, -1, -3, 4]);
    expect(Array.from(q.stateValues())).toEqual([5, 4]);
    expect(Array.from(q.greedyPolicy())).toEqual([1, 2]);
    expect(Array.from(new QTable(2, 2).values)).toEqual([0, 0, 0, 0]);
  });

  it('breaks argmax ties uniformly with an Rng, and to the lowest action without one', () => {
    const q = new QTable(1, 4, [0, 7, 3, 7]);
    expect(q.argmax(0)).toBe(1);
    const rng = Rng.fromSeed(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 2000; i++) counts[q.argmax(0, rng)]!++;
    expect(counts[0]! + counts[2]!).toBe(0);
    expect(Math.abs(counts[1]! - 1000)).toBeLessThan(100);
    // the same seed gives the same tie-breaks
    const draws = (seed: number): number[] => {
      const r = Rng.fromSeed(seed);
      return Array.from({ length: 20 }, () => q.argmax(0, r));
    };
    expect(draws(3)).toEqual(draws(3));
  });

  it('acts ε-greedily: every action with ε/|A|, the greedy ones with (1 − ε) more between them', () => {
    const q = new QTable(1, 4, [1, 3, 3, 0]);
    expect(Array.from(q.epsilonGreedyProbabilities(0, 0.2))).toEqual([0.05, 0.45, 0.45, 0.05]);
    const rng = Rng.fromSeed(0);
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[q.epsilonGreedy(0, 0.2, rng)]!++;
    [0.05, 0.45, 0.45, 0.05].forEach((p, a) => expect(Math.abs(counts[a]! / n - p)).toBeLessThan(0.015));
    expect(new Set(Array.from({ length: 50 }, () => q.epsilonGreedy(0, 0, rng)))).toEqual(new Set([1, 2]));
  });

  it('ε-greedy probabilities sum to 1 and put the greedy mass on maximal actions only (property)', () => {
    const row = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(row, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (values, epsilon, seed) => {
        const q = new QTable(1, values.length, values);
        const p = q.epsilonGreedyProbabilities(0, epsilon);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const best = Math.max(...values);
        values.forEach((v, a) => {
          if (v < best) expect(p[a]).toBeCloseTo(epsilon / values.length, 14);
        });
        expect(values[q.argmax(0, Rng.fromSeed(seed))]).toBe(best);
      }),
    );
  });

  it('is a core Policy: greedy when deterministic, ε-greedy otherwise, live on the table', () => {
    const env = new GridWorld();
    const q = new QTable(12, 4);
    const policy = q.toPolicy({ epsilon: 1, rng: Rng.fromSeed(0) });
    // the optimal route: up, up, right, right, right
    for (const [s, a] of [[8, 0], [4, 0], [0, 3], [1, 3], [2, 3]] as const) q.set(s, a, 1);
    expect(evaluatePolicy(env, policy, { episodes: 2 }).returns).toEqual([1, 1]);
    expect(new Set(Array.from({ length: 100 }, () => policy.act(8, { deterministic: false })))).toEqual(new Set([0, 1, 2, 3]));
    expect(() => policy.act(12)).toThrow(new RangeError('QTable policy: observation must be an integer in [0, 11], got 12'));
    expect(() => q.toPolicy({ epsilon: 2 })).toThrow(new RangeError('QTable.toPolicy: epsilon must be in [0, 1], got 2'));
  });

  it('round-trips through JSON and clones without sharing values', () => {
    const q = new QTable(2, 2, [0.5, -1, 3, 0.25]);
    const json = JSON.parse(JSON.stringify(q)) as ReturnType<QTable['toJSON']>;
    expect(json).toEqual({ numStates: 2, numActions: 2, values: [0.5, -1, 3, 0.25] });
    expect(Array.from(QTable.fromJSON(json).values)).toEqual([0.5, -1, 3, 0.25]);
    const copy = q.clone();
    copy.set(0, 0, 9);
    expect(q.get(0, 0)).toBe(0.5);
  });

  it('rejects bad sizes and JSON', () => {
    expect(() => new QTable(0, 2)).toThrow(new RangeError('QTable: numStates must be an integer >= 1, got 0'));
    expect(() => new QTable(2, 1.5)).toThrow(new RangeError('QTable: numActions must be an integer >= 1, got 1.5'));
    expect(() => new QTable(2, 2, [1])).toThrow(new RangeError('QTable: values has length 1, expected 4 (numStates × numActions)'));
    expect(() => QTable.fromJSON({ numStates: 1, numActions: 1, values: [null as unknown as number] })).toThrow(
      new RangeError('QTable.fromJSON: values must all be finite numbers'),
    );
    expect(() => QTable.fromJSON(null as never)).toThrow(TypeError);
  });
});
