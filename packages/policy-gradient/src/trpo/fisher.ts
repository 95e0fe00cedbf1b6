import * as tf from '@tensorflow/tfjs-core';
import { linear, variableGrads, type LinearActivation } from '@tfrl/core/nn';
import type { ActorCritic } from '../common/index.js';
import type { FlatVector } from './natural-gradient.js';

/**
 * M·u for a categorical distribution in its logits z, per row: the Fisher (and the Hessian of
 * KL(p_old ‖ softmax(z)) at z = z_old) is M = diag(p) − ppᵀ, so M·u = p⊙u − p·(pᵀu).
 * `probabilities` and `u` are [batch, n].
 */
export function categoricalFisherProduct(probabilities: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const pu = tf.mul(probabilities, u);
    return tf.sub(pu, tf.mul(probabilities, tf.sum(pu, 1, true))) as tf.Tensor2D;
  });
}

/**
 * M·u for the mean μ of a diagonal Gaussian with log σ [d]: M = diag(1/σ²), so u/σ² per row.
 * (The Fisher in log σ is 2·I, with no μ–log σ cross term: see {@link PolicyFisher}.)
 */
export function gaussianMeanFisherProduct(logStd: tf.Tensor1D, u: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(u, tf.exp(tf.mul(logStd, -2))) as tf.Tensor2D);
}

/** d act(z)/dz from the activation's output y: 1 − y² (tanh), [y > 0] (relu), y > 0 ? 1 : y + 1 (elu). */
function activationSlope(activation: LinearActivation, y: tf.Tensor2D): tf.Tensor2D {
  if (activation === 'tanh') return tf.sub(1, tf.square(y)) as tf.Tensor2D;
  if (activation === 'relu') return tf.cast(tf.greater(y, 0), 'float32') as tf.Tensor2D;
  if (activation === 'elu') return tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)) as tf.Tensor2D;
  return tf.onesLike(y);
}

/**
 * Fisher-vector products F·v + λ·v of a policy at its current parameters θ_old, for one batch of
 * observations, with F the Hessian of the mean KL(π_old ‖ π_θ) at θ = θ_old, in the Gauss–Newton
 * form (exact at θ_old, where the KL's gradient in the distribution parameters η vanishes):
 *
 *   F·v = (1/N) Σ_i J_iᵀ M_i J_i v,   J_i = ∂η(s_i)/∂θ,
 *   M = diag(p) − ppᵀ on logits (categorical), 1/σ² on the mean and 2 on log σ (Gaussian).
 *
 * J·v is a forward-mode directional derivative through the MLP (tangents propagated layer by
 * layer with plain tfjs ops from the activations cached at θ_old); Jᵀ(·) is one reverse-mode
 * vector–Jacobian product through the policy's own forward pass. Nothing is differentiated twice
 * (the package's `linear` kernel is not twice differentiable on wasm/cpu). Parameters are flat
 * in the order of `policy.policyVariables()`: the policy network's [W₁, b₁, …], then log σ.
 * Holds tensors: call {@link PolicyFisher.dispose}.
 */
export class PolicyFisher {
  /** Number of policy parameters (length of v). */
  readonly size: number;
  private readonly policy: ActorCritic;
  private readonly damping: number;
  private readonly rows: number;
  private readonly observations: tf.Tensor2D;
  /** Input of each layer at θ_old: [observations, h₁, …, h_{L−1}]. */
  private readonly inputs: tf.Tensor2D[];
  /** Categorical: p [batch, n]; Gaussian: 1/σ² [d]. */
  private readonly weights: tf.Tensor;

  constructor(policy: ActorCritic, observations: Float32Array, damping: number) {
    if (policy.trunk !== null) throw new TypeError('PolicyFisher: needs an ActorCritic with separate networks (sharedTrunk false)');
    if (!(damping >= 0 && Number.isFinite(damping))) throw new RangeError(`PolicyFisher: damping must be a finite number >= 0, got ${damping}`);
    const { observationSize, activation } = policy.config;
    this.rows = observations.length / observationSize;
    if (!Number.isInteger(this.rows) || this.rows < 1) throw new RangeError(`PolicyFisher: ${observations.length} values are not rows of ${observationSize}`);
    this.policy = policy;
    this.damping = damping;
    this.size = policy.policyVariables().reduce((n, v) => n + v.size, 0);
    const layers = policy.policyNet.layers;
    const kept = tf.tidy(() => {
      const x = tf.tensor2d(observations, [this.rows, observationSize]);
      const inputs = [x];
      let h = x;
      for (let l = 0; l + 1 < layers.length; l++) {
        h = linear(h, layers[l]!.weight as tf.Tensor2D, layers[l]!.bias as tf.Tensor1D, activation);
        inputs.push(h);
      }
      const last = layers[layers.length - 1]!;
      const weights =
        policy.logStd === null
          ? tf.softmax(linear(h, last.weight as tf.Tensor2D, last.bias as tf.Tensor1D))
          : tf.exp(tf.mul(policy.logStd, -2));
      return { inputs, weights };
    });
    this.observations = kept.inputs[0]!;
    this.inputs = kept.inputs;
    this.weights = kept.weights;
  }

  /** (F + λI)·v as float64; v of length {@link PolicyFisher.size}. */
  product(v: FlatVector): Float64Array {
    if (v.length !== this.size) throw new RangeError(`PolicyFisher.product: v has length ${v.length}, expected ${this.size}`);
    const { policy, rows } = this;
    const layers = policy.policyNet.layers;
    const netVariables = policy.policyNet.trainableVariables();
    const flat = tf.tidy(() => {
      // Tangents of the parameters, shaped as the variables.
      const tangents: tf.Tensor[] = [];
      let offset = 0;
      for (const variable of policy.policyVariables()) {
        tangents.push(tf.tensor(Float32Array.from(v.subarray(offset, offset + variable.size)), variable.shape));
        offset += variable.size;
      }
      // Forward mode: J·v through z_l = h_l·W_l + b_l, h_{l+1} = act(z_l).
      let dh: tf.Tensor2D | null = null;
      let dOut: tf.Tensor2D | null = null;
      for (let l = 0; l < layers.length; l++) {
        const dW = tangents[2 * l] as tf.Tensor2D;
        const db = tangents[2 * l + 1] as tf.Tensor1D;
        let dz = tf.add(tf.matMul(this.inputs[l]!, dW), db) as tf.Tensor2D;
        if (dh !== null) dz = tf.add(dz, tf.matMul(dh, layers[l]!.weight)) as tf.Tensor2D;
        if (l + 1 < layers.length) dh = tf.mul(dz, activationSlope(policy.config.activation, this.inputs[l + 1]!)) as tf.Tensor2D;
        else dOut = dz;
      }
      // M·J·v / N, then one vector–Jacobian product.
      const mjv = tf.div(
        policy.logStd === null
          ? categoricalFisherProduct(this.weights as tf.Tensor2D, dOut!)
          : tf.mul(dOut!, this.weights),
        rows,
      );
      const { grads } = variableGrads(() => tf.sum(tf.mul(policy.policyNet.apply(this.observations), mjv)) as tf.Scalar, netVariables);
      const parts = netVariables.map((variable) => tf.reshape(grads[variable.name]!, [-1]));
      if (policy.logStd !== null) parts.push(tf.mul(tangents[tangents.length - 1]!, 2)); // (1/N)·Σ_i 2·v_logσ
      return tf.concat(parts);
    });
    const fv = flat.dataSync() as Float32Array;
    flat.dispose();
    const out = new Float64Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = fv[i]! + this.damping * v[i]!;
    return out;
  }

  dispose(): void {
    this.inputs.forEach((t) => t.dispose());
    this.weights.dispose();
  }
}
