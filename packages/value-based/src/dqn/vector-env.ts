import type { Env, Space, VectorEnv } from '@tfrl/core';
export { asVectorEnv, isVectorEnv } from '@tfrl/core';

/** Any env DQN trains on: one env or a vector of them, with Discrete actions. */
export type DqnEnv = Env<unknown, number> | VectorEnv<unknown, number>;

/** n and start of a Discrete action space; throws for any other space. */
export function discreteActions(space: Space<unknown>, who: string): { n: number; start: number } {
  const json = space.toJSON();
  if (json.kind !== 'discrete') throw new TypeError(`${who}: DQN needs a Discrete action space, got ${json.kind}`);
  return { n: json.n, start: json.start };
}

