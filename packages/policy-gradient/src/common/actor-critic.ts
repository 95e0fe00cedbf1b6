import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfrl/core';
import { CategoricalDistribution, DiagGaussian, createVariable, mlp, type LinearActivation, type Mlp } from '@tfrl/core/nn';
import type { ActionSpec } from './action-spec.js';
import { distributionHead, sampleActions, scaleLastLayer } from './sampling.js';

/**
 * The policy's distribution over actions for a batch: categorical over Discrete actions,
 * diagonal Gaussian over (flattened) Box actions. Methods create tensors: call them inside
 * `tf.tidy` or a gradient function.
 */
export class ActionDistribution {
  readonly inner: CategoricalDistribution | DiagGaussian;

  constructor(inner: CategoricalDistribution | DiagGaussian) {
    this.inner = inner;
  }

  /** log π(a|s) [batch]; actions as {@link actionTensor} makes them. */
  logProb(actions: tf.Tensor): tf.Tensor1D {
    return this.inner instanceof CategoricalDistribution
      ? this.inner.logProb(actions as tf.Tensor1D)
      : this.inner.logProb(actions as tf.Tensor2D);
  }

  /** H(π(·|s)) [batch]. */
  entropy(): tf.Tensor1D {
    return this.inner.entropy();
  }

  /** KL(this ‖ other) [batch]; both must be of the same kind. */
  kl(other: ActionDistribution): tf.Tensor1D {
    if (this.inner instanceof CategoricalDistribution && other.inner instanceof CategoricalDistribution) return this.inner.kl(other.inner);
    if (this.inner instanceof DiagGaussian && other.inner instanceof DiagGaussian) return this.inner.kl(other.inner);
    throw new TypeError('ActionDistribution.kl: both distributions must be of the same kind');
  }
}

/** Actions [rows × size] as the tensor {@link ActionDistribution.logProb} takes: int32 [rows] or float32 [rows, size]. */
export function actionTensor(spec: ActionSpec, actions: Int32Array | Float32Array, rows: number): tf.Tensor {
  return spec.kind === 'discrete' ? tf.tensor1d(Int32Array.from(actions), 'int32') : tf.tensor2d(Float32Array.from(actions), [rows, spec.size]);
}

/** Configuration of an {@link ActorCritic}. */
export interface ActorCriticConfig {
  /** Numbers per (flattened) observation. */
  readonly observationSize: number;
  readonly action: ActionSpec;
  /** Hidden layer widths (of each network, or of the shared trunk). */
  readonly hiddenSizes: readonly number[];
  readonly activation: LinearActivation;
  /** One trunk feeding a policy head and a value head (true), or two separate networks (false). */
  readonly sharedTrunk: boolean;
  /** Build a value function V(s) (false: a policy alone, e.g. REINFORCE without a learned baseline). */
  readonly withValue: boolean;
  /** Initial log σ of a Gaussian policy's state-independent, learned log-std. */
  readonly logStdInit: number;
  /** Draws the initial weights. */
  readonly rng: Rng;
  /** Variable name prefix. */
  readonly name: string;
}

/** What {@link ActorCritic.act} returns: typed arrays only. */
export interface ActResult {
  /** Raw policy actions [rows × actionSize]: Discrete indices (no `start`) or unclipped Gaussian samples. */
  readonly actions: Int32Array | Float32Array;
  /** log π(a|s) of those actions [rows]. */
  readonly logProbs: Float32Array;
  /** V(s) [rows] (null without a value function). */
  readonly values: Float32Array | null;
}

/**
 * Policy π(a|s) and value V(s) over flat observations, as MLPs: either a shared trunk with two
 * linear heads or two separate networks. Orthogonal initialisation as in Stable-Baselines3 (gain
 * √2 for hidden layers, 0.01 for the policy head, 1 for the value head); Gaussian policies have a
 * state-dependent mean and a learned, state-independent log σ.
 */
export class ActorCritic {
  readonly config: ActorCriticConfig;
  /** Shared trunk (sharedTrunk) or null. */
  readonly trunk: Mlp | null;
  /** Policy network (separate) or policy head (shared): logits or Gaussian means. */
  readonly policyNet: Mlp;
  /** Value network (separate) or value head (shared); null without a value function. */
  readonly valueNet: Mlp | null;
  /** Learned log σ [size] of a Gaussian policy; null for a categorical one. */
  readonly logStd: tf.Variable | null;

  constructor(config: ActorCriticConfig) {
    const { observationSize, action, hiddenSizes, activation, sharedTrunk, withValue, rng, name } = config;
    this.config = config;
    const policyOut = action.kind === 'discrete' ? action.n : action.size;
    const common = { activation, rng, init: 'orthogonal' as const };
    if (sharedTrunk) {
      if (hiddenSizes.length === 0) throw new RangeError(`ActorCritic(${name}): a shared trunk needs at least one hidden layer`);
      const features = hiddenSizes[hiddenSizes.length - 1]!;
      this.trunk = mlp({ ...common, inputSize: observationSize, hiddenSizes: hiddenSizes.slice(0, -1), outputSize: features, outputActivation: activation, name: `${name}/trunk` });
      // The trunk's last layer is a hidden layer: gain √2 as the others.
      scaleLastLayer(this.trunk, Math.SQRT2);
      this.policyNet = mlp({ ...common, inputSize: features, hiddenSizes: [], outputSize: policyOut, name: `${name}/policy` });
      this.valueNet = withValue ? mlp({ ...common, inputSize: features, hiddenSizes: [], outputSize: 1, name: `${name}/value` }) : null;
    } else {
      this.trunk = null;
      this.policyNet = mlp({ ...common, inputSize: observationSize, hiddenSizes, outputSize: policyOut, name: `${name}/policy` });
      this.valueNet = withValue ? mlp({ ...common, inputSize: observationSize, hiddenSizes, outputSize: 1, name: `${name}/value` }) : null;
    }
    scaleLastLayer(this.policyNet, 0.01);
    this.logStd =
      action.kind === 'box' ? createVariable(new Float32Array(action.size).fill(config.logStdInit), [action.size], `${name}/log_std`) : null;
  }

  /** π(·|s) and V(s) in one pass (the trunk runs once). */
  forward(observations: tf.Tensor2D): { distribution: ActionDistribution; value: tf.Tensor1D | null } {
    const features = this.trunk === null ? observations : this.trunk.apply(observations);
    const out = this.policyNet.apply(features);
    const distribution = new ActionDistribution(
      this.logStd === null ? new CategoricalDistribution(out) : new DiagGaussian(out, this.logStd as tf.Tensor1D),
    );
    const value = this.valueNet === null ? null : (tf.reshape(this.valueNet.apply(features), [-1]) as tf.Tensor1D);
    return { distribution, value };
  }

  /** π(·|s). */
  distribution(observations: tf.Tensor2D): ActionDistribution {
    return this.forward(observations).distribution;
  }

  /** V(s) [batch]; throws without a value function. */
  value(observations: tf.Tensor2D): tf.Tensor1D {
    if (this.valueNet === null) throw new Error(`ActorCritic(${this.config.name}): built without a value function`);
    const features = this.trunk === null ? observations : this.trunk.apply(observations);
    return tf.reshape(this.valueNet.apply(features), [-1]) as tf.Tensor1D;
  }

  /** Variables the policy depends on: trunk, policy net, log σ. */
  policyVariables(): tf.Variable[] {
    return [...(this.trunk?.trainableVariables() ?? []), ...this.policyNet.trainableVariables(), ...(this.logStd === null ? [] : [this.logStd])];
  }

  /** Variables V depends on: trunk and value net. */
  valueVariables(): tf.Variable[] {
    return [...(this.trunk?.trainableVariables() ?? []), ...(this.valueNet?.trainableVariables() ?? [])];
  }

  /** Every variable once: trunk, policy net, log σ, value net (the order checkpoints use). */
  trainableVariables(): tf.Variable[] {
    return [...this.policyVariables(), ...(this.valueNet?.trainableVariables() ?? [])];
  }

  /**
   * Actions for observations [rows × observationSize]: sampled with `rng` (categorical by
   * inverse CDF, Gaussian as μ + σ·ε with ε from `rng`), or the mode with `deterministic`; with
   * their log-probabilities and values. One forward pass; tensors never leave.
   */
  act(observations: Float32Array, rng: Rng, deterministic = false): ActResult {
    const rows = this.rowsOf(observations, 'act');
    const [head, values] = this.headAndValues(observations, rows);
    const logStd = this.logStd === null ? null : (this.logStd.dataSync() as Float32Array);
    return { ...sampleActions(this.config.action, head, logStd, rows, rng, deterministic), values };
  }

  /** One forward pass read back: log-probabilities (categorical) or means (Gaussian), and V(s). */
  private headAndValues(observations: Float32Array, rows: number): [Float32Array, Float32Array | null] {
    const tensors = tf.tidy(() => {
      const { distribution, value } = this.forward(tf.tensor2d(observations, [rows, this.config.observationSize]));
      const head = distributionHead(distribution);
      return value === null ? [head] : [head, value];
    });
    const out = tensors.map((t) => Float32Array.from(t.dataSync() as Float32Array));
    tensors.forEach((t) => t.dispose());
    return [out[0]!, out[1] ?? null];
  }

  /** V(s) for observations [rows × observationSize]. */
  values(observations: Float32Array): Float32Array {
    const rows = this.rowsOf(observations, 'values');
    const v = tf.tidy(() => this.value(tf.tensor2d(observations, [rows, this.config.observationSize])));
    const out = Float32Array.from(v.dataSync() as Float32Array);
    v.dispose();
    return out;
  }

  dispose(): void {
    this.trunk?.dispose();
    this.policyNet.dispose();
    this.valueNet?.dispose();
    this.logStd?.dispose();
  }

  private rowsOf(observations: Float32Array, who: string): number {
    const rows = observations.length / this.config.observationSize;
    if (!Number.isInteger(rows) || rows < 1) {
      throw new RangeError(`ActorCritic.${who}: ${observations.length} values are not rows of ${this.config.observationSize}`);
    }
    for (let i = 0; i < observations.length; i++) {
      if (!Number.isFinite(observations[i]!)) throw new RangeError(`ActorCritic.${who}: observation value ${i} is ${observations[i]} (not finite)`);
    }
    return rows;
  }
}
