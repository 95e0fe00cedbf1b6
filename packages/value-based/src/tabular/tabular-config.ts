import type { Policy, Schedule } from '@tfrl/core';
import type { QTable } from './q-table.js';

/** Hyperparameters of every tabular method that learns from experience. */
export interface TabularLearningConfig {
  /** Step size α in (0, 1]. Default 0.1. */
  readonly alpha?: number;
  /** Discount γ in [0, 1]. Default 0.99. */
  readonly gamma?: number;
  /** Episodes to run, ≥ 1. Default 500. */
  readonly episodes?: number;
  /** Seeds the run's one Rng: actions, tie-breaks and the env's first reset. Default 0. */
  readonly seed?: number;
  /**
   * Steps after which an episode is cut short, ≥ 1; it then counts as truncated (the last
   * state's value is still bootstrapped). A guard against episodes that never end. Default 10 000.
   */
  readonly maxStepsPerEpisode?: number;
}

/** Hyperparameters of the tabular control methods, which act ε-greedily on their Q. */
export interface TabularControlConfig extends TabularLearningConfig {
  /**
   * Exploration ε in [0, 1] of the ε-greedy behaviour policy, or a core `Schedule` of the
   * run's progress p = episode / episodes (e.g. `linearSchedule({ start: 1, end: 0.05 })`).
   * Default 0.1.
   */
  readonly epsilon?: number | Schedule;
}

/** Hyperparameters of the n-step methods (Sutton & Barto chapter 7). */
export interface NStepConfig {
  /** Rewards summed before bootstrapping, ≥ 1; n = 1 is one-step TD / SARSA. Default 4. */
  readonly n?: number;
}

/**
 * A policy for the prediction methods to evaluate: a Float64Array [numStates × numActions] of
 * π(a|s), sampled with the run's Rng, or any core Policy (asked with `deterministic: false`).
 */
export type TabularPolicy = Float64Array | Policy<number, number>;

/** Defaults of {@link TabularControlConfig}. */
export const defaultTabularControlConfig = Object.freeze({
  alpha: 0.1,
  gamma: 0.99,
  epsilon: 0.1,
  episodes: 500,
  seed: 0,
  maxStepsPerEpisode: 10_000,
}) satisfies Required<TabularControlConfig>;

/** Default {@link NStepConfig.n}. */
export const DEFAULT_N_STEPS = 4;

/** What a tabular control method returns: the learned Q and the learning curve. */
export interface TabularControlResult {
  /** The learned action values; `q.toPolicy()` is the greedy policy. */
  q: QTable;
  /** Undiscounted return of each episode, as collected (with exploration). [episodes] */
  episodeReturns: Float64Array;
  /** Steps of each episode. [episodes] */
  episodeLengths: Int32Array;
}

/** What a tabular prediction method returns: the learned state values and the episodes' returns. */
export interface TabularPredictionResult {
  /** V(s) of the evaluated policy. [numStates] */
  values: Float64Array;
  /** Undiscounted return of each episode. [episodes] */
  episodeReturns: Float64Array;
  /** Steps of each episode. [episodes] */
  episodeLengths: Int32Array;
}
