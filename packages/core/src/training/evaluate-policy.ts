import type { Policy } from '../agent.js';
import type { EvaluationResult } from '../callback.js';
import type { Env } from '../env.js';
import { checkIntegerAtLeast } from '../internal/validate.js';

/** Default {@link EvaluatePolicyOptions.maxStepsPerEpisode}. */
export const DEFAULT_MAX_EVAL_STEPS = 100_000;

/** Options of {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions {
  /** Episodes to run. Default 10. */
  episodes?: number;
  /** Ask the policy for its most likely action. Default true. */
  deterministic?: boolean;
  /** Episode i is reset with seed `seed + i`; without it the env's own RNG carries on. */
  seed?: number;
  /** Step budget of one episode, a guard against an env that never ends. Default 100 000. */
  maxStepsPerEpisode?: number;
  /**
   * What happens when an episode reaches `maxStepsPerEpisode`:
   * `'throw'` (default) raises an Error, because an env that never ends is usually missing
   * its TimeLimit; `'truncate'` ends the episode there, counting its return and length so
   * far (as a TimeLimit wrapper would).
   */
  onStepLimit?: 'throw' | 'truncate';
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}

/**
 * Runs `policy` for whole episodes on `env` and reports the mean and (population, ddof 0)
 * standard deviation of the undiscounted returns and the mean length, like
 * Stable-Baselines3's `evaluate_policy`. The env is reset before each episode and left
 * open; pass an env that is not being trained on.
 */
export function evaluatePolicy<O, A>(env: Env<O, A>, policy: Policy<O, A>, options: EvaluatePolicyOptions = {}): EvaluationResult {
  const episodes = options.episodes ?? 10;
  const maxSteps = options.maxStepsPerEpisode ?? DEFAULT_MAX_EVAL_STEPS;
  const onStepLimit = options.onStepLimit ?? 'throw';
  const { seed } = options;
  checkIntegerAtLeast('evaluatePolicy', 'episodes', episodes, 1);
  checkIntegerAtLeast('evaluatePolicy', 'maxStepsPerEpisode', maxSteps, 1);
  if (seed !== undefined && !Number.isInteger(seed)) throw new RangeError(`evaluatePolicy: seed must be an integer, got ${seed}`);
  if (onStepLimit !== 'throw' && onStepLimit !== 'truncate') {
    throw new RangeError(`evaluatePolicy: onStepLimit must be 'throw' or 'truncate', got ${String(onStepLimit)}`);
  }
  const actOptions = { deterministic: options.deterministic ?? true };

  const returns: number[] = [];
  const lengths: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset(seed === undefined ? undefined : { seed: seed + episode });
    policy.resetState?.(); // a recurrent policy starts each episode with a fresh memory
    let episodeReturn = 0;
    let length = 0;
    for (;;) {
      if (length === maxSteps) {
        if (onStepLimit === 'truncate') break;
        throw new Error(
          `evaluatePolicy: episode ${episode} did not end within ${maxSteps} steps; the env may lack a time limit ` +
            "(wrap it in a TimeLimit, or pass maxStepsPerEpisode with onStepLimit: 'truncate')",
        );
      }
      const step = env.step(policy.act(observation, actOptions));
      episodeReturn += step.reward;
      length++;
      if (step.terminated || step.truncated) break;
      observation = step.observation;
    }
    returns.push(episodeReturn);
    lengths.push(length);
  }
  const meanReturn = mean(returns);
  const variance = mean(returns.map((r) => (r - meanReturn) ** 2));
  return { meanReturn, stdReturn: Math.sqrt(variance), meanLength: mean(lengths), returns, lengths };
}
