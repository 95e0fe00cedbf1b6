import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  categoricalProjection,
  categoricalSupport,
  type CategoricalProjectionInput,
} from './categorical-projection.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const p = [0.2, 0.3, 0.5];

/** Support z = [−1, 0, 1] (Δz = 1), one row projected at a time. */
const project3 = (reward: number, discount: number): number[] =>
  Array.from(
    categoricalProjection(
      { probabilities: f64(p), rewards: f64([reward]), discounts: f64([discount]), vMin: -1, vMax: 1, atoms: 3 },
      new Float64Array(3),
    ),
  );

const batchArb = fc
  .record({
    atoms: fc.integer({ min: 2, max: 21 }),
    batch: fc.integer({ min: 1, max: 5 }),
    vMin: fc.double({ min: -50, max: 0, noNaN: true }),
    width: fc.double({ min: 0.5, max: 100, noNaN: true }),
  })
  .chain(({ atoms, batch, vMin, width }) =>
    fc
      .record({
        weights: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: batch * atoms,
          maxLength: batch * atoms,
        }),
        rewards: fc.array(fc.double({ min: -200, max: 200, noNaN: true }), { minLength: batch, maxLength: batch }),
        discounts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: batch, maxLength: batch }),
      })
      .map(({ weights, rewards, discounts }): CategoricalProjectionInput => {
        const probabilities = new Float64Array(batch * atoms);
        for (let b = 0; b < batch; b++) {
          const row = weights.slice(b * atoms, (b + 1) * atoms);
          const total = row.reduce((s, w) => s + w, 0);
          row.forEach((w, j) => (probabilities[b * atoms + j] = total > 0 ? w / total : j === 0 ? 1 : 0));
        }
        return { probabilities, rewards: f64(rewards), discounts: f64(discounts), vMin, vMax: vMin + width, atoms };
      }),
  );

describe('categoricalSupport', () => {
  it('spaces atoms evenly from vMin to vMax', () => {
    expect(Array.from(categoricalSupport(-1, 1, 3))).toEqual([-1, 0, 1]);
    const z = categoricalSupport(-10, 10, 51);
    expect(z[0]).toBe(-10);
    expect(z[25]).toBeCloseTo(0, 6);
    expect(z[50]).toBe(10);
  });
});

describe('categoricalProjection', () => {
  it('keeps all the mass when b lands exactly on atoms (l == u)', () => {
    // r = 0, d = 1: Tz = z, b = [0, 1, 2] all integers, l = u: each p_j goes whole to atom j.
    // (Algorithm 1 as printed adds p·(u − b) = 0 and p·(b − l) = 0 and loses everything.)
    expect(project3(0, 1)).toEqual([0.2, 0.3, 0.5]);
  });

  it('splits mass between neighbours, mixing the l == u case with the others', () => {
    // r = 0.5, d = 0.5: Tz = 0.5 + 0.5·[−1, 0, 1] = [0, 0.5, 1], b = [1, 1.5, 2]
    // j=0: l = u = 1 → m1 += 0.2;  j=1: l=1, u=2 → m1 += 0.3·0.5, m2 += 0.3·0.5;  j=2: l = u = 2 → m2 += 0.5
    // m = [0, 0.35, 0.65]
    const m = project3(0.5, 0.5);
    expect(m[0]).toBe(0);
    expect(m[1]).toBeCloseTo(0.35, 15);
    expect(m[2]).toBeCloseTo(0.65, 15);
  });

  it('clamps Tz to the support', () => {
    // r = 2, d = 0.5: Tz = [1.5, 2, 2.5] → all clamped to vMax = 1 → m = [0, 0, 1]
    expect(project3(2, 0.5)).toEqual([0, 0, 1]);
    // r = −3, d = 1: Tz = [−4, −3, −2] → all clamped to vMin → m = [1, 0, 0]
    expect(project3(-3, 1)).toEqual([1, 0, 0]);
  });

  it('projects the reward alone when the discount is 0 (terminal)', () => {
    // r = −0.25: Tz = −0.25 for every atom, b = 0.75, l = 0, u = 1 → m0 = 1·0.25, m1 = 1·0.75
    expect(project3(-0.25, 0)).toEqual([0.25, 0.75, 0]);
  });

  it('projects a batch into a Float32Array by default, or in place', () => {
    const input: CategoricalProjectionInput = {
      probabilities: f64([...p, ...p]),
      rewards: f64([0, -0.25]),
      discounts: f64([1, 0]),
      vMin: -1,
      vMax: 1,
      atoms: 3,
    };
    const m = categoricalProjection(input);
    expect(m).toBeInstanceOf(Float32Array);
    expect(Array.from(m)).toEqual([0.2, 0.3, 0.5, 0.25, 0.75, 0].map(Math.fround));
    expect(Array.from(input.probabilities)).toEqual([...p, ...p]);
    const inPlace = f64([...p, ...p]);
    expect(categoricalProjection({ ...input, probabilities: inPlace }, inPlace)).toBe(inPlace);
    expect(Array.from(inPlace)).toEqual([0.2, 0.3, 0.5, 0.25, 0.75, 0]);
  });

  it('gives non-negative rows that sum to 1 and keep the mean when Tz stays inside the support', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const { atoms, rewards, discounts, probabilities, vMin, vMax } = input;
        const m = categoricalProjection(input, new Float64Array(probabilities.length));
        const z = categoricalSupport(vMin, vMax, atoms);
        for (let b = 0; b < rewards.length; b++) {
          const row = m.subarray(b * atoms, (b + 1) * atoms);
          expect(row.every((x) => x >= 0)).toBe(true);
          expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
          const r = rewards[b]!;
          const d = discounts[b]!;
          if (r + d * vMin >= vMin && r + d * vMax <= vMax) {
            let target = 0;
            let projected = 0;
            for (let j = 0; j < atoms; j++) {
              target += probabilities[b * atoms + j]! * (r + d * z[j]!);
              projected += row[j]! * z[j]!;
            }
            expect(Math.abs(projected - target)).toBeLessThanOrEqual(1e-5 * (vMax - vMin));
          }
        }
      }),
    );
  });

  it('puts a point mass with discount 0 on the atoms next to the reward', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const { atoms, rewards, vMin, vMax } = input;
        const m = categoricalProjection(
          { ...input, discounts: new Float64Array(rewards.length) },
          new Float64Array(input.probabilities.length),
        );
        const dz = (vMax - vMin) / (atoms - 1);
        for (let b = 0; b < rewards.length; b++) {
          const r = Math.min(Math.max(rewards[b]!, vMin), vMax);
          const position = (r - vMin) / dz;
          for (let j = 0; j < atoms; j++) {
            const next = j >= Math.floor(position) - 1e-9 && j <= Math.ceil(position) + 1e-9;
            if (!next) expect(m[b * atoms + j]).toBeLessThan(1e-9);
          }
          // all the mass sits there, at mean r
          let mean = 0;
          for (let j = 0; j < atoms; j++) mean += m[b * atoms + j]! * (vMin + j * dz);
          expect(Math.abs(mean - r)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(vMax - vMin)));
        }
      }),
    );
  });

  it('rejects bad arguments', () => {
    const input: CategoricalProjectionInput = {
      probabilities: f64(p),
      rewards: f64([0]),
      discounts: f64([1]),
      vMin: -1,
      vMax: 1,
      atoms: 3,
    };
    const bad = (patch: Partial<CategoricalProjectionInput>, out?: Float32Array) => () =>
      categoricalProjection({ ...input, ...patch }, out);
    expect(bad({ atoms: 1 })).toThrow(new RangeError('categoricalProjection: atoms must be an integer >= 2, got 1'));
    expect(bad({ vMin: 1 })).toThrow(
      new RangeError('categoricalProjection: vMin and vMax must be finite with vMin < vMax, got 1, 1'),
    );
    expect(bad({ vMax: Infinity })).toThrow(/vMin and vMax must be finite/);
    expect(bad({ discounts: f64([1, 1]) })).toThrow(
      new RangeError('categoricalProjection: discounts has length 2, rewards 1'),
    );
    expect(bad({ probabilities: f64([1, 0]) })).toThrow(
      new RangeError('categoricalProjection: probabilities has length 2, expected rewards.length 1 × atoms 3'),
    );
    expect(bad({}, new Float32Array(2))).toThrow(new RangeError('categoricalProjection: out has length 2, expected 3'));
    expect(bad({ rewards: f64([NaN]) })).toThrow(
      new RangeError('categoricalProjection: rewards[0] is NaN, not finite'),
    );
    expect(bad({ discounts: f64([1.5]) })).toThrow(
      new RangeError('categoricalProjection: discounts[0] must be in [0, 1], got 1.5'),
    );
    expect(() => categoricalSupport(0, 0, 3)).toThrow(/categoricalSupport: vMin and vMax must be finite/);
  });
});
