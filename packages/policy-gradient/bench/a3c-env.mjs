// The env module A3C's worker threads build their envs from (an A3C env spec names it):
// `{ module: 'bench/a3c-env.mjs', export: 'registered', options: { id: 'CartPole-v1' } }`.
import { makeEnv } from '@tfrl/envs';

/** A registered env by id: `options = { id, options? }`; every worker builds its own. */
export function registered(options) {
  return makeEnv(options.id, options.options ?? {});
}
