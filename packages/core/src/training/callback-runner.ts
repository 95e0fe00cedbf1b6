import type { Metrics, Policy } from '../agent.js';
import type { Callback, EvaluationResult, TrainingState } from '../callback.js';
import type { Env } from '../env.js';
import { checkIntegerAtLeast } from '../internal/validate.js';
import { evaluatePolicy, type EvaluatePolicyOptions } from './evaluate-policy.js';

type HookResult = void | boolean | Promise<void | boolean>;

const CONTINUE: Promise<boolean> = Promise.resolve(true);
const STOP: Promise<boolean> = Promise.resolve(false);
const DONE: Promise<void> = Promise.resolve();

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Runs a training loop's callbacks. Semantics of Stable-Baselines3's `CallbackList`: for
 * each event every callback's hook runs, in list order, each awaited before the next; the
 * event's answer is "stop" when any hook returned exactly `false` (`undefined` and `true`
 * continue). A hook that throws rejects the event's promise and skips the hooks after it.
 *
 * Hot path: when no hook of an event exists, or all of them return synchronously, the
 * returned promise is a shared constant, so calling `step` per env step allocates nothing.
 * Loops can also skip the call altogether when {@link CallbackRunner.hasStepHooks} is false.
 */
export class CallbackRunner {
  private readonly callbacks: readonly Callback[];
  /** True when some callback has `onStep`. */
  readonly hasStepHooks: boolean;
  private stopped = false;

  constructor(callbacks: readonly Callback[] = []) {
    this.callbacks = [...callbacks];
    this.hasStepHooks = this.callbacks.some((c) => c.onStep !== undefined);
  }

  /** True once any hook asked to stop. */
  get stopRequested(): boolean {
    return this.stopped;
  }

  private answer(keepGoing: boolean): Promise<boolean> {
    if (keepGoing) return CONTINUE;
    this.stopped = true;
    return STOP;
  }

  /** Calls `invoke` on each callback in order; resolves to false if any returned false. */
  private run(invoke: (callback: Callback) => HookResult): Promise<boolean> {
    const callbacks = this.callbacks;
    let keepGoing = true;
    for (let i = 0; i < callbacks.length; i++) {
      let result: HookResult;
      try {
        result = invoke(callbacks[i]!);
      } catch (error) {
        return Promise.reject(error); // a promise-returning method never throws synchronously
      }
      if (isPromise<void | boolean>(result)) return this.finishAsync(result, i + 1, invoke, keepGoing);
      if (result === false) keepGoing = false;
    }
    return this.answer(keepGoing);
  }

  private async finishAsync(
    pending: Promise<void | boolean>,
    next: number,
    invoke: (callback: Callback) => HookResult,
    keepGoing: boolean,
  ): Promise<boolean> {
    if ((await pending) === false) keepGoing = false;
    for (let i = next; i < this.callbacks.length; i++) {
      if ((await invoke(this.callbacks[i]!)) === false) keepGoing = false;
    }
    return this.answer(keepGoing);
  }

  /** Before the first step. */
  async trainingStart(state: TrainingState): Promise<void> {
    for (const callback of this.callbacks) await callback.onTrainingStart?.(state);
  }

  /** After each env step (of all sub-envs together); resolves to false to stop. */
  step(state: TrainingState): Promise<boolean> {
    if (!this.hasStepHooks) return CONTINUE;
    return this.run((c) => c.onStep?.(state));
  }

  /** After a rollout was collected (on-policy) ; resolves to false to stop. */
  rolloutEnd(state: TrainingState): Promise<boolean> {
    return this.run((c) => c.onRolloutEnd?.(state));
  }

  /** After a gradient update with its metrics; resolves to false to stop. */
  update(state: TrainingState, metrics: Metrics): Promise<boolean> {
    return this.run((c) => c.onUpdate?.(state, metrics));
  }

  /** After an evaluation round; resolves to false to stop. */
  evaluation(state: TrainingState, result: EvaluationResult): Promise<boolean> {
    return this.run((c) => c.onEval?.(state, result));
  }

  /** After the last step, also when stopped early. */
  trainingEnd(state: TrainingState): Promise<void> {
    if (!this.callbacks.some((c) => c.onTrainingEnd !== undefined)) return DONE;
    return this.trainingEndAsync(state);
  }

  private async trainingEndAsync(state: TrainingState): Promise<void> {
    for (const callback of this.callbacks) await callback.onTrainingEnd?.(state);
  }
}

/** Options of {@link stopOnReward}. */
export interface StopOnRewardOptions {
  /**
   * Which figure to compare: the training loop's recent return (`'training'`, checked after
   * every step), the mean return of evaluation rounds (`'evaluation'`, as SB3's
   * `StopTrainingOnRewardThreshold`), or both. Default `'both'`.
   */
  on?: 'training' | 'evaluation' | 'both';
}

/** Stops training once the recent training return or an evaluation's mean return reaches `threshold`. */
export function stopOnReward(threshold: number, options: StopOnRewardOptions = {}): Callback {
  if (Number.isNaN(threshold)) throw new RangeError('stopOnReward: threshold is NaN');
  const on = options.on ?? 'both';
  const callback: Callback = {};
  // NaN (no finished episode yet) compares false, so it never stops.
  if (on !== 'evaluation') callback.onStep = (state) => !(state.recentReturn >= threshold);
  if (on !== 'training') callback.onEval = (_state, result) => !(result.meanReturn >= threshold);
  return callback;
}

/**
 * Calls `fn` each time the step counter passes a multiple of `n` (at most once per step
 * call, so a vector env that takes 8 steps at once still triggers once). Counting starts
 * from the step at training start, so a resumed run does not fire at once. `fn` may return
 * `false` (or a promise of it) to stop training.
 */
export function everyNSteps(n: number, fn: (state: TrainingState) => HookResult): Callback {
  checkIntegerAtLeast('everyNSteps', 'interval', n, 1);
  let lastBlock = 0;
  return {
    onTrainingStart(state) {
      lastBlock = Math.floor(state.step / n);
    },
    onStep(state) {
      const block = Math.floor(state.step / n);
      if (block <= lastBlock) return undefined;
      lastBlock = block;
      return fn(state);
    },
  };
}

/** Options of {@link evalCallback}. */
export interface EvalCallbackOptions<O, A> extends EvaluatePolicyOptions {
  /** A separate env for evaluation: never the one being trained on. */
  env: Env<O, A>;
  policy: Policy<O, A>;
  /** Evaluate each time the step counter passes a multiple of this. */
  everySteps: number;
  /**
   * Receives each result; return `false` to stop training. With `seed` set, every round
   * uses the same episode seeds, so rounds are comparable.
   */
  onResult?: (result: EvaluationResult, state: TrainingState) => HookResult;
}

/** Evaluates `policy` on `env` with {@link evaluatePolicy} every `everySteps` steps. */
export function evalCallback<O, A>(options: EvalCallbackOptions<O, A>): Callback {
  checkIntegerAtLeast('evalCallback', 'interval', options.everySteps, 1);
  const { env, policy, everySteps, onResult, ...evaluation } = options;
  return everyNSteps(everySteps, (state) => {
    const result = evaluatePolicy(env, policy, evaluation);
    return onResult?.(result, state);
  });
}
