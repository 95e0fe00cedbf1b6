import {
  evaluatePolicy,
  type ActOptions,
  type Env,
  type EvaluatePolicyOptions,
  type EvaluationResult,
  type Policy,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@tfrl/core';

/**
 * The recurrent state of one episode in progress: the GRU state after its last step, or null
 * before its first (the next step starts the episode from a zero state).
 */
export interface RecurrentState {
  hidden: Float32Array | null;
}

/** Something whose per-episode state is cleared by `resetState()`. */
export interface ResettablePolicy<O = Float32Array, A = number | Float32Array> extends Policy<O, A> {
  /** Forget the episode in progress: the next `act` starts a new one. */
  resetState(): void;
}

/** One step of a recurrent policy: moves `state` on in place and returns the env action. */
export type RecurrentStep = (observation: Float32Array, state: RecurrentState, deterministic: boolean) => number | Float32Array;

/**
 * A stateful policy over a recurrent network: `act` carries the GRU state from one call to the
 * next; `resetState()` (call it at every new episode, or let {@link episodeResetEnv} do it)
 * starts over. `deterministic` defaults to true as in `evaluatePolicy`.
 */
export class RecurrentPolicy implements ResettablePolicy {
  private readonly stepFn: RecurrentStep;
  /** The episode in progress. */
  readonly state: RecurrentState = { hidden: null };

  constructor(step: RecurrentStep) {
    this.stepFn = step;
  }

  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    return this.stepFn(observation, this.state, options.deterministic ?? true);
  }

  resetState(): void {
    this.state.hidden = null;
  }
}

/**
 * `env` with every `reset()` also calling `policy.resetState()`: core's `evaluatePolicy` (and any
 * runner that resets the env at each episode) then evaluates a recurrent policy correctly.
 */
export function episodeResetEnv<O, A>(env: Env<O, A>, policy: { resetState(): void }): Env<O, A> {
  return {
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    ...(env.spec === undefined ? {} : { spec: env.spec }),
    reset(options?: ResetOptions): ResetResult<O> {
      policy.resetState();
      return env.reset(options);
    },
    step(action: A): StepResult<O> {
      return env.step(action);
    },
    close(): void {
      env.close?.();
    },
  };
}

/**
 * Core's `evaluatePolicy` for a recurrent policy (a {@link RecurrentPolicy}, or a RecurrentPPO
 * agent acting with its own evaluation state): the policy's state is reset at every episode.
 */
export function evaluateRecurrentPolicy<A>(env: Env<Float32Array, A>, policy: ResettablePolicy<Float32Array, A>, options: EvaluatePolicyOptions = {}): EvaluationResult {
  try {
    return evaluatePolicy(episodeResetEnv(env, policy), policy, options);
  } finally {
    policy.resetState();
  }
}
