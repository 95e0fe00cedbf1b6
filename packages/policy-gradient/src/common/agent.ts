import type { ActOptions, AnyEnv, Callback, Checkpoint, CheckpointStore, TrainReport } from '@tfrl/core';

/** Options of every agent's `learn` in this package. */
export interface PolicyGradientLearnOptions {
  /** One env or a vector env. */
  env: AnyEnv<unknown> | AnyEnv<number> | AnyEnv<Float32Array>;
  /** Env steps to take in this call, counted over all sub-envs. */
  totalSteps: number;
  callbacks?: readonly Callback[];
  /**
   * Carry on the last run (or the loaded checkpoint): `true` with the same env, untouched since;
   * `'new-episodes'` with a freshly reset env (e.g. after `load` in a new process), keeping the
   * schedules and counters; default false: a new run whose schedules span `totalSteps`.
   */
  continueRun?: boolean | 'new-episodes';
}

/**
 * What every algorithm of this package is: trainable, deployable as a policy, checkpointed so a
 * resumed run continues exactly. The `tfrl` command drives agents through this interface.
 */
export interface PolicyGradientAgent<A = number | Float32Array> {
  /** Checkpoint `algorithm` name, e.g. 'ppo'. */
  readonly algorithm: string;
  /** Env steps taken over all runs. */
  readonly steps: number;
  /** Gradient updates done over all runs. */
  readonly updates: number;
  learn(options: PolicyGradientLearnOptions): Promise<TrainReport>;
  /** The env action for one (flat) observation: the mode with `deterministic`, else a sample. */
  act(observation: Float32Array, options?: ActOptions): A;
  save(target: string | CheckpointStore): Promise<void>;
  toCheckpoint(): Checkpoint;
  dispose(): void;
}
