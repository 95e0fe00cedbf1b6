import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  asSchedule,
  constantSchedule,
  exponentialSchedule,
  linearSchedule,
  piecewiseSchedule,
  type Schedule,
} from './schedules.js';

const value = fc.double({ min: -1e3, max: 1e3, noNaN: true });
const progress = fc.double({ min: -0.5, max: 1.5, noNaN: true });

/** For p ≤ q: s(p) and s(q) lie between start and end, and move from start towards end. */
const expectMonotone = (s: Schedule, start: number, end: number, p: number, q: number): void => {
  const [a, b] = [s(Math.min(p, q)), s(Math.max(p, q))];
  const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
  const slack = 1e-9 * (1 + Math.abs(start) + Math.abs(end));
  for (const v of [a, b]) {
    expect(v).toBeGreaterThanOrEqual(lo - slack);
    expect(v).toBeLessThanOrEqual(hi + slack);
  }
  if (end >= start) expect(b).toBeGreaterThanOrEqual(a - slack);
  else expect(b).toBeLessThanOrEqual(a + slack);
};

describe('constantSchedule', () => {
  it('is constant, and asSchedule wraps numbers only', () => {
    const s = constantSchedule(3);
    expect([s(0), s(0.5), s(1)]).toEqual([3, 3, 3]);
    expect(asSchedule(2)(0.7)).toBe(2);
    expect(asSchedule(s)).toBe(s);
    expect(() => constantSchedule(NaN)).toThrow(
      new RangeError('constantSchedule: value must be a finite number, got NaN'),
    );
    expect(() => s(NaN)).toThrow(new RangeError('Schedule: progress must be a number in [0, 1], got NaN'));
  });
});

describe('linearSchedule', () => {
  it('matches hand-worked values and clamps progress', () => {
    // start 1, end 0.1 over the first half: p = 0.25 → 1 + (0.1 − 1)·0.5 = 0.55
    const s = linearSchedule({ start: 1, end: 0.1, fraction: 0.5 });
    expect(s(0)).toBe(1);
    expect(s(0.25)).toBeCloseTo(0.55, 15);
    expect(s(0.5)).toBe(0.1);
    expect(s(1)).toBe(0.1);
    expect(s(2)).toBe(0.1);
    expect(s(-1)).toBe(1);
    expect(linearSchedule({ start: 0, end: 4 })(0.75)).toBe(3);
  });

  it('is monotone between its endpoints', () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        progress,
        progress,
        (start, end, fraction, p, q) => {
          expectMonotone(linearSchedule({ start, end, fraction }), start, end, p, q);
        },
      ),
    );
  });

  it('rejects bad options', () => {
    expect(() => linearSchedule({ start: 1, end: Infinity })).toThrow(
      new RangeError('linearSchedule: end must be a finite number, got Infinity'),
    );
    expect(() => linearSchedule({ start: NaN, end: 0 })).toThrow(/start must be a finite number/);
    expect(() => linearSchedule({ start: 1, end: 0, fraction: 0 })).toThrow(
      new RangeError('linearSchedule: fraction must be in (0, 1], got 0'),
    );
  });
});

describe('exponentialSchedule', () => {
  it('matches hand-worked values', () => {
    // decay 0.25 towards 0: p = 0.5 → 0.25^0.5 = 0.5;  towards 0.1: 0.1 + 0.9·0.5 = 0.55
    const s = exponentialSchedule({ start: 1, decay: 0.25 });
    expect([s(0), s(0.5), s(1)]).toEqual([1, 0.5, 0.25]);
    expect(exponentialSchedule({ start: 1, end: 0.1, decay: 0.25 })(0.5)).toBeCloseTo(0.55, 15);
  });

  it('is monotone between its endpoints', () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        progress,
        progress,
        (start, end, decay, p, q) => {
          expectMonotone(exponentialSchedule({ start, end, decay }), start, end, p, q);
        },
      ),
    );
  });

  it('rejects bad options', () => {
    expect(() => exponentialSchedule({ start: 1, decay: 0 })).toThrow(
      new RangeError('exponentialSchedule: decay must be in (0, 1], got 0'),
    );
    expect(() => exponentialSchedule({ start: 1, end: NaN, decay: 0.5 })).toThrow(
      new RangeError('exponentialSchedule: end must be a finite number, got NaN'),
    );
    expect(() => exponentialSchedule({ start: Infinity, decay: 0.5 })).toThrow(/start must be a finite number/);
  });
});

describe('piecewiseSchedule', () => {
  it('interpolates linearly or holds steps between hand-picked points', () => {
    const points = [
      [0.2, 1],
      [0.6, 0.5],
      [1, 0],
    ] as const;
    const linear = piecewiseSchedule(points);
    // before the first point: 1; p = 0.4 → 1 + (0.5 − 1)·(0.2/0.4) = 0.75; p = 0.8 → 0.25
    expect(linear(0)).toBe(1);
    expect(linear(0.4)).toBeCloseTo(0.75, 15);
    expect(linear(0.6)).toBe(0.5);
    expect(linear(0.8)).toBeCloseTo(0.25, 15);
    expect(linear(1)).toBe(0);
    const step = piecewiseSchedule(points, { interpolation: 'step' });
    expect([step(0.1), step(0.4), step(0.6), step(0.99), step(1)]).toEqual([1, 1, 0.5, 0.5, 0]);
    const single = piecewiseSchedule([[0.5, 7]]);
    expect([single(0), single(1)]).toEqual([7, 7]);
  });

  it('copies its points', () => {
    const points: [number, number][] = [
      [0, 0],
      [1, 1],
    ];
    const s = piecewiseSchedule(points);
    points[1]![1] = 100;
    expect(s(1)).toBe(1);
  });

  it('is monotone between its endpoints when its values are', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.array(value, { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom('linear' as const, 'step' as const),
        progress,
        progress,
        (ps, vs, increasing, interpolation, p, q) => {
          const xs = [...ps].sort((a, b) => a - b);
          const ys = vs.slice(0, xs.length).sort((a, b) => (increasing ? a - b : b - a));
          const s = piecewiseSchedule(
            xs.map((x, i) => [x, ys[i]!] as const),
            { interpolation },
          );
          expectMonotone(s, ys[0]!, ys.at(-1)!, p, q);
        },
      ),
    );
  });

  it('rejects bad points', () => {
    expect(() => piecewiseSchedule([])).toThrow(new RangeError('piecewiseSchedule: points must not be empty'));
    expect(() => piecewiseSchedule([[1.5, 0]])).toThrow(
      new RangeError('piecewiseSchedule: points[0] progress must be in [0, 1], got 1.5'),
    );
    expect(() =>
      piecewiseSchedule([
        [0.5, 0],
        [0.5, 1],
      ]),
    ).toThrow(new RangeError('piecewiseSchedule: points must have strictly increasing progress, got 0.5 then 0.5'));
    expect(() =>
      piecewiseSchedule([
        [0, 0],
        [1, NaN],
      ]),
    ).toThrow(new RangeError('piecewiseSchedule: points[1] value must be a finite number, got NaN'));
    expect(() => piecewiseSchedule([[0, 0]], { interpolation: 'cubic' as 'linear' })).toThrow(
      new RangeError("piecewiseSchedule: interpolation must be 'linear' or 'step', got cubic"),
    );
  });
});
