import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { duelingCombine } from './dueling-head.js';
import { createLinearLayer, type LinearLayer, type NoisyApplyOptions } from './noisy-linear.js';

/** C51 support z_i = vMin + i·Δz, Δz = (vMax − vMin)/(atoms − 1), i = 0…atoms−1. */
export function createSupport(vMin: number, vMax: number, atoms: number): Float32Array {
  if (!Number.isInteger(atoms) || atoms < 2) throw new RangeError(`createSupport: atoms must be an integer ≥ 2, got ${atoms}`);
  if (!(vMax > vMin)) throw new RangeError(`createSupport: need vMin < vMax, got ${vMin} and ${vMax}`);
  const support = new Float32Array(atoms);
  const delta = (vMax - vMin) / (atoms - 1);
  for (let i = 0; i < atoms; i++) support[i] = vMin + i * delta;
  support[atoms - 1] = vMax; // exact end point despite rounding
  return support;
}

/** Q(s,a) = Σ_i z_i·p_i(s,a): probabilities [batch, actions, atoms] → [batch, actions]. */
export function qValues(probabilities: tf.Tensor3D, support: Float32Array | tf.Tensor1D): tf.Tensor2D {
  const z = support instanceof Float32Array ? tf.tensor1d(support) : support;
  return tf.sum(tf.mul(probabilities, z), -1) as tf.Tensor2D;
}

/** Configuration of a {@link CategoricalHead}. */
export interface CategoricalHeadConfig {
  /** Features coming out of the torso. */
  readonly inputSize: number;
  /** Number of discrete actions. */
  readonly actions: number;
  /** Atoms of the return distribution (51 in C51). */
  readonly atoms: number;
  /** Draws the initial weights (and noise). */
  readonly rng: Rng;
  /** Dueling over atoms (Rainbow): logits = V(s)[z] + A(s,a)[z] − mean_a A(s,a)[z]. Default false. */
  readonly dueling?: boolean;
  /** NoisyNet layers; a number sets σ₀. Default false. */
  readonly noisy?: boolean | number;
  /** Variable name prefix. Default 'categorical'. */
  readonly name?: string;
}

/**
 * C51 head (Bellemare et al. 2017): logits [batch, actions, atoms] from features, with
 * p(s,a)[i] = softmax_i(logits(s,a)) over atoms.
 */
export class CategoricalHead {
  readonly actions: number;
  readonly atoms: number;
  private readonly advantage: LinearLayer; // features → actions·atoms
  private readonly value: LinearLayer | undefined; // features → atoms (dueling only)

  constructor(config: CategoricalHeadConfig) {
    const { inputSize, actions, atoms, rng, noisy = false } = config;
    const name = config.name ?? 'categorical';
    if (!Number.isInteger(atoms) || atoms < 2) throw new RangeError(`CategoricalHead: atoms must be ≥ 2, got ${atoms}`);
    this.actions = actions;
    this.atoms = atoms;
    const outName = config.dueling ? `${name}/advantage` : `${name}/logits`;
    this.advantage = createLinearLayer({ inputSize, outputSize: actions * atoms, rng, noisy, name: outName });
    this.value = config.dueling
      ? createLinearLayer({ inputSize, outputSize: atoms, rng, noisy, name: `${name}/value` })
      : undefined;
  }

  /** Logits [batch, actions, atoms] from features [batch, in]. */
  apply(features: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D {
    const batch = features.shape[0];
    const advantage = tf.reshape(this.advantage.apply(features, options), [batch, this.actions, this.atoms]);
    if (this.value === undefined) return advantage as tf.Tensor3D;
    const value = tf.reshape(this.value.apply(features, options), [batch, 1, this.atoms]);
    return duelingCombine(value, advantage as tf.Tensor3D);
  }

  /** p = softmax over atoms of {@link CategoricalHead.apply}: [batch, actions, atoms]. */
  probabilities(features: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D {
    return tf.softmax(this.apply(features, options), -1);
  }

  /** log p = logSoftmax over atoms (the stable input of the C51 cross-entropy): [batch, actions, atoms]. */
  logProbabilities(features: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D {
    return tf.logSoftmax(this.apply(features, options), -1);
  }

  /** Redraws the noise of every layer (no-op when not noisy). */
  resetNoise(rng: Rng): void {
    this.advantage.resetNoise(rng);
    this.value?.resetNoise(rng);
  }

  /** Advantage (or logits) layer variables, then value-stream variables when dueling. */
  trainableVariables(): tf.Variable[] {
    return [...this.advantage.trainableVariables(), ...(this.value?.trainableVariables() ?? [])];
  }

  /** Frees the head's tensors. */
  dispose(): void {
    this.advantage.dispose();
    this.value?.dispose();
  }
}

/** Factory form of {@link CategoricalHead}. */
export function createCategoricalHead(config: CategoricalHeadConfig): CategoricalHead {
  return new CategoricalHead(config);
}
