import type { Rng } from '@tfrl/core';
import type { Episode, EpisodeBuffer } from './episode-buffer.js';
import { createColumn, fieldWidth, type ColumnArray } from './field-spec.js';
import { checkIntegersAtLeast } from './internal/validate.js';

const KIND = 'SequenceSampler';

/** Configuration of {@link SequenceSampler}. */
export interface SequenceSamplerConfig {
  /** Where the episodes come from (its completed episodes at each `sample`). */
  source: EpisodeBuffer;
  /** Steps per window that the loss sees. */
  length: number;
  /** Steps before them that only warm up the recurrent state (R2D2's burn-in). Default 0. */
  burnIn?: number;
  /**
   * Extra field of `source` holding the recurrent state the policy had before each step; the
   * batch then carries it at each window's first real step as `initialStates`.
   */
  stateField?: string;
}

/**
 * Fixed-length windows of `L = burnIn + length` steps, `[size × L × …]` row-major. Position p of
 * row b is step `starts[b] + p` of its episode; positions outside the episode are padding (zeros,
 * `mask` 0): leading padding where the burn-in reaches before the episode's start, trailing
 * padding past its end. A recurrent learner should carry its state unchanged through padding
 * (h ← mask·f(x, h) + (1 − mask)·h), start from `initialStates`, and take its loss on `lossMask`.
 */
export interface SequenceBatch {
  /** Windows. */
  size: number;
  /** L = burnIn + length. */
  sequenceLength: number;
  burnIn: number;
  /** Index into `source.episodes` at sampling time. */
  episodeIndices: Int32Array; // [size]
  /** Episode step at position 0 (negative when the window starts before the episode). */
  starts: Int32Array; // [size]
  observations: Float32Array; // [size × L × observationSize]
  /** Observation after each step: the next one inside the episode, its final observation at the last step (zeros if unknown). */
  nextObservations: Float32Array; // [size × L × observationSize]
  actions: Int32Array | Float32Array; // [size × L × actionSize]
  rewards: Float32Array; // [size × L]
  /** 1 at the last step of an episode that terminated. */
  terminated: Uint8Array; // [size × L]
  /** 1 at the last step of an episode that was truncated. */
  truncated: Uint8Array; // [size × L]
  /** 1 where the position is a real step. */
  mask: Uint8Array; // [size × L]
  /** 1 where the position is a real step past the burn-in. */
  lossMask: Uint8Array; // [size × L]
  /** `stateField` at each window's first real step; present when configured. */
  initialStates?: ColumnArray; // [size × stateWidth]
  /** Every extra field of the source, padded like the rest. */
  extras: Record<string, ColumnArray>; // [size × L × width] each
}

/**
 * Samples windows for recurrent policies from an {@link EpisodeBuffer}: the first loss step of
 * each window is drawn uniformly over all stored steps, and the window starts `burnIn` steps
 * before it.
 */
export class SequenceSampler {
  readonly source: EpisodeBuffer;
  readonly length: number;
  readonly burnIn: number;
  readonly stateField: string | undefined;

  constructor(config: SequenceSamplerConfig) {
    const { source, length, burnIn = 0, stateField } = config;
    checkIntegersAtLeast(KIND, { length }, 1);
    checkIntegersAtLeast(KIND, { burnIn }, 0);
    if (stateField !== undefined && (source.fields[stateField] === undefined || ['observation', 'action', 'reward'].includes(stateField))) {
      throw new RangeError(`${KIND}: stateField ${stateField} is not an extra field of the source`);
    }
    this.source = source;
    this.length = length;
    this.burnIn = burnIn;
    this.stateField = stateField;
  }

  /** `batchSize` windows drawn with `rng`; throws when the source holds no completed episode. */
  sample(batchSize: number, rng: Rng): SequenceBatch {
    checkIntegersAtLeast(`${KIND}.sample`, { batchSize }, 1);
    const episodes = this.source.episodes;
    if (episodes.length === 0) throw new Error(`${KIND}.sample: the source holds no completed episode`);
    const ends = new Float64Array(episodes.length); // cumulative step counts
    let total = 0;
    for (let i = 0; i < episodes.length; i++) {
      total += episodes[i]!.length;
      ends[i] = total;
    }
    const episodeIndices = new Int32Array(batchSize);
    const steps = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const x = rng.int(total);
      let lo = 0;
      let hi = episodes.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid]! > x) hi = mid;
        else lo = mid + 1;
      }
      episodeIndices[b] = lo;
      steps[b] = x - (ends[lo]! - episodes[lo]!.length);
    }
    return this.gather(episodeIndices, steps);
  }

  /** The windows whose first loss step is `steps[b]` of episode `episodeIndices[b]` (of `source.episodes`). */
  gather(episodeIndices: ArrayLike<number>, steps: ArrayLike<number>): SequenceBatch {
    const episodes = this.source.episodes;
    const size = episodeIndices.length;
    if (steps.length !== size) throw new RangeError(`${KIND}.gather: steps has length ${steps.length}, episodeIndices ${size}`);
    const { burnIn } = this;
    const L = burnIn + this.length;
    const fields = this.source.fields;
    const o = this.source.observationSize;
    const column = (name: string, width: number): ColumnArray => createColumn(fields[name]?.dtype ?? 'uint8', size * L * width);
    const extraNames = Object.keys(fields).filter((name) => !['observation', 'action', 'reward'].includes(name));
    const batch: SequenceBatch = {
      size,
      sequenceLength: L,
      burnIn,
      episodeIndices: Int32Array.from(episodeIndices),
      starts: new Int32Array(size),
      observations: new Float32Array(size * L * o),
      nextObservations: new Float32Array(size * L * o),
      actions: column('action', this.source.actionSize) as Int32Array | Float32Array,
      rewards: new Float32Array(size * L),
      terminated: new Uint8Array(size * L),
      truncated: new Uint8Array(size * L),
      mask: new Uint8Array(size * L),
      lossMask: new Uint8Array(size * L),
      extras: Object.fromEntries(extraNames.map((name) => [name, column(name, fieldWidth(fields[name]!))])),
    };
    const stateWidth = this.stateField === undefined ? 0 : fieldWidth(fields[this.stateField]!);
    if (this.stateField !== undefined) batch.initialStates = createColumn(fields[this.stateField]!.dtype, size * stateWidth);
    for (let b = 0; b < size; b++) {
      const episode: Episode | undefined = episodes[episodeIndices[b]!];
      const t = steps[b]!;
      if (episode === undefined || !Number.isInteger(t) || t < 0 || t >= episode.length) {
        throw new RangeError(`${KIND}.gather: no step ${t} in episode ${episodeIndices[b]} of ${episodes.length}`);
      }
      const start = t - burnIn;
      batch.starts[b] = start;
      const copyRow = (from: ArrayLike<number>, fromRow: number, to: ColumnArray, toRow: number, width: number): void => {
        for (let k = 0; k < width; k++) to[toRow * width + k] = from[fromRow * width + k]!;
      };
      for (let p = 0; p < L; p++) {
        const s = start + p;
        if (s < 0 || s >= episode.length) continue;
        const row = b * L + p;
        const last = s === episode.length - 1;
        batch.mask[row] = 1;
        batch.lossMask[row] = p >= burnIn ? 1 : 0;
        copyRow(episode.observations, s, batch.observations, row, o);
        if (!last) copyRow(episode.observations, s + 1, batch.nextObservations, row, o);
        else if (episode.finalObservation !== null) copyRow(episode.finalObservation, 0, batch.nextObservations, row, o);
        copyRow(episode.actions, s, batch.actions, row, this.source.actionSize);
        batch.rewards[row] = episode.rewards[s]!;
        batch.terminated[row] = last && episode.terminated ? 1 : 0;
        batch.truncated[row] = last && episode.truncated ? 1 : 0;
        for (const name of extraNames) copyRow(episode.extras[name]!, s, batch.extras[name]!, row, fieldWidth(fields[name]!));
      }
      if (this.stateField !== undefined) copyRow(episode.extras[this.stateField]!, Math.max(start, 0), batch.initialStates!, b, stateWidth);
    }
    return batch;
  }
}
