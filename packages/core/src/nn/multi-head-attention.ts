import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { createVariable } from './init.js';
import { createLinearLayer, type LinearLayer } from './noisy-linear.js';

/** Logit given to masked-out keys before the softmax. */
const MASKED_LOGIT = -1e9;
const LAYER_NORM_EPSILON = 1e-5;

/** Configuration of a {@link MultiHeadAttention} block. */
export interface MultiHeadAttentionConfig {
  /** Features per input token. */
  readonly inputSize: number;
  /** d_model: size of the Q/K/V projections and of the output; a multiple of `heads`. */
  readonly modelSize: number;
  /** Number of heads h; each attends in d_k = modelSize / h dimensions. */
  readonly heads: number;
  /** Draws the initial projections (Glorot uniform, zero bias). */
  readonly rng: Rng;
  /** y = x + attention(x) (needs inputSize = modelSize). Default false. */
  readonly residual?: boolean;
  /** Layer norm on the output (after the residual sum: post-norm, as Vaswani et al.). Default false. */
  readonly layerNorm?: boolean;
  /** Variable name prefix. Default 'attention'. */
  readonly name?: string;
}

/** Options of one {@link MultiHeadAttention.apply}. */
export interface AttentionOptions {
  /** [batch, keys]: 1 (or true) where a token may be attended to, 0 where not (padding, absent agents). */
  readonly mask?: tf.Tensor2D | Float32Array | Uint8Array;
}

/**
 * Multi-head self-attention (Vaswani et al. 2017) over tokens x [batch, tokens, in]:
 *   head_i = softmax(Q_i K_iᵀ / √d_k + M) V_i,  Q = xW_q + b_q, K = xW_k + b_k, V = xW_v + b_v,
 *   out = concat(head_1…head_h)·W_o + b_o;  y = LayerNorm(x + out) with both options on.
 * M is 0 for allowed keys and −1e9 for masked ones (a query whose keys are all masked
 * attends uniformly). Output [batch, tokens, modelSize].
 */
export class MultiHeadAttention {
  readonly modelSize: number;
  readonly heads: number;
  private readonly query: LinearLayer;
  private readonly key: LinearLayer;
  private readonly value: LinearLayer;
  private readonly output: LinearLayer;
  private readonly residual: boolean;
  private readonly normGain: tf.Variable | undefined; // γ [modelSize]
  private readonly normBias: tf.Variable | undefined; // β [modelSize]

  constructor(config: MultiHeadAttentionConfig) {
    const { inputSize, modelSize, heads, rng } = config;
    if (!Number.isInteger(heads) || heads < 1 || modelSize % heads !== 0) {
      throw new RangeError(`MultiHeadAttention: modelSize ${modelSize} must be a multiple of heads ${heads}`);
    }
    this.residual = config.residual ?? false;
    if (this.residual && inputSize !== modelSize) {
      throw new RangeError(`MultiHeadAttention: a residual needs inputSize = modelSize, got ${inputSize} and ${modelSize}`);
    }
    const name = config.name ?? 'attention';
    this.modelSize = modelSize;
    this.heads = heads;
    this.query = createLinearLayer({ inputSize, outputSize: modelSize, rng, name: `${name}/query` });
    this.key = createLinearLayer({ inputSize, outputSize: modelSize, rng, name: `${name}/key` });
    this.value = createLinearLayer({ inputSize, outputSize: modelSize, rng, name: `${name}/value` });
    this.output = createLinearLayer({ inputSize: modelSize, outputSize: modelSize, rng, name: `${name}/output` });
    if (config.layerNorm) {
      this.normGain = createVariable(new Float32Array(modelSize).fill(1), [modelSize], `${name}/norm_gain`);
      this.normBias = createVariable(new Float32Array(modelSize), [modelSize], `${name}/norm_bias`);
    }
  }

  /** y [batch, tokens, modelSize] from x [batch, tokens, in]. */
  apply(x: tf.Tensor3D, options?: AttentionOptions): tf.Tensor3D {
    const [batch, tokens, features] = x.shape;
    const h = this.heads;
    const dk = this.modelSize / h;
    const flat = tf.reshape(x, [batch * tokens, features]) as tf.Tensor2D;
    // [batch·tokens, modelSize] → [batch·heads, tokens, d_k]
    const splitHeads = (y: tf.Tensor2D): tf.Tensor3D =>
      tf.reshape(tf.transpose(tf.reshape(y, [batch, tokens, h, dk]), [0, 2, 1, 3]), [batch * h, tokens, dk]);
    const q = splitHeads(this.query.apply(flat));
    const k = splitHeads(this.key.apply(flat));
    const v = splitHeads(this.value.apply(flat));
    // Explicit transposes, then plain matMuls: wasm runs transposed matMuls slowly.
    let logits: tf.Tensor = tf.mul(tf.matMul(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(dk)); // [batch·heads, q, k]
    if (options?.mask !== undefined) {
      const mask = options.mask instanceof tf.Tensor ? options.mask : tf.tensor2d(Float32Array.from(options.mask), [batch, tokens]);
      if (mask.shape[0] !== batch || mask.shape[1] !== tokens) {
        throw new RangeError(`MultiHeadAttention: mask must be [${batch}, ${tokens}], got [${mask.shape.join(', ')}]`);
      }
      const allowed = tf.reshape(tf.cast(mask, 'bool'), [batch, 1, 1, tokens]);
      logits = tf.where(allowed, tf.reshape(logits, [batch, h, tokens, tokens]), tf.scalar(MASKED_LOGIT));
      logits = tf.reshape(logits, [batch * h, tokens, tokens]);
    }
    const attended = tf.matMul(tf.softmax(logits, -1) as tf.Tensor3D, v); // [batch·heads, tokens, d_k]
    const merged = tf.reshape(tf.transpose(tf.reshape(attended, [batch, h, tokens, dk]), [0, 2, 1, 3]), [
      batch * tokens,
      this.modelSize,
    ]) as tf.Tensor2D;
    let y: tf.Tensor2D = this.output.apply(merged); // [batch·tokens, modelSize]
    if (this.residual) y = tf.add(flat, y);
    if (this.normGain !== undefined && this.normBias !== undefined) y = layerNorm(y, this.normGain, this.normBias);
    return tf.reshape(y, [batch, tokens, this.modelSize]);
  }

  /** Q, K, V, output projections (weight, bias each), then layer-norm γ, β when present. */
  trainableVariables(): tf.Variable[] {
    const norm = this.normGain !== undefined && this.normBias !== undefined ? [this.normGain, this.normBias] : [];
    return [
      ...this.query.trainableVariables(),
      ...this.key.trainableVariables(),
      ...this.value.trainableVariables(),
      ...this.output.trainableVariables(),
      ...norm,
    ];
  }

  /** Frees the block's variables. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}

/** Factory form of {@link MultiHeadAttention}. */
export function createMultiHeadAttention(config: MultiHeadAttentionConfig): MultiHeadAttention {
  return new MultiHeadAttention(config);
}

/** LayerNorm(x) = γ ⊙ (x − μ)/√(σ² + ε) + β with μ, σ² over the last axis (Ba et al. 2016). */
function layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON))), gain), bias);
}
