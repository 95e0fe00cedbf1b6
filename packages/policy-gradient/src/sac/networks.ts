import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfrl/core';
import { TanhSquashedGaussian, mlp, type LinearActivation, type Mlp } from '@tfrl/core/nn';

/** Architecture of a {@link SquashedGaussianActor}. */
export interface SquashedGaussianActorConfig {
  readonly observationSize: number;
  /** Numbers per action (a flattened Box). */
  readonly actionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /** log σ is clamped to [logStdMin, logStdMax]. */
  readonly logStdMin: number;
  readonly logStdMax: number;
  readonly name: string;
}

/**
 * SAC's policy: an MLP from s to a state-dependent mean μ(s) and log σ(s) (clamped), and the
 * action a = tanh(u), u ~ N(μ, σ²), in [−1, 1]^d (the agent scales it to the Box bounds).
 */
export class SquashedGaussianActor {
  readonly config: SquashedGaussianActorConfig;
  readonly net: Mlp;

  constructor(config: SquashedGaussianActorConfig, rng: Rng) {
    this.config = config;
    const { observationSize, actionSize, hiddenSizes, activation, name } = config;
    this.net = mlp({ inputSize: observationSize, hiddenSizes, outputSize: 2 * actionSize, activation, rng, name });
  }

  /** π(·|s) for observations [batch, observationSize]: a tanh-squashed Gaussian over [−1, 1]^d. */
  distribution(observations: tf.Tensor2D): TanhSquashedGaussian {
    const { actionSize: d, logStdMin, logStdMax } = this.config;
    const out = this.net.apply(observations);
    const rows = out.shape[0];
    const mean = tf.slice(out, [0, 0], [rows, d]);
    const logStd = tf.clipByValue(tf.slice(out, [0, d], [rows, d]), logStdMin, logStdMax);
    return new TanhSquashedGaussian(mean, logStd);
  }

  trainableVariables(): tf.Variable[] {
    return this.net.trainableVariables();
  }

  /**
   * Actions in [−1, 1] for observations [rows × observationSize]: tanh(μ + σε) with ε from `rng`,
   * or tanh(μ) with `deterministic`. One forward pass, read back; the sampling runs in JS.
   */
  act(observations: Float32Array, rng: Rng, deterministic: boolean): Float32Array {
    const { observationSize, actionSize: d, logStdMin, logStdMax } = this.config;
    const rows = observations.length / observationSize;
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`${this.config.name}.act: ${observations.length} values are not rows of ${observationSize}`);
    for (let i = 0; i < observations.length; i++) {
      if (!Number.isFinite(observations[i]!)) throw new RangeError(`${this.config.name}.act: observation value ${i} is ${observations[i]} (not finite)`);
    }
    const outTensor = tf.tidy(() => this.net.apply(tf.tensor2d(observations, [rows, observationSize])));
    const out = outTensor.dataSync() as Float32Array;
    const actions = new Float32Array(rows * d);
    const noise = deterministic ? null : rng.fillNormal(new Float32Array(rows * d));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const mean = out[r * 2 * d + j]!;
        if (noise === null) {
          actions[r * d + j] = Math.tanh(mean);
        } else {
          const logStd = Math.min(logStdMax, Math.max(logStdMin, out[r * 2 * d + d + j]!));
          actions[r * d + j] = Math.tanh(mean + Math.exp(logStd) * noise[r * d + j]!);
        }
      }
    }
    outTensor.dispose();
    return actions;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Architecture of a {@link ContinuousQNetwork}. */
export interface ContinuousQNetworkConfig {
  readonly observationSize: number;
  readonly actionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  readonly name: string;
}

/** Q(s, a): an MLP on concat(s, a) with one output. */
export class ContinuousQNetwork {
  readonly config: ContinuousQNetworkConfig;
  readonly net: Mlp;

  constructor(config: ContinuousQNetworkConfig, rng: Rng) {
    this.config = config;
    const { observationSize, actionSize, hiddenSizes, activation, name } = config;
    this.net = mlp({ inputSize: observationSize + actionSize, hiddenSizes, outputSize: 1, activation, rng, name });
  }

  /** Q(s, a) [batch] for observations [batch, o] and actions [batch, d]. */
  apply(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.net.apply(tf.concat([observations, actions], 1)), [-1]) as tf.Tensor1D;
  }

  trainableVariables(): tf.Variable[] {
    return this.net.trainableVariables();
  }

  dispose(): void {
    this.net.dispose();
  }
}
