import type { AutoresetMode, Rng } from '@tfrl/core';
import { NStepAdapter, PrioritizedReplayBuffer, UniformReplayBuffer, type ReplayBatch } from '@tfrl/replay';
import type { DqnConfig } from './config.js';
import type { DqnBatch } from './learner.js';

/** One vector step as {@link DqnReplay.add} takes it; rows are per sub-env. */
export interface DqnReplayStep {
  /** s_t. [numEnvs × observationSize] */
  observations: Float32Array;
  /** Action masks of s_t (masked agents only). [numEnvs × actions] */
  masks: Float32Array | null;
  /** Action indices 0 … actions−1. [numEnvs] */
  actions: Int32Array;
  rewards: Float64Array;
  /** s_{t+1}; for `same-step` autoreset the reset observations (see `finalObservations`). */
  nextObservations: Float32Array;
  nextMasks: Float32Array | null;
  /** Last observations of the episodes that ended in this step (`same-step` autoreset). */
  finalObservations?: Float32Array | undefined;
  finalMasks?: Float32Array | null;
  terminated: Uint8Array;
  truncated: Uint8Array;
}

/**
 * The DQN agent's experience store: an n-step adapter (n = 1 included, which passes transitions
 * through with discount γ) in front of a uniform or prioritized buffer. With action masks, each
 * stored observation carries its mask as `actions` extra columns, so that the mask of s_{t+n}
 * reaches the learner through the n-step windows unchanged.
 */
export class DqnReplay {
  readonly buffer: UniformReplayBuffer | PrioritizedReplayBuffer;
  /** The n-step windows of the current run's sub-envs; null before {@link DqnReplay.begin}. */
  adapter: NStepAdapter | null = null;
  private readonly nStep: number;
  private readonly gamma: number;
  private readonly observationSize: number;
  private readonly actions: number;
  private readonly masked: boolean;
  private readonly width: number;
  private readonly sampled: ReplayBatch;
  private readonly batch: { observations: Float32Array; nextObservations: Float32Array; nextMasks: Float32Array | undefined };
  // Scratch rows [numEnvs × width] for masked adds.
  private scratch: { observations: Float32Array; next: Float32Array; final: Float32Array } | null = null;

  constructor(config: DqnConfig, layout: { observationSize: number; actions: number; masked: boolean }) {
    const { observationSize, actions, masked } = layout;
    this.nStep = config.nStep;
    this.gamma = config.gamma;
    this.observationSize = observationSize;
    this.actions = actions;
    this.masked = masked;
    this.width = observationSize + (masked ? actions : 0);
    const options = {
      capacity: config.bufferSize,
      observationShape: [this.width],
      actionDtype: 'int32' as const,
      extras: { discount: { shape: [], dtype: 'float32' as const } },
    };
    const { prioritized } = config;
    this.buffer =
      prioritized === false
        ? new UniformReplayBuffer(options)
        : new PrioritizedReplayBuffer({ ...options, alpha: prioritized.alpha, epsilon: prioritized.epsilon });
    this.sampled = this.buffer.createBatch(config.batchSize);
    const size = config.batchSize;
    this.batch = masked
      ? {
          observations: new Float32Array(size * observationSize),
          nextObservations: new Float32Array(size * observationSize),
          nextMasks: new Float32Array(size * actions),
        }
      : { observations: this.sampled.observations, nextObservations: this.sampled.nextObservations, nextMasks: undefined };
  }

  /** Transitions stored. */
  get size(): number {
    return this.buffer.size;
  }

  /** Starts collecting from `numEnvs` sub-envs: fresh n-step windows (open ones are dropped). */
  begin(numEnvs: number, autoresetMode: AutoresetMode): NStepAdapter {
    this.adapter = new NStepAdapter({ n: this.nStep, gamma: this.gamma, numEnvs, sink: this.buffer, autoresetMode });
    return this.adapter;
  }

  /** Feeds one vector step to the n-step adapter, which stores every window it completes. */
  add(step: DqnReplayStep): void {
    let { observations, nextObservations, finalObservations } = step;
    if (this.masked) {
      const rows = step.rewards.length;
      if (this.scratch === null || this.scratch.observations.length !== rows * this.width) {
        const make = () => new Float32Array(rows * this.width);
        this.scratch = { observations: make(), next: make(), final: make() };
      }
      observations = this.withMasks(observations, step.masks!, this.scratch.observations);
      nextObservations = this.withMasks(nextObservations, step.nextMasks!, this.scratch.next);
      if (finalObservations !== undefined) finalObservations = this.withMasks(finalObservations, step.finalMasks!, this.scratch.final);
    }
    if (this.adapter === null) throw new Error('DqnReplay.add: call begin(numEnvs, autoresetMode) first');
    this.adapter.add({
      observations,
      actions: step.actions,
      rewards: step.rewards,
      nextObservations,
      ...(finalObservations === undefined ? {} : { finalObservations }),
      terminated: step.terminated,
      truncated: step.truncated,
    });
  }

  /** A batch for the learner (views of reused arrays: valid until the next call) and its slots. */
  sample(rng: Rng, beta: number): { batch: DqnBatch; indices: Int32Array } {
    const { buffer, sampled } = this;
    const size = sampled.size;
    if (buffer instanceof PrioritizedReplayBuffer) buffer.sample(size, rng, { beta, out: sampled });
    else buffer.sample(size, rng, { out: sampled });
    // Unmasked, these are the sampled batch's own columns; masked, the mask columns are split off.
    const { observations, nextObservations, nextMasks } = this.batch;
    if (this.masked) {
      const { observationSize: o, actions: a, width: w } = this;
      for (let i = 0; i < size; i++) {
        observations.set(sampled.observations.subarray(i * w, i * w + o), i * o);
        nextObservations.set(sampled.nextObservations.subarray(i * w, i * w + o), i * o);
        nextMasks!.set(sampled.nextObservations.subarray(i * w + o, (i + 1) * w), i * a);
      }
    }
    const batch: DqnBatch = {
      size,
      observations,
      actions: sampled.actions as Int32Array,
      rewards: sampled.rewards,
      nextObservations,
      terminated: sampled.terminated,
      discounts: sampled.extras.discount as Float32Array,
      ...(sampled.weights === undefined ? {} : { weights: sampled.weights }),
      ...(nextMasks === undefined ? {} : { nextMasks }),
    };
    return { batch, indices: sampled.indices };
  }

  /** Sets new priorities of the sampled slots (prioritized replay only; no-op otherwise). */
  updatePriorities(indices: Int32Array, priorities: Float32Array): void {
    if (this.buffer instanceof PrioritizedReplayBuffer) this.buffer.updatePriorities(indices, priorities);
  }

  /** The buffer's and the open windows' state as bytes. */
  snapshot(): { buffer: Uint8Array; adapter: Uint8Array | null } {
    return { buffer: this.buffer.snapshot(), adapter: this.adapter?.snapshot() ?? null };
  }

  /**
   * Restores {@link DqnReplay.snapshot}; the adapter's bytes need the run's sub-env layout.
   * Throws (from the replay package) on bytes of another layout.
   */
  restore(bytes: { buffer: Uint8Array; adapter: Uint8Array | null }, run: { numEnvs: number; autoresetMode: AutoresetMode } | null): void {
    this.buffer.restore(bytes.buffer);
    if (bytes.adapter !== null && run !== null) this.begin(run.numEnvs, run.autoresetMode).restore(bytes.adapter);
  }

  private withMasks(observations: Float32Array, masks: Float32Array, out: Float32Array): Float32Array {
    const { observationSize: o, actions: a, width: w } = this;
    const rows = out.length / w;
    for (let i = 0; i < rows; i++) {
      out.set(observations.subarray(i * o, (i + 1) * o), i * w);
      out.set(masks.subarray(i * a, (i + 1) * a), i * w + o);
    }
    return out;
  }
}
