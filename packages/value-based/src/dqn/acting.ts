import * as tf from '@tensorflow/tfjs-core';
import type { Info, Rng } from '@tfrl/core';
import type { ActionMask, DqnConfig } from './config.js';
import type { QNetwork } from './network.js';

/** How {@link selectActions} picks. */
export interface SelectOptions {
  /** Probability of a uniformly random allowed action per row. */
  readonly epsilon: number;
  /** Greedy with no exploration and, for noisy nets, the noise-free means. */
  readonly deterministic: boolean;
  /** Draws ε decisions, random actions and fresh NoisyNet noise. */
  readonly rng: Rng;
}

/**
 * Action indices for rows of observations [rows × inputSize]: per row, with probability ε a
 * uniformly random allowed action, else argmax over the allowed actions of one batched forward
 * pass. A noisy net draws fresh noise first, so no noise outlives a call (checkpoints need none).
 * `masks` [rows × actions] holds 1 for allowed actions. Rows needing no forward pass cost none.
 */
export function selectActions(network: QNetwork, observations: Float32Array, masks: Float32Array | null, options: SelectOptions): Int32Array {
  const { inputSize, actions } = network.config;
  const { epsilon, deterministic, rng } = options;
  const rows = observations.length / inputSize;
  if (!Number.isInteger(rows)) throw new RangeError(`selectActions: ${observations.length} values are not rows of ${inputSize}`);
  const out = new Int32Array(rows);
  const explore = new Uint8Array(rows);
  let greedyRows = rows;
  if (!deterministic && epsilon > 0) {
    for (let i = 0; i < rows; i++) {
      if (rng.uniform() < epsilon) {
        explore[i] = 1;
        greedyRows--;
      }
    }
  }
  let q: Float32Array | null = null;
  if (greedyRows > 0) {
    if (network.config.noisy !== false && !deterministic) network.resetNoise(rng);
    const values = tf.tidy(() => network.qValues(tf.tensor2d(observations, [rows, inputSize]), { deterministic }));
    q = values.dataSync() as Float32Array;
    values.dispose();
  }
  for (let i = 0; i < rows; i++) {
    const mask = masks?.subarray(i * actions, (i + 1) * actions);
    if (explore[i]) {
      out[i] = mask === undefined ? rng.int(actions) : rng.categorical(mask);
      continue;
    }
    let best = -1;
    for (let a = 0; a < actions; a++) {
      if (mask !== undefined && mask[a] === 0) continue;
      if (best < 0 || q![i * actions + a]! > q![i * actions + best]!) best = a;
    }
    out[i] = best;
  }
  return out;
}

/**
 * Writes `mask` as 0/1 into row `row` of `out` [rows × actions]. A mask that allows nothing (a
 * terminal state's) or is empty allows everything: such a state is never acted on (its action
 * is ignored by the reset) nor bootstrapped from (it is terminal).
 */
export function writeMaskRow(mask: ActionMask, out: Float32Array, row: number, actions: number, who: string): Float32Array {
  if (mask.length !== actions && mask.length !== 0) throw new RangeError(`${who}: action mask has length ${mask.length}, expected ${actions}`);
  let allowed = 0;
  for (let a = 0; a < mask.length; a++) allowed += out[row * actions + a] = mask[a] ? 1 : 0;
  if (allowed === 0) out.fill(1, row * actions, (row + 1) * actions);
  return out;
}

/**
 * Masks [rows × actions] of a vector step's observations, from the config's `actionMask`
 * function or the infos' `actionMaskInfoKey` field (`finalInfo`'s for final observations);
 * null when the config masks nothing. A missing info mask is an error, except for final
 * observations (all actions allowed then).
 */
export function masksFor(
  config: Pick<DqnConfig, 'actionMask' | 'actionMaskInfoKey'>,
  layout: { observationSize: number; actions: number },
  observations: Float32Array,
  infos: readonly Info[],
  final = false,
): Float32Array | null {
  const { actionMask, actionMaskInfoKey: key } = config;
  if (actionMask === undefined && key === null) return null;
  const { observationSize, actions } = layout;
  const rows = observations.length / observationSize;
  const out = new Float32Array(rows * actions);
  for (let i = 0; i < rows; i++) {
    const info = (final ? infos[i]?.finalInfo : infos[i]) as Info | undefined;
    const mask = actionMask !== undefined ? actionMask(observations.subarray(i * observationSize, (i + 1) * observationSize)) : (info?.[key!] as ActionMask | undefined);
    if (mask === undefined && !final) throw new Error(`DQN: info.${key} of sub-env ${i} holds no action mask`);
    writeMaskRow(mask ?? [], out, i, actions, 'DQN');
  }
  return out;
}

/** Masks [rows × actions] from a flat array of given masks (see {@link writeMaskRow}). */
export function masksFromRows(masks: ArrayLike<number | boolean>, rows: number, actions: number): Float32Array {
  if (masks.length !== rows * actions) throw new RangeError(`DQN.actBatch: masks has length ${masks.length}, expected ${rows * actions}`);
  const out = new Float32Array(rows * actions);
  for (let i = 0; i < rows; i++) writeMaskRow(Array.prototype.slice.call(masks, i * actions, (i + 1) * actions) as number[], out, i, actions, 'DQN.actBatch');
  return out;
}
