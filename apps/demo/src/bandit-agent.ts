import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfrl/core';
import { CategoricalDistribution, createAdam, mlp, type Mlp } from '@tfrl/core/nn';

/** Configuration of {@link GradientBanditAgent}. */
export interface GradientBanditConfig {
  /** Length of the one-hot context vector. */
  contexts: number;
  arms: number;
  /** Hidden layer widths of the policy network. */
  hiddenSizes: readonly number[];
  /** Adam step size. */
  learningRate: number;
  /** Weight of the entropy bonus that keeps early exploration alive. */
  entropyCoefficient: number;
  seed: number;
}

/** Metrics of one policy-gradient update. */
export interface BanditUpdateMetrics {
  loss: number;
  entropy: number;
  baseline: number;
}

/**
 * A softmax policy π(a|c) trained with the policy-gradient theorem on a contextual bandit:
 * ∇J = E[(r − b)·∇log π(a|c)] + β·∇H[π(·|c)], with b the running mean reward (a baseline that
 * lowers the variance without adding bias).
 */
export class GradientBanditAgent {
  readonly config: GradientBanditConfig;
  private readonly policy: Mlp;
  private readonly optimizer;
  private readonly rng: Rng;
  private baseline = 0;
  private updates = 0;

  constructor(config: GradientBanditConfig) {
    this.config = config;
    this.rng = Rng.fromSeed(config.seed);
    this.policy = mlp({
      inputSize: config.contexts,
      hiddenSizes: config.hiddenSizes,
      outputSize: config.arms,
      activation: 'tanh',
      rng: this.rng,
      name: 'bandit-policy',
    });
    this.optimizer = createAdam({ learningRate: config.learningRate });
  }

  /** Samples (or, deterministically, picks the most likely) arm for each row of one-hot contexts. */
  act(observations: Float32Array, options: { deterministic?: boolean } = {}): Int32Array {
    const batch = observations.length / this.config.contexts;
    const logits = tf.tidy(() => this.policy.apply(tf.tensor2d(observations, [batch, this.config.contexts])));
    try {
      const distribution = new CategoricalDistribution(logits);
      return options.deterministic ? distribution.mode() : distribution.sample(this.rng);
    } finally {
      logits.dispose();
    }
  }

  /** One update from a batch of (context, arm, reward). */
  update(observations: Float32Array, arms: Int32Array, rewards: Float32Array): BanditUpdateMetrics {
    const batch = arms.length;
    let meanReward = 0;
    for (let i = 0; i < batch; i++) meanReward += rewards[i]! / batch;
    this.updates++;
    // Running mean of past rewards; the first batch's own mean would cancel its signal.
    const baseline = this.updates === 1 ? 0 : this.baseline;
    const advantages = new Float32Array(batch);
    for (let i = 0; i < batch; i++) advantages[i] = rewards[i]! - baseline;
    let entropy = 0;
    const loss = this.optimizer.minimize(() => {
      const logits = this.policy.apply(tf.tensor2d(observations, [batch, this.config.contexts]));
      const distribution = new CategoricalDistribution(logits);
      const logProb = distribution.logProb(tf.tensor1d(arms, 'int32')); // [batch]
      const meanEntropy = tf.mean(distribution.entropy());
      entropy = meanEntropy.dataSync()[0]!;
      const policyLoss = tf.neg(tf.mean(tf.mul(logProb, tf.tensor1d(advantages))));
      return tf.sub(policyLoss, tf.mul(this.config.entropyCoefficient, meanEntropy)) as tf.Scalar;
    }, this.policy.trainableVariables());
    this.baseline += (meanReward - this.baseline) / Math.min(this.updates, 50);
    return { loss, entropy, baseline };
  }

  dispose(): void {
    this.policy.dispose();
  }
}
