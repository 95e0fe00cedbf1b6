import type { Metrics } from './agent.js';

/** What a callback sees of a training run; counters only, never tensors. */
export interface TrainingState {
  /** Environment steps taken so far (all sub-envs). */
  step: number;
  /** Episodes finished so far. */
  episodes: number;
  /** Gradient updates done so far. */
  updates: number;
  /** Mean return over the recent finished episodes (NaN before the first). */
  recentReturn: number;
}

/** Result of an evaluation round. */
export interface EvaluationResult {
  meanReturn: number;
  stdReturn: number;
  meanLength: number;
  returns: number[];
  lengths: number[];
}

/**
 * Hooks into a training loop. A hook that returns `false` stops training early
 * (as Stable-Baselines3's `_on_step`). Hooks may be async.
 */
export interface Callback {
  onTrainingStart?(state: TrainingState): void | Promise<void>;
  onStep?(state: TrainingState): void | boolean | Promise<void | boolean>;
  onRolloutEnd?(state: TrainingState): void | boolean | Promise<void | boolean>;
  onUpdate?(state: TrainingState, metrics: Metrics): void | boolean | Promise<void | boolean>;
  onEval?(state: TrainingState, result: EvaluationResult): void | boolean | Promise<void | boolean>;
  onTrainingEnd?(state: TrainingState): void | Promise<void>;
}
