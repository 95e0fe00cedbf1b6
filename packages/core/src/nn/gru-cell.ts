import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { createVariable } from './init.js';
import { linear } from './linear.js';

/** A recurrent cell h' = cell(x, h), as {@link unroll} drives it. */
export interface RecurrentCell {
  /** Hidden size H. */
  readonly hiddenSize: number;
  /** One step: x [batch, in], h [batch, H] → h' [batch, H]. */
  apply(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D;
  /** Zero state [batch, H]. */
  initialState(batch: number): tf.Tensor2D;
}

/** Configuration of a {@link GruCell}. */
export interface GruCellConfig {
  /** Input features per step. */
  readonly inputSize: number;
  /** Hidden size H. */
  readonly hiddenSize: number;
  /** Draws the initial weights: U(−1/√H, 1/√H) for every weight and bias, as PyTorch. */
  readonly rng: Rng;
  /** Variable name prefix. Default 'gru'. */
  readonly name?: string;
}

/**
 * GRU cell (Cho et al. 2014) with PyTorch's gate convention:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * Gates are fused: inputWeight [in, 3H] and hiddenWeight [H, 3H], columns ordered r | z | n.
 */
export class GruCell implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly inputWeight: tf.Variable; // [in, 3H]
  readonly hiddenWeight: tf.Variable; // [H, 3H]
  readonly inputBias: tf.Variable; // [3H]
  readonly hiddenBias: tf.Variable; // [3H]

  constructor(config: GruCellConfig) {
    const { inputSize, hiddenSize: h, rng } = config;
    if (!Number.isInteger(inputSize) || !Number.isInteger(h) || inputSize < 1 || h < 1) {
      throw new RangeError(`GruCell: sizes must be positive integers, got ${inputSize} and ${h}`);
    }
    const name = config.name ?? 'gru';
    this.inputSize = inputSize;
    this.hiddenSize = h;
    const k = 1 / Math.sqrt(h);
    const uniform = (n: number): Float32Array => rng.fillUniform(new Float32Array(n), -k, k);
    this.inputWeight = createVariable(uniform(inputSize * 3 * h), [inputSize, 3 * h], `${name}/input_weight`);
    this.hiddenWeight = createVariable(uniform(h * 3 * h), [h, 3 * h], `${name}/hidden_weight`);
    this.inputBias = createVariable(uniform(3 * h), [3 * h], `${name}/input_bias`);
    this.hiddenBias = createVariable(uniform(3 * h), [3 * h], `${name}/hidden_bias`);
  }

  /** h' = (1 − z) ⊙ n + z ⊙ h, computed as n + z ⊙ (h − n)  [batch, H]. */
  apply(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const gx = linear(x, this.inputWeight as tf.Tensor2D, this.inputBias as tf.Tensor1D); // [batch, 3H]
    const gh = linear(h, this.hiddenWeight as tf.Tensor2D, this.hiddenBias as tf.Tensor1D); // [batch, 3H]
    const [xr, xz, xn] = tf.split(gx, 3, 1);
    const [hr, hz, hn] = tf.split(gh, 3, 1);
    const r = tf.sigmoid(tf.add(xr!, hr!));
    const z = tf.sigmoid(tf.add(xz!, hz!));
    const n = tf.tanh(tf.add(xn!, tf.mul(r, hn!)));
    return tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
  }

  /** h₀ = 0  [batch, H]. */
  initialState(batch: number): tf.Tensor2D {
    return tf.zeros([batch, this.hiddenSize]);
  }

  /** [inputWeight, hiddenWeight, inputBias, hiddenBias]. */
  trainableVariables(): tf.Variable[] {
    return [this.inputWeight, this.hiddenWeight, this.inputBias, this.hiddenBias];
  }

  /** Frees the cell's variables. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}

/** Factory form of {@link GruCell}. */
export function createGruCell(config: GruCellConfig): GruCell {
  return new GruCell(config);
}

/** What {@link unroll} returns. */
export interface UnrollResult {
  /** h_t for every step  [time, batch, H]. */
  readonly outputs: tf.Tensor3D;
  /** h_T  [batch, H]. */
  readonly finalState: tf.Tensor2D;
}

/**
 * Runs a cell over inputs [time, batch, features]: h_t = cell(x_t, h_{t−1} ⊙ (1 − start_t)),
 * where start_t[b] = 1 marks the first step of a new episode in env b (its hidden state is
 * zeroed before the step, as recurrent PPO does). `episodeStarts` is [time, batch] as a tensor
 * or a row-major typed array; omit it for one uninterrupted sequence.
 */
export function unroll(
  cell: RecurrentCell,
  inputs: tf.Tensor3D,
  initialState: tf.Tensor2D,
  episodeStarts?: tf.Tensor2D | Float32Array | Uint8Array,
): UnrollResult {
  const [time, batch] = inputs.shape;
  if (time < 1) throw new RangeError('unroll: inputs need at least one time step');
  if (initialState.shape[0] !== batch || initialState.shape[1] !== cell.hiddenSize) {
    throw new RangeError(
      `unroll: initialState must be [${batch}, ${cell.hiddenSize}], got [${initialState.shape.join(', ')}]`,
    );
  }
  let keep: tf.Tensor[] | undefined; // 1 − start_t as [batch, 1] per step
  if (episodeStarts !== undefined) {
    const starts = episodeStarts instanceof tf.Tensor ? episodeStarts : tf.tensor2d(Float32Array.from(episodeStarts), [time, batch]);
    if (starts.shape[0] !== time || starts.shape[1] !== batch) {
      throw new RangeError(`unroll: episodeStarts must be [${time}, ${batch}], got [${starts.shape.join(', ')}]`);
    }
    keep = tf.unstack(tf.reshape(tf.sub(1, tf.cast(starts, 'float32')), [time, batch, 1]));
  }
  const steps = tf.unstack(inputs) as tf.Tensor2D[];
  const outputs: tf.Tensor2D[] = [];
  let h = initialState;
  for (let t = 0; t < time; t++) {
    if (keep !== undefined) h = tf.mul(h, keep[t]!);
    h = cell.apply(steps[t]!, h);
    outputs.push(h);
  }
  return { outputs: tf.stack(outputs) as tf.Tensor3D, finalState: h };
}
