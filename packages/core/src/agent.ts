import type { Env, VectorEnv } from './env.js';
import type { Callback } from './callback.js';

/** Version of the {@link Policy} contract. */
export const POLICY_API_VERSION = 1 as const;

/** Options of `Policy.act`. */
export interface ActOptions {
  /** Take the most likely action instead of sampling (evaluation). */
  deterministic?: boolean;
}

/** Maps an observation to an action. Anything with `act` can be evaluated or deployed. */
export interface Policy<O = unknown, A = unknown> {
  readonly apiVersion?: typeof POLICY_API_VERSION;
  act(observation: O, options?: ActOptions): A;
  /**
   * Forgets what the policy remembers of the episode (a recurrent policy's hidden state).
   * Evaluators call it after every env reset; stateless policies leave it out.
   */
  resetState?(): void;
}

/** Scalar training figures of one update, e.g. `{ loss: 0.3, qMean: 12 }`. */
export type Metrics = Record<string, number>;

/** Consumes batches and improves its parameters; tensors never leave it. */
export interface Learner<B = unknown> {
  /** One gradient update on `batch`; returns its metrics. Throws on a non-finite loss. */
  update(batch: B): Metrics;
}

/** Options of `Agent.learn`. */
export interface LearnOptions<O = unknown, A = unknown> {
  env: Env<O, A> | VectorEnv<O, A>;
  /** Environment steps to take, counted over all sub-envs. */
  totalSteps: number;
  callbacks?: readonly Callback[];
}

/** What `Agent.learn` returns. */
export interface TrainReport {
  steps: number;
  episodes: number;
  updates: number;
  /** Wall-clock seconds spent in `learn`. */
  seconds: number;
  /** True when a callback stopped training before `totalSteps`. */
  stoppedEarly: boolean;
  /** Mean return of the last finished episodes, NaN when none finished. */
  recentReturn: number;
}

/** A trainable policy (Stable-Baselines3's algorithm object, in TypeScript idiom). */
export interface Agent<O = unknown, A = unknown> extends Policy<O, A> {
  learn(options: LearnOptions<O, A>): Promise<TrainReport>;
  /** Saves everything needed to resume exactly (tf.io URL or a path). */
  save(url: string): Promise<void>;
}
