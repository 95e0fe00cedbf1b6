import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** Serialisable state of an {@link Rng}: the generator words plus a cached normal deviate. */
export interface RngState {
  readonly algorithm: 'xoroshiro128plus';
  readonly words: readonly number[];
  /** Second Box–Muller deviate kept for the next `normal()` call, or null. */
  readonly spareNormal: number | null;
}

/**
 * The generator's 128-bit state from a 32-bit seed by four rounds of splitmix32. Seeding
 * xoroshiro128+ with the raw seed (low words zero) makes its first outputs nearly equal for
 * nearby seeds (every seed below 100,000 drew a first uniform above 0.9999); mixing first gives
 * unrelated streams for seeds 0, 1, 2, … as vector envs use them.
 */
function scrambleSeed(seed: number): number[] {
  const words: number[] = [];
  let a = seed;
  for (let i = 0; i < 4; i++) {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    words.push((t ^ (t >>> 15)) | 0);
  }
  if (!words.some((w) => w !== 0)) words[0] = 1; // the all-zero state is a fixed point
  return words;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/**
 * The one source of randomness in tfrl: a seeded xoroshiro128+ generator (pure-rand)
 * with the draws RL needs. Same seed, same sequence, on every platform.
 */
export class Rng {
  private gen: JumpableRandomGenerator;
  private spare: number | null = null;

  private constructor(gen: JumpableRandomGenerator) {
    this.gen = gen;
  }

  /** A generator seeded with a 32-bit integer. */
  static fromSeed(seed: number): Rng {
    if (!Number.isInteger(seed)) throw new RangeError(`Rng seed must be an integer, got ${seed}`);
    return new Rng(xoroshiro128plusFromState(scrambleSeed(seed | 0)));
  }

  /** A generator restored from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = Rng.fromSeed(0);
    rng.setState(state);
    return rng;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  uniform(low?: number, high?: number): number {
    const a = this.gen.next() >>> 5;
    const b = this.gen.next() >>> 6;
    const u = (a * TWO_POW_26 + b) / TWO_POW_53;
    return low === undefined ? u : low + (high! - low) * u;
  }

  /** Uniform integer in [0, n) (unbiased, by rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`Rng.int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    }
    // Rejection sampling on 32-bit draws keeps every value equally likely.
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.gen.next() >>> 0;
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [low, high] (both ends included). */
  integer(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new RangeError(`Rng.integer(low, high) needs integers low <= high, got ${low}, ${high}`);
    }
    return low + this.int(high - low + 1);
  }

  /** Gaussian deviate N(mean, std²) by the Box–Muller transform. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with uniform floats in [low, high). */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills `out` with N(mean, std²) deviates. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /**
   * Index i drawn with probability weights[i] / Σ weights, over the entries that `mask`
   * allows (mask[i] truthy). Weights must be finite and ≥ 0 with a positive allowed sum.
   */
  categorical(weights: ArrayLike<number>, mask?: ArrayLike<number | boolean>): number {
    const n = weights.length;
    if (mask !== undefined && mask.length !== n) {
      throw new RangeError(`Rng.categorical: mask has length ${mask.length}, weights ${n}`);
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || w === Infinity) {
        throw new RangeError(`Rng.categorical: weight ${i} is ${w}; weights must be finite and >= 0`);
      }
      if (mask === undefined || mask[i]) total += w;
    }
    if (!(total > 0)) throw new RangeError('Rng.categorical: no allowed entry has a positive weight');
    let target = this.uniform() * total;
    let last = -1;
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && !mask[i]) continue;
      const w = weights[i]!;
      if (w <= 0) continue;
      last = i;
      if (target < w) return i;
      target -= w;
    }
    return last; // rounding put the target past the end: the last positive entry
  }

  /** Fisher–Yates shuffle of `array` in place; returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * An independent child stream: the child starts 2^64 draws ahead of this generator's
   * current position and this generator jumps past it, so streams never overlap in practice.
   */
  spawn(): Rng {
    this.gen.jump();
    const child = new Rng(this.gen.clone());
    this.gen.jump();
    return child;
  }

  /** A copy that will produce the same sequence as this generator. */
  clone(): Rng {
    const copy = new Rng(this.gen.clone());
    copy.spare = this.spare;
    return copy;
  }

  /** Snapshot for checkpoints; JSON-serialisable. */
  getState(): RngState {
    return { algorithm: 'xoroshiro128plus', words: [...this.gen.getState()], spareNormal: this.spare };
  }

  /** Restores a snapshot taken by {@link Rng.getState}. */
  setState(state: RngState): void {
    if (state.algorithm !== 'xoroshiro128plus') {
      throw new TypeError(`Rng state: unknown algorithm ${String(state.algorithm)}`);
    }
    if (state.words.length !== 4 || state.words.some((w) => !Number.isInteger(w))) {
      throw new TypeError('Rng state: words must be four 32-bit integers');
    }
    this.gen = xoroshiro128plusFromState(state.words);
    this.spare = state.spareNormal;
  }
}

/** Factory form of {@link Rng.fromSeed}. */
export function createRng(seed: number): Rng {
  return Rng.fromSeed(seed);
}
