import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { createLinearLayer, type LinearLayer, type NoisyApplyOptions } from './noisy-linear.js';

/**
 * Q(s,a) = V(s) + A(s,a) − (1/|A|)·Σ_a' A(s,a')  (Wang et al. 2016, mean form).
 * `value` [batch, 1] with `advantage` [batch, actions], or per atom: [batch, 1, atoms] with
 * [batch, actions, atoms]. The mean runs over axis 1 (actions).
 */
export function duelingCombine<T extends tf.Tensor>(value: tf.Tensor, advantage: T): T {
  return tf.sub(tf.add(value, advantage), tf.mean(advantage, 1, true)) as T;
}

/** Configuration of a {@link DuelingHead}. */
export interface DuelingHeadConfig {
  /** Features coming out of the torso. */
  readonly inputSize: number;
  /** Number of discrete actions. */
  readonly actions: number;
  /** Draws the initial weights (and noise). */
  readonly rng: Rng;
  /** NoisyNet streams (Rainbow); a number sets σ₀. Default false. */
  readonly noisy?: boolean | number;
  /** Variable name prefix. Default 'dueling'. */
  readonly name?: string;
}

/**
 * Dueling Q head: V = features·W_v + b_v [batch, 1], A = features·W_a + b_a [batch, actions],
 * Q = V + A − mean_a A  [batch, actions].
 */
export class DuelingHead {
  readonly actions: number;
  private readonly value: LinearLayer;
  private readonly advantage: LinearLayer;

  constructor(config: DuelingHeadConfig) {
    const { inputSize, actions, rng, noisy = false } = config;
    const name = config.name ?? 'dueling';
    this.actions = actions;
    this.value = createLinearLayer({ inputSize, outputSize: 1, rng, noisy, name: `${name}/value` });
    this.advantage = createLinearLayer({ inputSize, outputSize: actions, rng, noisy, name: `${name}/advantage` });
  }

  /** Q(s, ·) from features [batch, in] → [batch, actions]. */
  apply(features: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor2D {
    return duelingCombine(this.value.apply(features, options), this.advantage.apply(features, options));
  }

  /** Redraws the noise of both streams (no-op when not noisy). */
  resetNoise(rng: Rng): void {
    this.value.resetNoise(rng);
    this.advantage.resetNoise(rng);
  }

  /** Value-stream variables, then advantage-stream variables. */
  trainableVariables(): tf.Variable[] {
    return [...this.value.trainableVariables(), ...this.advantage.trainableVariables()];
  }

  /** Frees the head's tensors. */
  dispose(): void {
    this.value.dispose();
    this.advantage.dispose();
  }
}

/** Factory form of {@link DuelingHead}. */
export function createDuelingHead(config: DuelingHeadConfig): DuelingHead {
  return new DuelingHead(config);
}
