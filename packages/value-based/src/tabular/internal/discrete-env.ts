// What every tabular learner does with its env and the policy it follows: check that the spaces
// are finite, start episodes reproducibly, and draw actions from a probability table or a Policy.
import type { Env, Rng, Space } from '@tfrl/core';
import type { TabularPolicy } from '../tabular-config.js';
import { checkPolicyTable } from './validate.js';

/** Sizes of an env whose observation and action spaces are both `Discrete(n)` starting at 0. */
export interface DiscreteEnvSizes {
  numStates: number;
  numActions: number;
}

function describeSpace(space: Space<unknown>): string {
  const text = String(space);
  return text === '[object Object]' ? JSON.stringify(space.toJSON()) : text;
}

function discreteSize(fn: string, name: string, space: Space<unknown>): number {
  const json = space.toJSON();
  if (json.kind !== 'discrete' || json.start !== 0) {
    throw new TypeError(`${fn}: env.${name} must be a Discrete space starting at 0, got ${describeSpace(space)}`);
  }
  return json.n;
}

/** The table sizes of `env`; a TypeError naming the space when it is not `Discrete(n)` from 0. */
export function checkDiscreteEnv(fn: string, env: Env<number, number>): DiscreteEnvSizes {
  return {
    numStates: discreteSize(fn, 'observationSpace', env.observationSpace),
    numActions: discreteSize(fn, 'actionSpace', env.actionSpace),
  };
}

/**
 * Starts episode `episode`. The first reset seeds the env with a draw from the run's `rng`, so
 * that the same seed replays the same run even on an env used before; later resets let the
 * env's own stream carry on.
 */
export function resetEpisode(env: Env<number, number>, rng: Rng, episode: number): number {
  return env.reset(episode === 0 ? { seed: rng.int(0x7fffffff) } : undefined).observation;
}

/** A function drawing a ~ π(·|s): from the table with `rng`, or from `policy.act(s, { deterministic: false })`. */
export function policySampler(fn: string, policy: TabularPolicy, sizes: DiscreteEnvSizes, rng: Rng): (state: number) => number {
  const { numStates, numActions } = sizes;
  if (policy instanceof Float64Array) {
    checkPolicyTable(fn, policy, numStates, numActions);
    const rows = Array.from({ length: numStates }, (_, state) => policy.subarray(state * numActions, (state + 1) * numActions));
    return (state) => rng.categorical(rows[state]!);
  }
  if (typeof policy !== 'object' || policy === null || typeof policy.act !== 'function') {
    throw new TypeError(`${fn}: policy must be a Float64Array [numStates × numActions] of probabilities or a Policy`);
  }
  const options = { deterministic: false };
  return (state) => {
    const action = policy.act(state, options);
    if (!(Number.isInteger(action) && action >= 0 && action < numActions)) {
      throw new RangeError(`${fn}: policy.act(${state}) returned ${action}, not an action in [0, ${numActions - 1}]`);
    }
    return action;
  };
}
