import {
  VECTOR_ENV_API_VERSION,
  type AutoresetMode,
  type Box,
  type Discrete,
  type Info,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from '@tfrl/core';
import { checkActions, checkAutoresetMode, checkResetOptions } from './vector-checks.js';

/**
 * The physics of one env written for a batch: every sub-env's state lives in one Float64Array
 * (`stateSize` numbers per sub-env, sub-env i at `i * stateSize`), updated in place. The loops
 * over sub-envs live in the kernel, so that they call the physics directly.
 */
export interface BatchedKernel<A extends Int32Array | Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete | Box;
  /** Numbers of state per sub-env. */
  readonly stateSize: number;
  /** Draws sub-env `index`'s start state into `state` at `offset`; `seed` reseeds its Rng first. */
  resetState(index: number, state: Float64Array, offset: number, seed: number | undefined): void;
  /** Throws a RangeError naming the first sub-env whose action is invalid, skipping those where `skip` is non-zero. */
  checkActions(actions: A, skip: Uint8Array): void;
  /**
   * Steps every sub-env i with `skip[i] === 0` in place and writes its reward, its observation
   * and, when it terminated, `terminated[i] = 1` (the arrays start zeroed).
   */
  stepAll(state: Float64Array, actions: A, skip: Uint8Array, observations: Float32Array, rewards: Float64Array, terminated: Uint8Array): void;
  /** Writes the observation of the state at `offset` into `out` at `outOffset`. */
  observe(state: Float64Array, offset: number, out: Float32Array, outOffset: number): void;
}

// Per-sub-env status.
const RUNNING = 0;
const ENDED = 1; // its last step ended the episode (next-step: the next step resets it)
const NOT_STARTED = 2;

/** Every info of a batched env: one frozen empty object, so a step allocates no info. */
const EMPTY_INFO: Info = Object.freeze({}) as Info;

/**
 * A VectorEnv over a {@link BatchedKernel}: N states stepped in one loop with a built-in
 * TimeLimit (`truncated` at `maxEpisodeSteps`, together with `terminated` when both happen),
 * no objects per sub-env step. Returns new observation, reward and flag arrays per call;
 * `infos` is one frozen array of frozen empty objects, the same on every call.
 */
export class BatchedVectorEnv<O, A, Act extends Int32Array | Float32Array> implements VectorEnv<O, A> {
  readonly apiVersion = VECTOR_ENV_API_VERSION;
  readonly numEnvs: number;
  readonly singleObservationSpace;
  readonly singleActionSpace;
  readonly observationSize: number;
  readonly autoresetMode: AutoresetMode;
  readonly maxEpisodeSteps: number;
  private readonly owner: string;
  private readonly kernel: BatchedKernel<Act>;
  private readonly state: Float64Array; // [numEnvs × stateSize]
  private readonly elapsed: Int32Array; // steps into the current episode
  private readonly status: Uint8Array;
  private readonly infos: Info[];
  private closed = false;

  constructor(owner: string, kernel: BatchedKernel<Act>, numEnvs: number, maxEpisodeSteps: number, autoresetMode: AutoresetMode) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`${owner}: numEnvs must be a positive integer, got ${numEnvs}`);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new RangeError(`${owner}: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    checkAutoresetMode(owner, autoresetMode);
    this.owner = owner;
    this.kernel = kernel;
    this.numEnvs = numEnvs;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.autoresetMode = autoresetMode;
    this.singleObservationSpace = kernel.observationSpace as unknown as VectorEnv<O, A>['singleObservationSpace'];
    this.singleActionSpace = kernel.actionSpace as unknown as VectorEnv<O, A>['singleActionSpace'];
    this.observationSize = kernel.observationSpace.flatDim;
    this.state = new Float64Array(numEnvs * kernel.stateSize);
    this.elapsed = new Int32Array(numEnvs);
    this.status = new Uint8Array(numEnvs).fill(NOT_STARTED);
    this.infos = Object.freeze(new Array<Info>(numEnvs).fill(EMPTY_INFO)) as Info[];
  }

  /** Resets every sub-env (those where `mask` is non-zero with one); sub-env i gets seed `seed + i`. */
  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    this.checkOpen();
    const { seed, mask } = options;
    checkResetOptions(this.owner, this.numEnvs, seed, mask);
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && !mask[i]) continue;
      this.resetOne(i, seed === undefined ? undefined : seed + i);
    }
    // A sub-env's observation is a function of its state, so unreset rows come back unchanged.
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    const { kernel, state } = this;
    for (let i = 0; i < this.numEnvs; i++) kernel.observe(state, i * kernel.stateSize, observations, i * this.observationSize);
    return { observations, infos: this.infos };
  }

  /** Steps every sub-env once; see core's `AutoresetMode` for what happens at episode ends. */
  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    this.checkOpen();
    const { numEnvs: n, kernel, state, elapsed, status, maxEpisodeSteps, owner } = this;
    checkActions(owner, actions, kernel.actionSpace.kind === 'discrete', n, kernel.actionSpace.kind === 'discrete' ? 1 : kernel.actionSpace.flatDim);
    const acts = actions as Act;
    const nextStep = this.autoresetMode === 'next-step';
    // Check everything first, so that a refused call changes nothing.
    for (let i = 0; i < n; i++) {
      const s = status[i];
      if (s === NOT_STARTED) throw new Error(`${owner}.step: sub-env ${i} has not been reset; call reset() first`);
      if (s === ENDED && !nextStep) {
        throw new Error(`${owner}.step: the episode of sub-env ${i} has ended and autoresetMode is 'disabled'; reset it with reset({ mask })`);
      }
    }
    // In next-step mode the sub-envs whose status is ENDED only reset: their actions are ignored.
    kernel.checkActions(acts, status);
    const size = this.observationSize;
    const stateSize = kernel.stateSize;
    const observations = new Float32Array(n * size);
    const rewards = new Float64Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finalObservations = this.autoresetMode === 'same-step' ? new Float32Array(n * size) : undefined;
    kernel.stepAll(state, acts, status, observations, rewards, terminated);
    // Time limit and autoreset, a cheap pass that calls into the kernel only at episode ends.
    for (let i = 0; i < n; i++) {
      if (status[i] === ENDED) {
        // next-step's reset step: reset observation, reward 0, flags false.
        this.resetOne(i, undefined);
        kernel.observe(state, i * stateSize, observations, i * size);
        continue;
      }
      const limit = ++elapsed[i]! >= maxEpisodeSteps;
      if (limit) truncated[i] = 1;
      const ended = limit || terminated[i] === 1;
      if (finalObservations !== undefined) {
        const row = i * size;
        for (let k = row; k < row + size; k++) finalObservations[k] = observations[k]!;
        if (ended) {
          this.resetOne(i, undefined);
          kernel.observe(state, i * stateSize, observations, row);
        }
      } else if (ended) {
        status[i] = ENDED;
      }
    }
    const result: VectorStepResult = { observations, rewards, terminated, truncated, infos: this.infos };
    if (finalObservations !== undefined) result.finalObservations = finalObservations;
    return result;
  }

  /** Nothing to release; later calls reject. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private resetOne(i: number, seed: number | undefined): void {
    this.kernel.resetState(i, this.state, i * this.kernel.stateSize, seed);
    this.elapsed[i] = 0;
    this.status[i] = RUNNING;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`${this.owner}: the vector env is closed`);
  }
}
