import * as tf from '@tensorflow/tfjs-core';

/**
 * y = x·W + b with a hand-written gradient.
 *
 * tfjs's built-in matMul gradient uses transposed products (`transposeA/B`) that the wasm
 * backend runs through a naive loop 10–13× slower than a plain matMul. Here the backward
 * pass transposes explicitly and then multiplies untransposed:
 *   ∂L/∂x = dy·Wᵀ,  ∂L/∂W = xᵀ·dy,  ∂L/∂b = Σ_rows dy
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return bias === undefined ? linearNoBias(x, weight) : linearWithBias(x, weight, bias);
}

const linearWithBias = tf.customGrad(
  (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, weight]);
    return {
      value: tf.add(tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D), bias),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, w] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [
          tf.matMul(dy as tf.Tensor2D, tf.transpose(w)), // [batch, in]
          tf.matMul(tf.transpose(xs), dy as tf.Tensor2D), // [in, out]
          tf.sum(dy, 0), // [out]
        ];
      },
    };
  },
) as (x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

const linearNoBias = tf.customGrad((x: tf.Tensor, weight: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, weight]);
  return {
    value: tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, w] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(w)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
    },
  };
}) as (x: tf.Tensor2D, weight: tf.Tensor2D) => tf.Tensor2D;
