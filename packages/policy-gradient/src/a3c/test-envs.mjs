// Env factories the A3C tests hand to worker threads (plain JavaScript: workers run it as is).
// Each worker imports this module and calls the export with (options, { index }).
import { makeEnv } from '@tfrl/envs';

/** A registered env by id: `options = { id, options? }`. */
export function registered(options) {
  return makeEnv(options.id, options.options ?? {});
}

/** CartPole whose `step` throws in worker `options.failIndex` after `options.failStep` steps. */
export function faulty(options, context) {
  const env = makeEnv('CartPole-v1');
  if (context.index !== options.failIndex) return env;
  let steps = 0;
  return {
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    reset: (resetOptions) => env.reset(resetOptions),
    step(action) {
      if (++steps > options.failStep) throw new Error(options.message);
      return env.step(action);
    },
  };
}

/** CartPole whose rewards become NaN in worker `options.failIndex` (a non-finite loss). */
export function nanRewards(options, context) {
  const env = makeEnv('CartPole-v1');
  if (context.index !== options.failIndex) return env;
  return {
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    reset: (resetOptions) => env.reset(resetOptions),
    step(action) {
      return { ...env.step(action), reward: Number.NaN };
    },
  };
}
