// The env module the A3C worker threads of `tfrl train a3c` build their envs from: each worker
// imports it and calls `registered({ id })`.
import { makeEnv } from '@tfrl/envs';

/** A registered env by id: `options = { id, options? }`. */
export function registered(options) {
  return makeEnv(options.id, options.options ?? {});
}
