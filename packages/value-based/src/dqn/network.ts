import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import {
  CategoricalHead,
  DuelingHead,
  createLinearLayer,
  createSupport,
  hardUpdate,
  mlp,
  qValues,
  type Mlp,
  type NoisyApplyOptions,
} from '@tfrl/core/nn';
import type { DistributionalConfig, DqnActivation } from './config.js';

/** Architecture of a {@link QNetwork}: the DQN flags that shape the net. */
export interface QNetworkConfig {
  /** Features per observation. */
  readonly inputSize: number;
  /** Number of discrete actions. */
  readonly actions: number;
  /** Torso widths, input side first; [] puts the head on the observation. */
  readonly hiddenSizes: readonly number[];
  readonly activation: DqnActivation;
  /** Dueling head (per atom when distributional). */
  readonly dueling: boolean;
  /** NoisyNet head layers; a number sets σ₀. */
  readonly noisy: boolean | number;
  /** C51 head over this support, or false. */
  readonly distributional: DistributionalConfig | false;
  /** Variable name prefix, e.g. 'dqn/online'. */
  readonly name: string;
}

/**
 * A Q-network: an MLP torso (core's fast-gradient `mlp`) and a head chosen by the flags — plain
 * linear, dueling, C51, each with NoisyNet layers or not. All forward methods create tensors:
 * call them inside `tf.tidy` or a gradient function.
 */
export interface QNetwork {
  readonly config: QNetworkConfig;
  /** Atoms of the C51 support (0 when not distributional). */
  readonly atoms: number;
  /** z_0 … z_{atoms−1}, or null when not distributional. */
  readonly support: Float32Array | null;
  /** Q(s, ·) [batch, actions]; when distributional the logits [batch, actions, atoms]. */
  apply(observations: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor;
  /** Q(s, ·) [batch, actions]; when distributional Q = Σ_j z_j·p_j(s, ·). */
  qValues(observations: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor2D;
  /** log p(s, ·) over the atoms [batch, actions, atoms]; distributional only. */
  logProbabilities(observations: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D;
  /** p(s, ·) over the atoms [batch, actions, atoms]; distributional only. */
  probabilities(observations: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D;
  /** Redraws the noise of every noisy layer from `rng` (no-op without noise). */
  resetNoise(rng: Rng): void;
  /** Torso variables, then head variables, in a fixed order. */
  trainableVariables(): tf.Variable[];
  /** A network of the same architecture holding a copy of these weights (the target net). */
  copy(name: string): QNetwork;
  /** Frees every tensor of the network. */
  dispose(): void;
}

interface Head {
  apply(features: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor;
  resetNoise(rng: Rng): void;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/** Builds a {@link QNetwork} with weights drawn from `rng`. */
export function createQNetwork(config: QNetworkConfig, rng: Rng): QNetwork {
  const { inputSize, actions, hiddenSizes, activation, dueling, noisy, distributional, name } = config;
  if (!Number.isInteger(inputSize) || inputSize < 1) throw new RangeError(`createQNetwork: inputSize must be an integer >= 1, got ${inputSize}`);
  if (!Number.isInteger(actions) || actions < 1) throw new RangeError(`createQNetwork: actions must be an integer >= 1, got ${actions}`);
  const torso: Mlp | null =
    hiddenSizes.length === 0
      ? null
      : mlp({
          inputSize,
          hiddenSizes: hiddenSizes.slice(0, -1),
          outputSize: hiddenSizes[hiddenSizes.length - 1]!,
          activation,
          outputActivation: activation,
          rng,
          name: `${name}/torso`,
        });
  const features = hiddenSizes.length === 0 ? inputSize : hiddenSizes[hiddenSizes.length - 1]!;
  const head: Head =
    distributional !== false
      ? new CategoricalHead({ inputSize: features, actions, atoms: distributional.atoms, rng, dueling, noisy, name: `${name}/head` })
      : dueling
        ? new DuelingHead({ inputSize: features, actions, rng, noisy, name: `${name}/head` })
        : createLinearLayer({ inputSize: features, outputSize: actions, rng, noisy, name: `${name}/head` });
  const support = distributional === false ? null : createSupport(distributional.vMin, distributional.vMax, distributional.atoms);
  const logits = (observations: tf.Tensor2D, options?: NoisyApplyOptions): tf.Tensor3D => {
    if (support === null) throw new Error(`QNetwork ${name}: not distributional`);
    return head.apply(torso === null ? observations : torso.apply(observations), options) as tf.Tensor3D;
  };
  const network: QNetwork = {
    config,
    atoms: distributional === false ? 0 : distributional.atoms,
    support,
    apply: (observations, options) => head.apply(torso === null ? observations : torso.apply(observations), options),
    qValues(observations, options) {
      if (support === null) return network.apply(observations, options) as tf.Tensor2D;
      return qValues(tf.softmax(logits(observations, options)), support);
    },
    logProbabilities: (observations, options) => tf.logSoftmax(logits(observations, options)),
    probabilities: (observations, options) => tf.softmax(logits(observations, options)),
    resetNoise: (noiseRng) => head.resetNoise(noiseRng),
    trainableVariables: () => [...(torso?.trainableVariables() ?? []), ...head.trainableVariables()],
    copy(copyName) {
      // The copy's initial draw is overwritten at once: a throwaway Rng keeps the agent's stream intact.
      const twin = createQNetwork({ ...config, name: copyName }, Rng.fromSeed(0));
      hardUpdate(twin.trainableVariables(), network.trainableVariables());
      return twin;
    },
    dispose() {
      torso?.dispose();
      head.dispose();
    },
  };
  return network;
}
