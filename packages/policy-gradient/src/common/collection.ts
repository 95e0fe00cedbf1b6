import {
  EpisodeStatistics,
  type AutoresetMode,
  type JsonObject,
  type Rng,
  type VectorEnv,
  type VectorStepResult,
} from '@tfrl/core';

/** The episodes in progress of a run: the last observations and the episode statistics. */
export class Collection {
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  /** The current observation of every sub-env [numEnvs × observationSize]. */
  observations: Float32Array;
  readonly stats: EpisodeStatistics;

  constructor(numEnvs: number, autoresetMode: AutoresetMode, observations: Float32Array, stats: EpisodeStatistics) {
    this.numEnvs = numEnvs;
    this.autoresetMode = autoresetMode;
    this.observations = observations;
    this.stats = stats;
  }

  /** Resets `env` with a seed drawn from `rng` and starts counting episodes. */
  static async start(env: VectorEnv<unknown, unknown>, rng: Rng): Promise<Collection> {
    if (env.autoresetMode === 'disabled') throw new Error("vector envs with autoresetMode 'disabled' are not supported");
    const reset = await env.reset({ seed: rng.int(0x7fffffff) });
    return new Collection(env.numEnvs, env.autoresetMode, reset.observations, EpisodeStatistics.forVectorEnv(env, { maxUndrained: 0 }));
  }

  /** Steps `env` with `actions`; moves the observations on and returns the step and episodes finished. */
  async step(env: VectorEnv<unknown, unknown>, actions: Int32Array | Float32Array): Promise<{ step: VectorStepResult; finished: number }> {
    const step = await env.step(actions);
    const finished = this.stats.step(step.rewards, step.terminated, step.truncated);
    this.observations = step.observations;
    return { step, finished };
  }

  /** Throws unless `env` is the kind of env this collection came from (for `continueRun: true`). */
  checkContinues(env: VectorEnv<unknown, unknown>, who: string): void {
    if (env.numEnvs !== this.numEnvs || env.autoresetMode !== this.autoresetMode) {
      throw new Error(`${who}: continueRun needs the env of the run (${this.numEnvs} sub-envs, ${this.autoresetMode}), got ${env.numEnvs}, ${env.autoresetMode}`);
    }
  }

  /** Recent mean return (NaN before the first finished episode). */
  get recentReturn(): number {
    return this.stats.recentMeanReturn;
  }

  /** JSON for a checkpoint's `extra` (the observations go into a blob). */
  toJSON(): JsonObject {
    return { numEnvs: this.numEnvs, autoresetMode: this.autoresetMode, stats: this.stats.toJSON() as unknown as JsonObject };
  }

  /** Inverse of {@link Collection.toJSON} with the saved observations. */
  static fromJSON(json: JsonObject, observations: Float32Array): Collection {
    const numEnvs = json.numEnvs as number;
    const mode = json.autoresetMode as AutoresetMode;
    if (!Number.isInteger(numEnvs) || numEnvs < 1 || (mode !== 'next-step' && mode !== 'same-step')) {
      throw new RangeError(`Collection.fromJSON: not a saved collection: ${JSON.stringify({ numEnvs, autoresetMode: mode })}`);
    }
    return new Collection(numEnvs, mode, observations, EpisodeStatistics.fromJSON(json.stats));
  }
}
