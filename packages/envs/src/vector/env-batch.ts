import { spacesEqual, type AutoresetMode, type Env, type Info, type ResetOptions, type Space } from '@tfrl/core';
import { SubEnvError } from './sub-env-error.js';

/** Where {@link EnvBatch.step} writes; each array covers the batch's sub-envs only. */
export interface EnvBatchOutputs {
  /** [count × observationSize]; rows of sub-envs not written keep their previous values. */
  observations: Float32Array;
  /** [count] */
  rewards: Float64Array;
  /** [count] */
  terminated: Uint8Array;
  /** [count] */
  truncated: Uint8Array;
  /** [count × observationSize], written in `same-step` mode only. */
  finalObservations?: Float32Array | undefined;
}

// Per-sub-env status.
const RUNNING = 0;
const ENDED = 1; // its last step ended the episode (next-step: the next step resets it)
const NOT_STARTED = 2; // never reset, or its last call threw

/**
 * Sub-envs stepped one after the other with a vector env's autoreset rules, writing into
 * typed arrays: the engine of `SyncVectorEnv` and of each `AsyncVectorEnv` worker. Sub-env
 * `i` of the batch is sub-env `firstIndex + i` of the vector env (seeds and error messages
 * use that index).
 */
export class EnvBatch {
  readonly envs: readonly Env[];
  readonly count: number;
  readonly firstIndex: number;
  readonly autoresetMode: AutoresetMode;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly observationSize: number;
  /** Numbers per sub-env in the flat action array: 1 for Discrete, `flatDim` for Box. */
  readonly actionSize: number;
  readonly discreteActions: boolean;
  /** Box observations are copied by a plain loop; Box.flatten's checks and `set` cost more than a CartPole step. */
  private readonly boxObservations: boolean;
  /** When set, entry `progressSlot` holds the index of the sub-env being called, −1 between calls. */
  progress: Int32Array | null = null;
  progressSlot = 0;
  private readonly owner: string;
  private readonly status: Uint8Array;

  constructor(owner: string, envs: readonly Env[], autoresetMode: AutoresetMode, firstIndex = 0) {
    if (envs.length === 0) throw new RangeError(`${owner}: needs at least one env`);
    this.owner = owner;
    this.envs = envs;
    this.count = envs.length;
    this.firstIndex = firstIndex;
    this.autoresetMode = autoresetMode;
    const first = envs[0]!;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    for (let i = 1; i < envs.length; i++) {
      const env = envs[i]!;
      if (!spacesEqual(env.observationSpace, first.observationSpace) || !spacesEqual(env.actionSpace, first.actionSpace)) {
        throw new TypeError(`${owner}: sub-env ${firstIndex + i} has other spaces than sub-env ${firstIndex}`);
      }
    }
    const kind = this.actionSpace.kind;
    if (kind !== 'discrete' && kind !== 'box') {
      throw new TypeError(`${owner}: the action space must be Discrete or Box, got ${kind}`);
    }
    this.discreteActions = kind === 'discrete';
    this.actionSize = this.discreteActions ? 1 : this.actionSpace.flatDim;
    this.observationSize = this.observationSpace.flatDim;
    this.boxObservations = this.observationSpace.kind === 'box';
    this.status = new Uint8Array(this.count).fill(NOT_STARTED);
  }

  /**
   * Resets the sub-envs where `mask` (local, length `count`) is non-zero, all without one;
   * sub-env i gets seed `seed + firstIndex + i`. Returns one info per sub-env (`{}` where
   * not reset).
   */
  reset(observations: Float32Array, seed?: number, mask?: ArrayLike<number>, options?: Record<string, unknown>): Info[] {
    const infos: Info[] = new Array<Info>(this.count);
    for (let i = 0; i < this.count; i++) {
      if (mask !== undefined && !mask[i]) {
        infos[i] = {};
        continue;
      }
      const resetOptions: ResetOptions = {};
      if (seed !== undefined) resetOptions.seed = seed + this.firstIndex + i;
      if (options !== undefined) resetOptions.options = options;
      infos[i] = this.resetOne(i, observations, resetOptions);
    }
    this.leave();
    return infos;
  }

  /**
   * One step of every sub-env with the batch's actions (`actions` starts at this batch's first
   * sub-env). Checks first that every sub-env may step, so a refused call changes nothing.
   */
  step(actions: Int32Array | Float32Array, out: EnvBatchOutputs): Info[] {
    const { count, status, owner } = this;
    const disabled = this.autoresetMode === 'disabled';
    for (let i = 0; i < count; i++) {
      if (status[i] === NOT_STARTED) {
        throw new Error(`${owner}.step: sub-env ${this.firstIndex + i} has not been reset (or its last call threw); call reset() first`);
      }
      if (disabled && status[i] === ENDED) {
        throw new Error(
          `${owner}.step: the episode of sub-env ${this.firstIndex + i} has ended and autoresetMode is 'disabled'; reset it with reset({ mask })`,
        );
      }
    }
    const nextStep = this.autoresetMode === 'next-step';
    const sameStep = this.autoresetMode === 'same-step';
    const { observations, rewards, terminated, truncated, finalObservations } = out;
    const size = this.observationSize;
    const infos: Info[] = new Array<Info>(count);
    for (let i = 0; i < count; i++) {
      if (nextStep && status[i] === ENDED) {
        // Gymnasium's next-step autoreset: this step only resets; the action is ignored.
        infos[i] = this.resetOne(i, observations, {});
        rewards[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        continue;
      }
      const result = this.stepOne(i, actions, observations);
      rewards[i] = result.reward;
      terminated[i] = result.terminated ? 1 : 0;
      truncated[i] = result.truncated ? 1 : 0;
      const ended = result.terminated || result.truncated;
      if (sameStep) {
        // Every row of finalObservations is the observation the step produced, so learners can
        // bootstrap from it whether or not the episode ended.
        const start = i * size;
        for (let k = start; k < start + size; k++) finalObservations![k] = observations[k]!;
        if (ended) {
          const resetInfo = this.resetOne(i, observations, {});
          infos[i] = { ...resetInfo, finalInfo: result.info };
          continue;
        }
      } else if (ended) {
        status[i] = ENDED;
      }
      infos[i] = result.info;
    }
    this.leave();
    return infos;
  }

  /** Closes every sub-env; throws the first failure after trying them all. */
  close(): void {
    let failure: SubEnvError | undefined;
    for (let i = 0; i < this.count; i++) {
      try {
        this.envs[i]!.close?.();
      } catch (error) {
        failure ??= new SubEnvError(this.owner, this.firstIndex + i, 'close', error);
      }
    }
    if (failure !== undefined) throw failure;
  }

  private resetOne(i: number, observations: Float32Array, options: ResetOptions): Info {
    this.enter(i);
    let result;
    try {
      result = this.envs[i]!.reset(options);
      this.write(result.observation, observations, i);
    } catch (error) {
      this.status[i] = NOT_STARTED;
      this.leave();
      throw new SubEnvError(this.owner, this.firstIndex + i, 'reset', error);
    }
    this.status[i] = RUNNING;
    return result.info;
  }

  private stepOne(i: number, actions: Int32Array | Float32Array, observations: Float32Array) {
    this.enter(i);
    try {
      const action = this.discreteActions ? actions[i]! : this.actionSpace.unflatten(actions, i * this.actionSize);
      const result = this.envs[i]!.step(action);
      this.write(result.observation, observations, i);
      return result;
    } catch (error) {
      this.status[i] = NOT_STARTED;
      this.leave();
      throw new SubEnvError(this.owner, this.firstIndex + i, 'step', error);
    }
  }

  /** Writes sub-env i's observation as row i of `observations`. */
  private write(observation: unknown, observations: Float32Array, i: number): void {
    const size = this.observationSize;
    const x = observation as ArrayLike<number> | null;
    if (!this.boxObservations || !ArrayBuffer.isView(x) || x.length !== size) {
      // Other spaces, and the error for a Box observation of the wrong length.
      this.observationSpace.flatten(observation, observations, i * size);
      return;
    }
    const row = i * size;
    for (let k = 0; k < size; k++) observations[row + k] = x[k]!;
  }

  private enter(i: number): void {
    if (this.progress !== null) this.progress[this.progressSlot] = this.firstIndex + i;
  }

  private leave(): void {
    if (this.progress !== null) this.progress[this.progressSlot] = -1;
  }
}
