import type { Space } from './spaces/space.js';

/** Extra per-step or per-reset information; never needed for learning. */
export type Info = Record<string, unknown>;

/** Version of the {@link Env} contract this build of tfrl implements and expects. */
export const ENV_API_VERSION = 1 as const;

/** Options of `Env.reset` (Gymnasium's `reset(seed=None, options=None)`). */
export interface ResetOptions {
  /** Reseeds the env's own RNG; the first reset of a run should pass one. */
  seed?: number;
  /** Env-specific options. */
  options?: Record<string, unknown>;
}

/** What `reset` returns. */
export interface ResetResult<O> {
  observation: O;
  info: Info;
}

/** What `step` returns (Gymnasium ≥ 0.26 semantics). */
export interface StepResult<O> {
  observation: O;
  reward: number;
  /** The episode reached a terminal state of the MDP: do not bootstrap from `observation`. */
  terminated: boolean;
  /** The episode was cut short (time limit …): the value of `observation` still counts. */
  truncated: boolean;
  info: Info;
}

/** Static facts about an env, as registered. */
export interface EnvSpec {
  id: string;
  /** Step limit the registry's TimeLimit applies, if any. */
  maxEpisodeSteps?: number;
  /** Episode return above which the task counts as solved, if defined. */
  rewardThreshold?: number;
}

/**
 * A single environment with Gymnasium's API. Implement this to bring your own env.
 * Contract v{@link ENV_API_VERSION}: `step` after `terminated || truncated` without `reset`
 * is an error; actions outside `actionSpace` are errors.
 */
export interface Env<O = unknown, A = unknown> {
  /** Optional declaration of the contract version implemented (defaults to the current one). */
  readonly apiVersion?: typeof ENV_API_VERSION;
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  readonly spec?: EnvSpec;
  reset(options?: ResetOptions): ResetResult<O>;
  step(action: A): StepResult<O>;
  close?(): void;
}

/** Version of the {@link VectorEnv} contract. */
export const VECTOR_ENV_API_VERSION = 1 as const;

/**
 * How a vector env restarts finished sub-envs (Gymnasium's `AutoresetMode`).
 * - `next-step`: the step after `terminated || truncated` resets that sub-env and returns the
 *   reset observation with reward 0 and both flags false (the action is ignored).
 * - `same-step`: the sub-env resets inside the step that ended it; the returned observation is
 *   the reset one and the ended episode's last observation is in `finalObservations`.
 * - `disabled`: sub-envs are reset only through `reset({ mask })`.
 */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

/** Options of `VectorEnv.reset`. */
export interface VectorResetOptions {
  /** Seeds sub-env i with `seed + i`. */
  seed?: number;
  /** Only resets the sub-envs whose entry is non-zero (for `disabled` autoreset). */
  mask?: Uint8Array;
  options?: Record<string, unknown>;
}

/** Batched reset result: observations of all sub-envs in one row-major array. */
export interface VectorResetResult {
  /** [numEnvs × observationSize] */
  observations: Float32Array;
  infos: Info[];
}

/** Batched step result. */
export interface VectorStepResult {
  /** [numEnvs × observationSize] */
  observations: Float32Array;
  /** [numEnvs] */
  rewards: Float64Array;
  /** [numEnvs], 1 where the sub-env's episode terminated. */
  terminated: Uint8Array;
  /** [numEnvs], 1 where the sub-env's episode was truncated. */
  truncated: Uint8Array;
  /**
   * `same-step` mode only: [numEnvs × observationSize], row i holds the last observation of the
   * episode that ended in this step for sub-env i (rows of running sub-envs are unspecified).
   */
  finalObservations?: Float32Array;
  infos: Info[];
}

/**
 * Several copies of an env stepped together with typed arrays. Promise-returning so the
 * copies can live in worker threads. Observations are flattened with the single
 * observation space's `flatten`.
 */
export interface VectorEnv<O = unknown, A = unknown> {
  readonly apiVersion?: typeof VECTOR_ENV_API_VERSION;
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<O>;
  readonly singleActionSpace: Space<A>;
  /** Length of one sub-env's flattened observation. */
  readonly observationSize: number;
  readonly autoresetMode: AutoresetMode;
  reset(options?: VectorResetOptions): Promise<VectorResetResult>;
  /**
   * One action per sub-env, flattened with the single action space: an Int32Array of length
   * numEnvs for Discrete, a Float32Array [numEnvs × actionDim] for Box.
   */
  step(actions: Int32Array | Float32Array): Promise<VectorStepResult>;
  close(): Promise<void>;
}

/** Version of the {@link MultiAgentEnv} contract. */
export const MULTI_AGENT_ENV_API_VERSION = 1 as const;

/** Per-agent reset result (PettingZoo parallel API). */
export interface MultiAgentResetResult<O> {
  observations: Record<string, O>;
  infos: Record<string, Info>;
}

/** Per-agent step result (PettingZoo parallel API). */
export interface MultiAgentStepResult<O> {
  observations: Record<string, O>;
  rewards: Record<string, number>;
  terminations: Record<string, boolean>;
  truncations: Record<string, boolean>;
  infos: Record<string, Info>;
}

/**
 * A multi-agent env with PettingZoo's parallel API: every live agent acts at each step.
 * Agents whose episode ended leave `agents`; `possibleAgents` never changes.
 */
export interface MultiAgentEnv<O = unknown, A = unknown> {
  readonly apiVersion?: typeof MULTI_AGENT_ENV_API_VERSION;
  readonly possibleAgents: readonly string[];
  /** Agents still acting in the current episode. */
  readonly agents: readonly string[];
  observationSpace(agent: string): Space<O>;
  actionSpace(agent: string): Space<A>;
  /** The global state for centralised critics, if the env defines one. */
  readonly stateSpace?: Space<Float32Array>;
  state?(): Float32Array;
  reset(options?: ResetOptions): MultiAgentResetResult<O>;
  step(actions: Record<string, A>): MultiAgentStepResult<O>;
  close?(): void;
}
