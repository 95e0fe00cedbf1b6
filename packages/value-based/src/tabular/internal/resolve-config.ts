// Turns the public configs of tabular-config.ts into checked, defaults-filled values.
import { DEFAULT_N_STEPS, defaultTabularControlConfig, type NStepConfig, type TabularControlConfig, type TabularLearningConfig } from '../tabular-config.js';
import { checkInteger, checkIntegerAtLeast, checkUnitInterval } from './validate.js';

/** A learning config with every default filled in and every field checked. */
export interface ResolvedLearningConfig {
  readonly alpha: number;
  readonly gamma: number;
  readonly episodes: number;
  readonly seed: number;
  readonly maxStepsPerEpisode: number;
}

/** {@link ResolvedLearningConfig} plus ε as a checked function of the episode index. */
export interface ResolvedControlConfig extends ResolvedLearningConfig {
  /** ε for `episode` (0-based): the number, or the schedule at p = episode / episodes. */
  epsilonAt(episode: number): number;
}

/**
 * Fills in the defaults of a learning config and checks it, throwing a RangeError that names
 * `fn` and the field.
 */
export function resolveLearningConfig(fn: string, config: TabularLearningConfig): ResolvedLearningConfig {
  const d = defaultTabularControlConfig;
  const resolved = {
    alpha: config.alpha ?? d.alpha,
    gamma: config.gamma ?? d.gamma,
    episodes: config.episodes ?? d.episodes,
    seed: config.seed ?? d.seed,
    maxStepsPerEpisode: config.maxStepsPerEpisode ?? d.maxStepsPerEpisode,
  };
  checkUnitInterval(fn, 'alpha', resolved.alpha, true);
  checkUnitInterval(fn, 'gamma', resolved.gamma);
  checkIntegerAtLeast(fn, 'episodes', resolved.episodes, 1);
  checkInteger(fn, 'seed', resolved.seed);
  checkIntegerAtLeast(fn, 'maxStepsPerEpisode', resolved.maxStepsPerEpisode, 1);
  return resolved;
}

/** Fills in and checks a control config (see {@link resolveLearningConfig}); ε values are checked when drawn. */
export function resolveControlConfig(fn: string, config: TabularControlConfig): ResolvedControlConfig {
  const base = resolveLearningConfig(fn, config);
  const epsilon = config.epsilon ?? defaultTabularControlConfig.epsilon;
  if (typeof epsilon === 'number') {
    checkUnitInterval(fn, 'epsilon', epsilon);
    return { ...base, epsilonAt: () => epsilon };
  }
  if (typeof epsilon !== 'function') {
    throw new RangeError(`${fn}: epsilon must be a number in [0, 1] or a Schedule, got ${String(epsilon)}`);
  }
  return {
    ...base,
    epsilonAt: (episode) => {
      const progress = episode / base.episodes;
      const value = epsilon(progress);
      if (!(value >= 0 && value <= 1)) {
        throw new RangeError(`${fn}: epsilon schedule gave ${value} at progress ${progress}; epsilon must be in [0, 1]`);
      }
      return value;
    },
  };
}

/** Checks `config.n` of an n-step method and returns it (default {@link DEFAULT_N_STEPS}). */
export function resolveNSteps(fn: string, config: NStepConfig): number {
  const n = config.n ?? DEFAULT_N_STEPS;
  checkIntegerAtLeast(fn, 'n', n, 1);
  return n;
}
