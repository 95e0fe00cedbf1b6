import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { createVariable, glorotUniform, heUniform, orthogonal, zeros } from './init.js';
import { linear, type LinearActivation } from './linear.js';
import type { Module } from './module.js';

/** Weight initialisation of an {@link mlp}; biases always start at 0. */
export type MlpInit = 'glorot' | 'he' | 'orthogonal';

/** Configuration of {@link mlp}. */
export interface MlpConfig {
  /** Input features. */
  readonly inputSize: number;
  /** Width of each hidden layer, input side first; [] gives a single linear layer. */
  readonly hiddenSizes: readonly number[];
  /** Output features. */
  readonly outputSize: number;
  /** Activation after every hidden layer. */
  readonly activation: LinearActivation;
  /** Activation after the output layer. Default 'linear'. */
  readonly outputActivation?: LinearActivation;
  /** Draws the initial weights. */
  readonly rng: Rng;
  /**
   * Weight initialisation. Default 'glorot'. 'orthogonal' uses gain √2 on hidden layers and 1
   * on the output layer (the PPO/A2C convention; pass a network through a head for 0.01).
   */
  readonly init?: MlpInit;
  /** Variable name prefix: variables are `${name}/dense_${i}/weight` and `.../bias`. */
  readonly name: string;
}

/** A multilayer perceptron: x ↦ act_out(W_L·…act(W_1·x + b_1)… + b_L), x of shape [batch, in]. */
export interface Mlp extends Module<tf.Tensor2D, tf.Tensor2D> {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Weights [in, out] and biases [out] per layer, input side first. */
  readonly layers: readonly { readonly weight: tf.Variable; readonly bias: tf.Variable }[];
  /** Disposes every variable. */
  dispose(): void;
}

/**
 * A multilayer perceptron built from {@link linear} layers: each layer is one fused kernel
 * (matMul + bias + activation) forward and a hand-written gradient backward. Variables are
 * ordered [W_1, b_1, W_2, b_2, …]. Call `apply` inside `tf.tidy` or a gradient function.
 */
export function mlp(config: MlpConfig): Mlp {
  const { inputSize, hiddenSizes, outputSize, activation, rng, name } = config;
  const outputActivation = config.outputActivation ?? 'linear';
  const init = config.init ?? 'glorot';
  const sizes = [inputSize, ...hiddenSizes, outputSize];
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`mlp(${name}): layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    }
  }
  const layers: { weight: tf.Variable; bias: tf.Variable }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fanIn = sizes[i]!;
    const fanOut = sizes[i + 1]!;
    const last = i + 2 === sizes.length;
    const values =
      init === 'he'
        ? heUniform(rng, fanIn, fanOut)
        : init === 'orthogonal'
          ? orthogonal(rng, fanIn, fanOut, last ? 1 : Math.SQRT2)
          : glorotUniform(rng, fanIn, fanOut);
    layers.push({
      weight: createVariable(values, [fanIn, fanOut], `${name}/dense_${i}/weight`),
      bias: createVariable(zeros(fanOut), [fanOut], `${name}/dense_${i}/bias`),
    });
  }
  const variables = layers.flatMap((layer) => [layer.weight, layer.bias]);
  return {
    inputSize,
    outputSize,
    layers,
    apply(x: tf.Tensor2D): tf.Tensor2D {
      let h = x; // [batch, features]
      for (let i = 0; i < layers.length; i++) {
        const { weight, bias } = layers[i]!;
        const act = i + 1 === layers.length ? outputActivation : activation;
        h = linear(h, weight as tf.Tensor2D, bias as tf.Tensor1D, act);
      }
      return h;
    },
    trainableVariables: () => variables.slice(),
    dispose() {
      for (const variable of variables) variable.dispose();
    },
  };
}
