import type { Rng } from './rng.js';

/** Version of the {@link ReplayBuffer} contract. */
export const REPLAY_BUFFER_API_VERSION = 1 as const;

/** One transition handed to a buffer; arrays are copied, never kept. */
export interface Transition {
  observation: ArrayLike<number>;
  /** A Discrete action as a number, a Box action as an array. */
  action: number | ArrayLike<number>;
  reward: number;
  nextObservation: ArrayLike<number>;
  terminated: boolean;
  truncated: boolean;
}

/** A sampled batch in columnar typed arrays (row-major, `size` rows). */
export interface TransitionBatch {
  size: number;
  /** [size × observationSize] */
  observations: Float32Array;
  /** [size × actionSize]: Int32Array for discrete actions, Float32Array for continuous ones. */
  actions: Int32Array | Float32Array;
  /** [size] */
  rewards: Float32Array;
  /** [size × observationSize] */
  nextObservations: Float32Array;
  /** [size] */
  terminated: Uint8Array;
  /** [size] */
  truncated: Uint8Array;
  /** [size] storage slots the rows came from (for priority updates). */
  indices: Int32Array;
  /** [size] importance-sampling weights, present for prioritized buffers. */
  weights?: Float32Array;
  /** [size] discount to apply to the bootstrap value (γ^n for n-step buffers), if not γ. */
  discounts?: Float32Array;
}

/**
 * Experience storage for off-policy learners. Implement this to bring your own buffer;
 * `describeReplayContract` in the test kit checks an implementation.
 */
export interface ReplayBuffer<B extends TransitionBatch = TransitionBatch> {
  readonly apiVersion?: typeof REPLAY_BUFFER_API_VERSION;
  readonly capacity: number;
  /** Transitions currently stored (≤ capacity). */
  readonly size: number;
  add(transition: Transition): void;
  /** `batchSize` transitions drawn with `rng`; throws when the buffer is empty. */
  sample(batchSize: number, rng: Rng): B;
  clear(): void;
  /** Bytes from which `restore` rebuilds this exact buffer. */
  snapshot?(): Uint8Array;
  restore?(bytes: Uint8Array): void;
}
