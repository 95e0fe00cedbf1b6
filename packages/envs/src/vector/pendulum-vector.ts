import type { AutoresetMode, Box } from '@tfrl/core';
import { Pendulum, stepPendulumState, writePendulumObservation } from '../classic-control/pendulum.js';
import { BatchedVectorEnv, type BatchedKernel } from './batched-vector-env.js';

/** Options of {@link PendulumVectorEnv}. */
export interface PendulumVectorEnvOptions {
  /** Number of pendulums. */
  numEnvs: number;
  /** Episodes are truncated after this many steps (default 200, as `Pendulum-v1`). */
  maxEpisodeSteps?: number;
  /** How finished sub-envs restart (see core's `AutoresetMode`). Default `'next-step'`. */
  autoresetMode?: AutoresetMode;
  /** Pendulum's gravity `g` (default 10). */
  g?: number;
}

/**
 * `numEnvs` pendulums stepped in one Float64Array loop with {@link stepPendulumState}: the
 * same results as a `SyncVectorEnv` of `makeEnv('Pendulum-v1')` envs reset with the same seeds
 * (sub-env i draws its start states like a Pendulum seeded `seed + i`), without an object per
 * step. Actions: Float32Array [numEnvs] of torques (clipped to [−2, 2]; NaN and ±Infinity throw).
 */
export class PendulumVectorEnv extends BatchedVectorEnv<Float32Array, Float32Array, Float32Array> {
  constructor(options: PendulumVectorEnvOptions) {
    super('PendulumVectorEnv', pendulumKernel(options), options.numEnvs, options.maxEpisodeSteps ?? 200, options.autoresetMode ?? 'next-step');
  }
}

function pendulumKernel(options: PendulumVectorEnvOptions): BatchedKernel<Float32Array> {
  // Start states come from one Pendulum per sub-env, so they are drawn by Pendulum's own reset
  // (which also validates `g`).
  const starts: Pendulum[] = [];
  const numEnvs = Number.isInteger(options.numEnvs) && options.numEnvs > 0 ? options.numEnvs : 0;
  const envOptions = options.g === undefined ? {} : { g: options.g };
  for (let i = 0; i < numEnvs; i++) starts.push(new Pendulum(envOptions));
  const single = starts[0] ?? new Pendulum(envOptions);
  const g = single.g;
  return {
    observationSpace: single.observationSpace as Box,
    actionSpace: single.actionSpace as Box,
    stateSize: 2,
    resetState(index, state, offset, seed) {
      const start = starts[index]!;
      start.reset(seed === undefined ? {} : { seed });
      state.set(start.state!, offset);
    },
    checkActions(actions, skip) {
      for (let i = 0; i < actions.length; i++) {
        const torque = actions[i]!;
        if (!Number.isFinite(torque) && skip[i] === 0) {
          throw new RangeError(`PendulumVectorEnv.step: action ${torque} of sub-env ${i} is not a finite number`);
        }
      }
    },
    stepAll(state, actions, skip, observations, rewards) {
      for (let i = 0; i < actions.length; i++) {
        if (skip[i] !== 0) continue;
        rewards[i] = stepPendulumState(state, 2 * i, actions[i]!, g);
        writePendulumObservation(state, 2 * i, observations, 3 * i);
      }
    },
    observe: writePendulumObservation,
  };
}
