import { Rng } from '@tfrl/core';

/** Configuration of {@link ContextualBandit}. */
export interface ContextualBanditConfig {
  /** Number of distinct contexts; each is shown to the agent as a one-hot vector. */
  contexts: number;
  /** Number of arms. */
  arms: number;
  /** Standard deviation of the Gaussian noise on every reward. */
  rewardNoise: number;
  /** Seed of the reward table and of the noise. */
  seed: number;
}

/**
 * A contextual bandit: each round shows one of `contexts` situations (one-hot), the agent pulls
 * one of `arms`, and the reward is N(μ[context][arm], rewardNoise²) with μ drawn once from N(0, 1).
 * The best arm differs between contexts, so a policy must read the context to do well.
 */
export class ContextualBandit {
  readonly config: ContextualBanditConfig;
  /** [contexts × arms] mean rewards. */
  readonly means: Float64Array;
  private readonly rng: Rng;

  constructor(config: ContextualBanditConfig) {
    if (!Number.isInteger(config.contexts) || config.contexts < 1) {
      throw new RangeError(`ContextualBandit: contexts must be a positive integer, got ${config.contexts}`);
    }
    if (!Number.isInteger(config.arms) || config.arms < 2) {
      throw new RangeError(`ContextualBandit: arms must be an integer >= 2, got ${config.arms}`);
    }
    if (!(config.rewardNoise >= 0)) {
      throw new RangeError(`ContextualBandit: rewardNoise must be >= 0, got ${config.rewardNoise}`);
    }
    this.config = config;
    this.rng = Rng.fromSeed(config.seed);
    this.means = this.rng.fillNormal(new Float64Array(config.contexts * config.arms));
  }

  /** Draws `count` contexts; returns their indices and one-hot rows [count × contexts]. */
  observe(count: number): { contexts: Int32Array; observations: Float32Array } {
    const { contexts: n } = this.config;
    const contexts = new Int32Array(count);
    const observations = new Float32Array(count * n);
    for (let i = 0; i < count; i++) {
      contexts[i] = this.rng.int(n);
      observations[i * n + contexts[i]!] = 1;
    }
    return { contexts, observations };
  }

  /** Noisy rewards of pulling `arms[i]` in `contexts[i]`. */
  pull(contexts: Int32Array, arms: Int32Array): Float32Array {
    const { arms: k, rewardNoise } = this.config;
    const rewards = new Float32Array(contexts.length);
    for (let i = 0; i < contexts.length; i++) {
      const arm = arms[i]!;
      if (!Number.isInteger(arm) || arm < 0 || arm >= k) {
        throw new RangeError(`ContextualBandit.pull: arm ${arm} is outside Discrete(${k})`);
      }
      rewards[i] = this.means[contexts[i]! * k + arm]! + this.rng.normal(0, rewardNoise);
    }
    return rewards;
  }

  /** The arm with the highest mean reward in `context`. */
  bestArm(context: number): number {
    const k = this.config.arms;
    let best = 0;
    for (let a = 1; a < k; a++) if (this.means[context * k + a]! > this.means[context * k + best]!) best = a;
    return best;
  }

  /** Expected reward of always pulling the best arm, and of pulling uniformly at random. */
  referenceRewards(): { optimal: number; random: number } {
    const { contexts, arms } = this.config;
    let optimal = 0;
    let random = 0;
    for (let c = 0; c < contexts; c++) {
      optimal += this.means[c * arms + this.bestArm(c)]!;
      for (let a = 0; a < arms; a++) random += this.means[c * arms + a]! / arms;
    }
    return { optimal: optimal / contexts, random: random / contexts };
  }
}
