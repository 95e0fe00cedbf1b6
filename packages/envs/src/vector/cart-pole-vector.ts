import type { AutoresetMode, Box, Discrete } from '@tfrl/core';
import { CartPole, cartPoleTerminated, stepCartPoleState, writeCartPoleObservation } from '../classic-control/cart-pole.js';
import { BatchedVectorEnv, type BatchedKernel } from './batched-vector-env.js';

/** Options of {@link CartPoleVectorEnv}. */
export interface CartPoleVectorEnvOptions {
  /** Number of cart-poles. */
  numEnvs: number;
  /** Episodes are truncated after this many steps (default 500, as `CartPole-v1`). */
  maxEpisodeSteps?: number;
  /** How finished sub-envs restart (see core's `AutoresetMode`). Default `'next-step'`. */
  autoresetMode?: AutoresetMode;
  /** CartPole's `suttonBartoReward` (default false). */
  suttonBartoReward?: boolean;
}

/**
 * `numEnvs` cart-poles stepped in one Float64Array loop with {@link stepCartPoleState}: the
 * same observations, rewards and flags as a `SyncVectorEnv` of `makeEnv('CartPole-v1')` envs
 * reset with the same seeds (sub-env i draws its start states like a CartPole seeded
 * `seed + i`), without an object per step. Actions: Int32Array [numEnvs] of 0 (left) / 1 (right).
 */
export class CartPoleVectorEnv extends BatchedVectorEnv<Float32Array, number, Int32Array> {
  constructor(options: CartPoleVectorEnvOptions) {
    super('CartPoleVectorEnv', cartPoleKernel(options), options.numEnvs, options.maxEpisodeSteps ?? 500, options.autoresetMode ?? 'next-step');
  }
}

function cartPoleKernel(options: CartPoleVectorEnvOptions): BatchedKernel<Int32Array> {
  const suttonBartoReward = options.suttonBartoReward ?? false;
  // Start states come from one CartPole per sub-env, so they are drawn by CartPole's own reset.
  const starts: CartPole[] = [];
  const numEnvs = Number.isInteger(options.numEnvs) && options.numEnvs > 0 ? options.numEnvs : 0;
  for (let i = 0; i < numEnvs; i++) starts.push(new CartPole({ suttonBartoReward }));
  const single = starts[0] ?? new CartPole();
  return {
    observationSpace: single.observationSpace as Box,
    actionSpace: single.actionSpace as Discrete,
    stateSize: 4,
    resetState(index, state, offset, seed) {
      const start = starts[index]!;
      start.reset(seed === undefined ? {} : { seed });
      state.set(start.state!, offset);
    },
    checkActions(actions, skip) {
      for (let i = 0; i < actions.length; i++) {
        const action = actions[i]!;
        if (action !== 0 && action !== 1 && skip[i] === 0) {
          throw new RangeError(`CartPoleVectorEnv.step: action ${action} of sub-env ${i} is outside Discrete(2)`);
        }
      }
    },
    stepAll(state, actions, skip, observations, rewards, terminated) {
      for (let i = 0; i < actions.length; i++) {
        if (skip[i] !== 0) continue;
        const offset = 4 * i;
        rewards[i] = stepCartPoleState(state, offset, actions[i]!, suttonBartoReward);
        if (cartPoleTerminated(state, offset)) terminated[i] = 1;
        writeCartPoleObservation(state, offset, observations, offset);
      }
    },
    observe: writeCartPoleObservation,
  };
}
