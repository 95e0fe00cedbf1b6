import type * as tf from '@tensorflow/tfjs-core';

/**
 * A differentiable function with named trainable variables. Building blocks are plain
 * functional modules over tfjs-core ops (no tfjs-layers models): `apply` must be called inside
 * `tf.tidy` (or a gradient function) by the caller.
 */
export interface Module<I extends tf.Tensor = tf.Tensor, O extends tf.Tensor = tf.Tensor> {
  /** Forward pass. Creates tensors: call it inside `tf.tidy` or a gradient function. */
  apply(input: I): O;
  /** Trainable variables in a fixed order (the order weight files and optimizers use). */
  trainableVariables(): tf.Variable[];
}
