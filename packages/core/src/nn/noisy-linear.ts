import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';
import { createVariable, glorotUniform } from './init.js';
import { linear } from './linear.js';

/** Options of a forward pass through a possibly noisy layer. */
export interface NoisyApplyOptions {
  /** Use the means μ only (no noise): evaluation-time behaviour. Default false. */
  readonly deterministic?: boolean;
}

/** Configuration of a {@link NoisyLinear} layer. */
export interface NoisyLinearConfig {
  /** Input features p. */
  readonly inputSize: number;
  /** Output features q. */
  readonly outputSize: number;
  /** Draws the initial μ and the first noise sample. */
  readonly rng: Rng;
  /** σ₀ in σ = σ₀/√p. Default 0.5 (Fortunato et al. 2018, factorised noise). */
  readonly sigma0?: number;
  /** Variable name prefix. Default 'noisy_linear'. */
  readonly name?: string;
}

/** f(x) = sgn(x)·√|x|, the factorised-noise transform. */
function scaleNoise(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    values[i] = Math.sign(x) * Math.sqrt(Math.abs(x));
  }
  return values;
}

/**
 * NoisyNet linear layer with factorised Gaussian noise (Fortunato et al. 2018):
 *   y = x·(μ_w + σ_w ⊙ ε_w) + μ_b + σ_b ⊙ ε_b,  ε_w = f(ε_in) ⊗ f(ε_out), ε_b = f(ε_out),
 *   f(x) = sgn(x)√|x|,  μ ~ U(−1/√p, 1/√p),  σ = σ₀/√p.
 * The noise is held fixed between {@link NoisyLinear.resetNoise} calls.
 */
export class NoisyLinear {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly weightMean: tf.Variable; // [in, out]
  readonly weightStd: tf.Variable; // [in, out]
  readonly biasMean: tf.Variable; // [out]
  readonly biasStd: tf.Variable; // [out]
  private weightNoise: tf.Tensor2D; // [in, out]
  private biasNoise: tf.Tensor1D; // [out]

  constructor(config: NoisyLinearConfig) {
    const { inputSize: p, outputSize: q, rng } = config;
    if (!Number.isInteger(p) || !Number.isInteger(q) || p < 1 || q < 1) {
      throw new RangeError(`NoisyLinear: sizes must be positive integers, got ${p} and ${q}`);
    }
    const sigma0 = config.sigma0 ?? 0.5;
    const name = config.name ?? 'noisy_linear';
    this.inputSize = p;
    this.outputSize = q;
    const bound = 1 / Math.sqrt(p);
    const sigma = sigma0 / Math.sqrt(p);
    this.weightMean = createVariable(rng.fillUniform(new Float32Array(p * q), -bound, bound), [p, q], `${name}/weight_mean`);
    this.weightStd = createVariable(new Float32Array(p * q).fill(sigma), [p, q], `${name}/weight_std`);
    this.biasMean = createVariable(rng.fillUniform(new Float32Array(q), -bound, bound), [q], `${name}/bias_mean`);
    this.biasStd = createVariable(new Float32Array(q).fill(sigma), [q], `${name}/bias_std`);
    [this.weightNoise, this.biasNoise] = this.drawNoise(rng);
  }

  /** Draws fresh ε_in ~ N(0, I_p), ε_out ~ N(0, I_q) and replaces (and disposes) the held noise. */
  resetNoise(rng: Rng): void {
    const [weightNoise, biasNoise] = this.drawNoise(rng);
    this.weightNoise.dispose();
    this.biasNoise.dispose();
    this.weightNoise = weightNoise;
    this.biasNoise = biasNoise;
  }

  /** y = x·(μ_w + σ_w ⊙ ε_w) + μ_b + σ_b ⊙ ε_b, or x·μ_w + μ_b when deterministic. [batch, out] */
  apply(x: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor2D {
    if (options?.deterministic) {
      return linear(x, this.weightMean as tf.Tensor2D, this.biasMean as tf.Tensor1D);
    }
    const weight = tf.add(this.weightMean, tf.mul(this.weightStd, this.weightNoise)) as tf.Tensor2D;
    const bias = tf.add(this.biasMean, tf.mul(this.biasStd, this.biasNoise)) as tf.Tensor1D;
    return linear(x, weight, bias);
  }

  /** [μ_w, σ_w, μ_b, σ_b]; the noise is not trainable. */
  trainableVariables(): tf.Variable[] {
    return [this.weightMean, this.weightStd, this.biasMean, this.biasStd];
  }

  /** Frees the variables and the held noise. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
    this.weightNoise.dispose();
    this.biasNoise.dispose();
  }

  private drawNoise(rng: Rng): [tf.Tensor2D, tf.Tensor1D] {
    const p = this.inputSize;
    const q = this.outputSize;
    const epsIn = scaleNoise(rng.fillNormal(new Float32Array(p)));
    const epsOut = scaleNoise(rng.fillNormal(new Float32Array(q)));
    const outer = new Float32Array(p * q); // ε_in ⊗ ε_out, computed on typed arrays
    for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) outer[i * q + j] = epsIn[i]! * epsOut[j]!;
    // tf.keep: resetNoise may be called inside a caller's tidy, which must not free the noise.
    return [tf.keep(tf.tensor2d(outer, [p, q])), tf.keep(tf.tensor1d(epsOut))];
  }
}

/** Factory form of {@link NoisyLinear}. */
export function createNoisyLinear(config: NoisyLinearConfig): NoisyLinear {
  return new NoisyLinear(config);
}

/** A dense map that heads can swap for its noisy version: y = x·W + b. */
export interface LinearLayer {
  /** y [batch, out] from x [batch, in]; `deterministic` only matters for noisy layers. */
  apply(x: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor2D;
  /** Trainable variables in a fixed order. */
  trainableVariables(): tf.Variable[];
  /** Redraws the noise (no-op for a plain layer). */
  resetNoise(rng: Rng): void;
  /** Frees the layer's tensors. */
  dispose(): void;
}

/** Configuration of {@link createLinearLayer}. */
export interface LinearLayerConfig {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly rng: Rng;
  /** Variable name prefix. */
  readonly name: string;
  /** A {@link NoisyLinear} instead of a plain layer; a number sets σ₀. Default false. */
  readonly noisy?: boolean | number;
  /** Initial weight values of the plain layer [in, out] (bias starts at 0). Default Glorot uniform. */
  readonly initializer?: (rng: Rng, fanIn: number, fanOut: number) => Float32Array;
}

/**
 * y = x·W + b through {@link linear} (W from `initializer`, b = 0), or a {@link NoisyLinear}
 * when `noisy` is set: the streams of the dueling and categorical heads.
 */
export function createLinearLayer(config: LinearLayerConfig): LinearLayer {
  const { inputSize, outputSize, rng, name, noisy = false } = config;
  if (noisy !== false) {
    const sigma0 = typeof noisy === 'number' ? noisy : undefined;
    return new NoisyLinear({ inputSize, outputSize, rng, name, ...(sigma0 === undefined ? {} : { sigma0 }) });
  }
  const values = (config.initializer ?? glorotUniform)(rng, inputSize, outputSize);
  const weight = createVariable(values, [inputSize, outputSize], `${name}/weight`);
  const bias = createVariable(new Float32Array(outputSize), [outputSize], `${name}/bias`);
  return {
    apply: (x) => linear(x, weight as tf.Tensor2D, bias as tf.Tensor1D),
    trainableVariables: () => [weight, bias],
    resetNoise: () => undefined,
    dispose: () => {
      weight.dispose();
      bias.dispose();
    },
  };
}
