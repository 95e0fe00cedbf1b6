import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = Rng.fromSeed(7);
    const b = Rng.fromSeed(7);
    const c = Rng.fromSeed(8);
    const xs = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(xs);
  });

  it('gives unrelated first draws for consecutive seeds', () => {
    const firsts = Array.from({ length: 2000 }, (_, seed) => Rng.fromSeed(seed).uniform());
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const deciles = new Array(10).fill(0);
    for (const u of firsts) deciles[Math.floor(u * 10)]++;
    for (const count of deciles) expect(count).toBeGreaterThan(140); // 200 expected per decile
  });

  it('round-trips its state, including a cached normal deviate', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, warmup) => {
        const rng = Rng.fromSeed(seed);
        for (let i = 0; i < warmup; i++) rng.uniform();
        rng.normal(); // leaves a spare deviate cached
        const state = JSON.parse(JSON.stringify(rng.getState()));
        const expected = [rng.normal(), rng.uniform(), rng.int(10)];
        const restored = Rng.fromState(state);
        expect([restored.normal(), restored.uniform(), restored.int(10)]).toEqual(expected);
      }),
    );
  });

  it('draws uniform floats in [0, 1) and in [low, high)', () => {
    const rng = Rng.fromSeed(1);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const v = rng.uniform(-2, 3);
      expect(v >= -2 && v < 3).toBe(true);
    }
  });

  it('draws integers in range with roughly equal frequencies', () => {
    const rng = Rng.fromSeed(3);
    const counts = new Array(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.integer(1, 6) - 1]++;
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(0.03 * n / 6 * 3);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.integer(3, 2)).toThrow(/low <= high/);
  });

  it('draws normals with the requested mean and standard deviation', () => {
    const rng = Rng.fromSeed(11);
    const xs = rng.fillNormal(new Float64Array(50_000), 2, 3);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(3, 1);
  });

  it('samples categorical indices in proportion to their weights and never a masked one', () => {
    const rng = Rng.fromSeed(5);
    const weights = [1, 0, 3, 6];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[rng.categorical(weights)]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 40_000).toBeCloseTo(0.1, 1);
    expect(counts[3] / 40_000).toBeCloseTo(0.6, 1);
    for (let i = 0; i < 1000; i++) expect(rng.categorical(weights, [1, 1, 0, 0])).toBe(0);
    expect(() => rng.categorical([1, 2], [0, 0])).toThrow(/no allowed entry/);
    expect(() => rng.categorical([1, Number.NaN])).toThrow(/weight 1 is NaN/);
    expect(() => rng.categorical([1, 2], [1])).toThrow(/mask has length 1/);
  });

  it('produces permutations and shuffles that keep every element', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(200), (seed, n) => {
        const perm = Rng.fromSeed(seed).permutation(n);
        expect(Array.from(perm).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('spawns independent child streams deterministically', () => {
    const parent = Rng.fromSeed(9);
    const c1 = parent.spawn();
    const c2 = parent.spawn();
    const a = Array.from({ length: 10 }, () => c1.uniform());
    const b = Array.from({ length: 10 }, () => c2.uniform());
    expect(a).not.toEqual(b);
    const again = Rng.fromSeed(9).spawn();
    expect(Array.from({ length: 10 }, () => again.uniform())).toEqual(a);
  });

  it('rejects a non-integer seed and a malformed state', () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Rng.fromState({ algorithm: 'xoroshiro128plus', words: [1, 2], spareNormal: null })).toThrow(/four/);
  });
});
