import { checkFiniteNonNegative, checkNonNegativeInteger, checkSameLength } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/** Checkpoint form of a {@link RunningMeanStd}; plain JSON, doubles kept exactly. */
export interface RunningMeanStdJSON {
  readonly shape: readonly number[];
  readonly count: number;
  readonly mean: readonly number[];
  readonly var: readonly number[];
}

/** Options of {@link RunningMeanStd.normalize}. */
export interface RunningMeanStdNormalizeOptions {
  /** Clip the normalised values to [−clip, clip]; no clipping when omitted. */
  readonly clip?: number;
  /** Added to the variance before the square root. Default 1e-8. */
  readonly epsilon?: number;
}

/**
 * Running per-element mean and (population) variance of a stream of rows of `shape`,
 * kept in float64 and merged with Chan et al.'s parallel update, which reduces to Welford's
 * for single rows. For two groups a, b with counts n_a, n_b:
 *
 *   δ = μ_b − μ_a,   n = n_a + n_b,   μ = μ_a + δ·n_b/n,
 *   σ² = (n_a·σ²_a + n_b·σ²_b + δ²·n_a·n_b/n) / n
 *
 * Starts at count 0, mean 0, variance 1, so normalising before any update leaves values as
 * they are (up to ε). Unlike SB3 no fake 1e-4 count is added: after updates the statistics
 * are exactly those of the data seen, whatever the chunking.
 */
export class RunningMeanStd {
  /** Shape of one row; [] for a scalar stream. */
  readonly shape: readonly number[];
  /** Elements per row: the product of `shape`. */
  readonly size: number;
  private readonly runningMean: Float64Array;
  private readonly runningVar: Float64Array;
  private runningCount = 0;
  // Scratch for the batch statistics, so that update() allocates nothing.
  private readonly batchMean: Float64Array;
  private readonly batchVar: Float64Array;

  /** Statistics for rows of `shape` (a number is a 1-D shape; [] or omitted is a scalar). */
  constructor(shape: number | readonly number[] = []) {
    const dims = typeof shape === 'number' ? [shape] : [...shape];
    for (const d of dims) {
      if (!Number.isInteger(d) || d < 1) {
        throw new RangeError(`RunningMeanStd: shape must hold positive integers, got [${dims.join(', ')}]`);
      }
    }
    this.shape = Object.freeze(dims);
    this.size = dims.reduce((a, b) => a * b, 1);
    this.runningMean = new Float64Array(this.size);
    this.runningVar = new Float64Array(this.size).fill(1);
    this.batchMean = new Float64Array(this.size);
    this.batchVar = new Float64Array(this.size);
  }

  /** Per-element mean (a copy). */
  get mean(): Float64Array {
    return this.runningMean.slice();
  }

  /** Per-element population variance (a copy). */
  get var(): Float64Array {
    return this.runningVar.slice();
  }

  /** Number of rows seen. */
  get count(): number {
    return this.runningCount;
  }

  /**
   * Folds in `count` rows of `size` elements stored row-major in `batch` (`[count, ...shape]`);
   * `count` defaults to `batch.length / size`. Returns `this`.
   */
  update(batch: Floats, count: number = batch.length / this.size): this {
    checkNonNegativeInteger('RunningMeanStd.update', 'count', count);
    if (batch.length !== count * this.size) {
      throw new RangeError(
        `RunningMeanStd.update: batch has length ${batch.length}, expected count ${count} × size ${this.size}`,
      );
    }
    if (count === 0) return this;
    const size = this.size;
    const mean = this.batchMean.fill(0);
    const variance = this.batchVar.fill(0);
    // Two passes (mean, then squared deviations): exact enough in float64 for any offset.
    for (let r = 0, o = 0; r < count; r++, o += size) {
      for (let i = 0; i < size; i++) mean[i] += batch[o + i]!;
    }
    for (let i = 0; i < size; i++) mean[i] /= count;
    for (let r = 0, o = 0; r < count; r++, o += size) {
      for (let i = 0; i < size; i++) {
        const d = batch[o + i]! - mean[i]!;
        variance[i] += d * d;
      }
    }
    for (let i = 0; i < size; i++) variance[i] /= count;
    this.combine(mean, variance, count);
    return this;
  }

  /** Folds in the statistics of `other` (same shape; left unchanged). Returns `this`. */
  merge(other: RunningMeanStd): this {
    const sameShape = other.shape.length === this.shape.length && other.shape.every((d, i) => d === this.shape[i]);
    if (!sameShape) {
      throw new RangeError(
        `RunningMeanStd.merge: other has shape [${other.shape.join(', ')}], this [${this.shape.join(', ')}]`,
      );
    }
    // Snapshot first: other may be this.
    this.combine(other.runningMean.slice(), other.runningVar.slice(), other.runningCount);
    return this;
  }

  /**
   * (x − μ) / √(σ² + ε), clipped to [−clip, clip] when `clip` is given, for every row of `x`
   * (`[rows, ...shape]`). Writes into `out` (may be `x` itself) or a new Float32Array.
   */
  normalize<T extends Floats = Float32Array>(x: Floats, out?: T, options: RunningMeanStdNormalizeOptions = {}): T {
    const { clip, epsilon = 1e-8 } = options;
    const size = this.size;
    if (x.length % size !== 0) {
      throw new RangeError(`RunningMeanStd.normalize: x has length ${x.length}, not a multiple of size ${size}`);
    }
    if (clip !== undefined && !(clip > 0)) {
      throw new RangeError(`RunningMeanStd.normalize: clip must be > 0, got ${clip}`);
    }
    checkFiniteNonNegative('RunningMeanStd.normalize', 'epsilon', epsilon);
    const result = out ?? (new Float32Array(x.length) as T);
    checkSameLength('RunningMeanStd.normalize', 'out', result.length, 'x', x.length);
    const mean = this.runningMean;
    const variance = this.runningVar;
    const high = clip ?? Infinity;
    for (let o = 0; o < x.length; o += size) {
      for (let i = 0; i < size; i++) {
        const z = (x[o + i]! - mean[i]!) / Math.sqrt(variance[i]! + epsilon);
        result[o + i] = z > high ? high : z < -high ? -high : z;
      }
    }
    return result;
  }

  /** Checkpoint snapshot; `JSON.stringify` of it round-trips exactly. */
  toJSON(): RunningMeanStdJSON {
    return {
      shape: [...this.shape],
      count: this.runningCount,
      mean: Array.from(this.runningMean),
      var: Array.from(this.runningVar),
    };
  }

  /** Restores a snapshot taken by {@link RunningMeanStd.toJSON}. */
  static fromJSON(json: RunningMeanStdJSON): RunningMeanStd {
    if (!Array.isArray(json.shape)) {
      throw new TypeError('RunningMeanStd.fromJSON: shape must be an array');
    }
    const rms = new RunningMeanStd(json.shape);
    checkFiniteNonNegative('RunningMeanStd.fromJSON', 'count', json.count);
    if (!Array.isArray(json.mean) || json.mean.length !== rms.size) {
      throw new RangeError(`RunningMeanStd.fromJSON: mean must be an array of ${rms.size} numbers`);
    }
    if (!Array.isArray(json.var) || json.var.length !== rms.size) {
      throw new RangeError(`RunningMeanStd.fromJSON: var must be an array of ${rms.size} numbers`);
    }
    for (let i = 0; i < rms.size; i++) {
      const m = json.mean[i]!;
      const v = json.var[i]!;
      if (typeof m !== 'number' || !Number.isFinite(m)) {
        throw new RangeError(`RunningMeanStd.fromJSON: mean[${i}] is ${m}, not a finite number`);
      }
      if (typeof v !== 'number' || !(v >= 0 && v < Infinity)) {
        throw new RangeError(`RunningMeanStd.fromJSON: var[${i}] is ${v}, not a finite number >= 0`);
      }
      rms.runningMean[i] = m;
      rms.runningVar[i] = v;
    }
    rms.runningCount = json.count;
    return rms;
  }

  private combine(batchMean: Float64Array, batchVar: Float64Array, batchCount: number): void {
    if (batchCount === 0) return;
    const count = this.runningCount;
    const total = count + batchCount;
    const mean = this.runningMean;
    const variance = this.runningVar;
    for (let i = 0; i < this.size; i++) {
      const delta = batchMean[i]! - mean[i]!;
      mean[i] = mean[i]! + (delta * batchCount) / total;
      const m2 = variance[i]! * count + batchVar[i]! * batchCount + (delta * delta * count * batchCount) / total;
      variance[i] = m2 / total;
    }
    this.runningCount = total;
  }
}
