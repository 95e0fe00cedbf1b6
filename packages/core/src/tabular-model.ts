/** One possible result of taking an action in a state of a finite MDP. */
export interface TabularOutcome {
  /** P(s', r | s, a) of this outcome; the outcomes of one (s, a) sum to 1. */
  probability: number;
  nextState: number;
  reward: number;
  /** The episode ends in `nextState` (no value is bootstrapped from it). */
  terminated: boolean;
}

/** Version of the {@link TabularModel} contract. */
export const TABULAR_MODEL_API_VERSION = 1 as const;

/**
 * The full dynamics of a finite MDP with states 0..numStates−1 and actions 0..numActions−1,
 * as planning methods (policy evaluation, value and policy iteration) need it.
 */
export interface TabularModel {
  readonly apiVersion?: typeof TABULAR_MODEL_API_VERSION;
  readonly numStates: number;
  readonly numActions: number;
  /** Every outcome of taking `action` in `state`. A terminal state has no outcomes. */
  transitions(state: number, action: number): readonly TabularOutcome[];
  /** True when `state` ends episodes (no action is taken there). */
  isTerminal(state: number): boolean;
}
