import {
  VECTOR_ENV_API_VERSION,
  type AutoresetMode,
  type Env,
  type Space,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from '@tfrl/core';
import { EnvBatch } from './env-batch.js';
import { SubEnvError } from './sub-env-error.js';
import { checkActions, checkAutoresetMode, checkResetOptions } from './vector-checks.js';

/** Options of {@link SyncVectorEnv}. */
export interface SyncVectorEnvOptions {
  /** How finished sub-envs restart (see core's `AutoresetMode`). Default `'next-step'` (Gymnasium 1.x). */
  autoresetMode?: AutoresetMode;
}

/**
 * Gymnasium's `SyncVectorEnv`: sub-envs stepped one after the other in the calling thread.
 * Observations of any space are flattened with its `flatten` (Box: copied, Discrete: one-hot);
 * actions are an Int32Array [numEnvs] for a Discrete action space, a Float32Array
 * [numEnvs × flatDim] for a Box. Every call returns new arrays, which the caller may keep.
 * Sub-env i is reset with seed `seed + i`. After a sub-env throws (a {@link SubEnvError}
 * naming it), reset before stepping again.
 */
export class SyncVectorEnv<O = unknown, A = unknown> implements VectorEnv<O, A> {
  readonly apiVersion = VECTOR_ENV_API_VERSION;
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<O>;
  readonly singleActionSpace: Space<A>;
  readonly observationSize: number;
  readonly autoresetMode: AutoresetMode;
  /** The sub-envs, in order. */
  readonly envs: readonly Env<O, A>[];
  private readonly batch: EnvBatch;
  /** The latest observations: rows that a masked reset skips keep theirs. */
  private readonly observations: Float32Array;
  private closed = false;

  constructor(envs: readonly (() => Env<O, A>)[] | readonly Env<O, A>[], options: SyncVectorEnvOptions = {}) {
    const autoresetMode = options.autoresetMode ?? 'next-step';
    checkAutoresetMode('SyncVectorEnv', autoresetMode);
    if (!Array.isArray(envs) || envs.length === 0) throw new RangeError('SyncVectorEnv: needs a non-empty array of envs or env factories');
    const built: Env<O, A>[] = [];
    for (let i = 0; i < envs.length; i++) {
      const entry = envs[i] as Env<O, A> | (() => Env<O, A>);
      try {
        built.push(typeof entry === 'function' ? entry() : entry);
      } catch (error) {
        for (const env of built) env.close?.();
        throw new SubEnvError('SyncVectorEnv', i, 'create', error);
      }
    }
    this.envs = built;
    this.batch = new EnvBatch('SyncVectorEnv', built as Env[], autoresetMode);
    this.numEnvs = built.length;
    this.autoresetMode = autoresetMode;
    this.singleObservationSpace = this.batch.observationSpace as Space<O>;
    this.singleActionSpace = this.batch.actionSpace as Space<A>;
    this.observationSize = this.batch.observationSize;
    this.observations = new Float32Array(this.numEnvs * this.observationSize);
  }

  /** Resets every sub-env (those where `mask` is non-zero with one). */
  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    this.checkOpen();
    checkResetOptions('SyncVectorEnv', this.numEnvs, options.seed, options.mask);
    const infos = this.batch.reset(this.observations, options.seed, options.mask, options.options);
    return { observations: this.observations.slice(), infos };
  }

  /** Steps every sub-env once; see core's `AutoresetMode` for what happens at episode ends. */
  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    this.checkOpen();
    const { numEnvs } = this;
    checkActions('SyncVectorEnv', actions, this.batch.discreteActions, numEnvs, this.batch.actionSize);
    const rewards = new Float64Array(numEnvs);
    const terminated = new Uint8Array(numEnvs);
    const truncated = new Uint8Array(numEnvs);
    const finalObservations =
      this.autoresetMode === 'same-step' ? new Float32Array(numEnvs * this.observationSize) : undefined;
    const infos = this.batch.step(actions, { observations: this.observations, rewards, terminated, truncated, finalObservations });
    const result: VectorStepResult = { observations: this.observations.slice(), rewards, terminated, truncated, infos };
    if (finalObservations !== undefined) result.finalObservations = finalObservations;
    return result;
  }

  /** Closes the sub-envs; later calls are no-ops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.batch.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('SyncVectorEnv: the vector env is closed');
  }
}
