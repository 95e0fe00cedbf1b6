import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RunningMeanStd, type RunningMeanStdJSON } from './running-mean-std.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

const expectRelClose = (actual: Float64Array, expected: Float64Array, rel: number): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Math.abs(a - e)).toBeLessThanOrEqual(rel * Math.max(Math.abs(e), 1e-12));
  });
};

describe('RunningMeanStd', () => {
  it('tracks mean and population variance by hand', () => {
    // rows [1, 10], [3, 20], [5, 60]:
    // column 0: mean 3, Var = (4 + 0 + 4)/3 = 8/3; column 1: mean 30, Var = (400 + 100 + 900)/3 = 1400/3
    const rms = new RunningMeanStd([2]);
    rms.update(f64([1, 10, 3, 20, 5, 60]));
    expect(rms.count).toBe(3);
    expect(Array.from(rms.mean)).toEqual([3, 30]);
    expectRelClose(rms.var, f64([8 / 3, 1400 / 3]), 1e-15);
    // one more row [7, 30], folded in by Chan's update:
    // column 0: δ = 4, μ = 3 + 4·1/4 = 4, σ² = (3·8/3 + 0 + 16·3·1/4)/4 = 20/4 = 5   (= Var[1, 3, 5, 7])
    // column 1: δ = 0, μ = 30, σ² = (1400 + 0 + 0)/4 = 350                          (= Var[10, 20, 60, 30])
    rms.update(new Float32Array([7, 30]), 1);
    expect(rms.count).toBe(4);
    expect(Array.from(rms.mean)).toEqual([4, 30]);
    expectRelClose(rms.var, f64([5, 350]), 1e-15);
  });

  it('normalises with its statistics, with optional clipping', () => {
    const rms = new RunningMeanStd(2).update(f64([1, 10, 3, 20, 5, 60, 7, 30])); // μ [4, 30], σ² [5, 350]
    const x = f64([4, 30, 4 + 2 * Math.sqrt(5), 30 - Math.sqrt(350)]);
    const z = rms.normalize(x, new Float64Array(4), { epsilon: 0 });
    [0, 0, 2, -1].forEach((v, i) => expect(z[i]).toBeCloseTo(v, 12));
    const clipped = rms.normalize(x, undefined, { epsilon: 0, clip: 1.5 });
    expect(clipped).toBeInstanceOf(Float32Array);
    [0, 0, 1.5, -1].forEach((v, i) => expect(clipped[i]).toBeCloseTo(v, 6));
    // in place
    const y = f64([4, 30]);
    expect(rms.normalize(y, y)).toBe(y);
    expect(Array.from(y)).toEqual([0, 0]);
  });

  it('starts as the identity normalisation of a scalar stream', () => {
    const rms = new RunningMeanStd();
    expect(rms.shape).toEqual([]);
    expect(rms.size).toBe(1);
    expect(rms.count).toBe(0);
    expect(Array.from(rms.normalize(f64([3, -2]), undefined, { epsilon: 0 }))).toEqual([3, -2]);
    expect(rms.update(new Float32Array(0)).count).toBe(0);
  });

  it('hands out copies of its statistics', () => {
    const rms = new RunningMeanStd([1]).update(f64([1, 3]));
    rms.mean[0] = 100;
    rms.var[0] = 100;
    expect(Array.from(rms.mean)).toEqual([2]);
    expect(Array.from(rms.var)).toEqual([1]);
  });

  it('gives the statistics of the whole batch however it is chunked and merged', () => {
    const size = 3;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: size, maxLength: 40 * size }),
        fc.array(fc.nat(40), { maxLength: 6 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (values, cuts, offset) => {
          const rows = Math.floor(values.length / size);
          const data = f64(values.slice(0, rows * size).map((v) => v + offset));
          const whole = new RunningMeanStd([size]).update(data);
          const bounds = [0, ...cuts.map((c) => c % (rows + 1)).sort((a, b) => a - b), rows];
          const sequential = new RunningMeanStd([size]);
          const merged = new RunningMeanStd([size]);
          for (let k = 0; k + 1 < bounds.length; k++) {
            const chunk = data.subarray(bounds[k]! * size, bounds[k + 1]! * size);
            sequential.update(chunk);
            merged.merge(new RunningMeanStd([size]).update(chunk));
          }
          const [mean, variance] = [whole.mean, whole.var];
          // Variance is ill-conditioned when the spread is tiny against the offset (chunk means
          // then differ in their last bits): no float64 method keeps 9 digits there.
          fc.pre(variance.every((v, i) => v === 0 || v >= 1e-12 * mean[i]! ** 2));
          for (const rms of [sequential, merged]) {
            expect(rms.count).toBe(rows);
            rms.mean.forEach((m, i) => {
              const tolerance = 1e-9 * (Math.abs(mean[i]!) + Math.sqrt(variance[i]!)) + 1e-300; // + subnormal slack
              expect(Math.abs(m - mean[i]!)).toBeLessThanOrEqual(tolerance);
            });
            expectRelClose(rms.var, variance, 1e-9);
          }
        },
      ),
    );
  });

  it('merges with itself as doubling the data', () => {
    const rms = new RunningMeanStd([2]).update(f64([1, 10, 3, 20]));
    rms.merge(rms);
    expect(rms.count).toBe(4);
    expect(Array.from(rms.mean)).toEqual([2, 15]);
    expect(Array.from(rms.var)).toEqual([1, 25]);
  });

  it('round-trips through JSON exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 20 }), (xs) => {
        const data = f64(xs.slice(0, xs.length - (xs.length % 2)));
        const rms = new RunningMeanStd([2, 1]).update(data);
        const restored = RunningMeanStd.fromJSON(JSON.parse(JSON.stringify(rms)) as RunningMeanStdJSON);
        expect(restored.shape).toEqual([2, 1]);
        expect(restored.count).toBe(rms.count);
        expect(restored.mean).toEqual(rms.mean);
        expect(restored.var).toEqual(rms.var);
        expect(restored.update(data).toJSON()).toEqual(rms.update(data).toJSON());
      }),
    );
  });

  it('rejects bad arguments', () => {
    expect(() => new RunningMeanStd([2, 0])).toThrow(
      new RangeError('RunningMeanStd: shape must hold positive integers, got [2, 0]'),
    );
    expect(() => new RunningMeanStd(1.5)).toThrow(/shape must hold positive integers, got \[1.5\]/);
    const rms = new RunningMeanStd([2]);
    expect(() => rms.update(f64([1, 2, 3]))).toThrow(
      new RangeError('RunningMeanStd.update: count must be a non-negative integer, got 1.5'),
    );
    expect(() => rms.update(f64([1, 2, 3]), 2)).toThrow(
      new RangeError('RunningMeanStd.update: batch has length 3, expected count 2 × size 2'),
    );
    expect(() => rms.update(f64([]), -1)).toThrow(/count must be a non-negative integer, got -1/);
    expect(() => rms.merge(new RunningMeanStd([1, 2]))).toThrow(
      new RangeError('RunningMeanStd.merge: other has shape [1, 2], this [2]'),
    );
    expect(() => rms.merge(new RunningMeanStd([3]))).toThrow(/other has shape \[3\], this \[2\]/);
    expect(() => rms.normalize(f64([1, 2, 3]))).toThrow(
      new RangeError('RunningMeanStd.normalize: x has length 3, not a multiple of size 2'),
    );
    expect(() => rms.normalize(f64([1, 2]), undefined, { clip: 0 })).toThrow(
      new RangeError('RunningMeanStd.normalize: clip must be > 0, got 0'),
    );
    expect(() => rms.normalize(f64([1, 2]), undefined, { epsilon: -1 })).toThrow(
      new RangeError('RunningMeanStd.normalize: epsilon must be finite and >= 0, got -1'),
    );
    expect(() => rms.normalize(f64([1, 2]), new Float32Array(4))).toThrow(
      new RangeError('RunningMeanStd.normalize: out has length 4, x 2'),
    );
  });

  it('rejects malformed checkpoints', () => {
    const good: RunningMeanStdJSON = { shape: [2], count: 3, mean: [1, 2], var: [0.5, 1] };
    expect(RunningMeanStd.fromJSON(good).toJSON()).toEqual(good);
    const bad = (patch: object) => () => RunningMeanStd.fromJSON({ ...good, ...patch } as RunningMeanStdJSON);
    expect(bad({ shape: 2 })).toThrow(new TypeError('RunningMeanStd.fromJSON: shape must be an array'));
    expect(bad({ count: -1 })).toThrow(
      new RangeError('RunningMeanStd.fromJSON: count must be finite and >= 0, got -1'),
    );
    expect(bad({ mean: [1] })).toThrow(new RangeError('RunningMeanStd.fromJSON: mean must be an array of 2 numbers'));
    expect(bad({ var: 'x' })).toThrow(new RangeError('RunningMeanStd.fromJSON: var must be an array of 2 numbers'));
    expect(bad({ mean: [1, null] })).toThrow(
      new RangeError('RunningMeanStd.fromJSON: mean[1] is null, not a finite number'),
    );
    expect(bad({ var: [1, -2] })).toThrow(
      new RangeError('RunningMeanStd.fromJSON: var[1] is -2, not a finite number >= 0'),
    );
  });
});
