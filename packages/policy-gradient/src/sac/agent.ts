import type { Checkpoint, CheckpointStore } from '@tfrl/core';
import { AgentCheckpoint, resolveStore } from '../common/checkpoint.js';
import { sacConfig, type SacConfig } from './config.js';
import { SacLearner } from './learner.js';
import { OffPolicyAgent, type OffPolicyModelSpec } from './off-policy.js';

/** `algorithm` of SAC checkpoints. */
export const SAC_ALGORITHM = 'sac';

/**
 * Soft Actor-Critic with a learned temperature (Haarnoja et al. 2018b; SB3's SAC) for Box
 * actions: twin critics Q(s, a) with Polyak-averaged targets, a tanh-squashed Gaussian policy
 * with state-dependent mean and log σ scaled to the Box bounds, α tuned towards entropy −dim(A),
 * uniform replay, `learningStarts` steps of uniform random actions. Networks are built on the
 * first `learn` from the env's spaces; other action spaces throw a TypeError. Everything random
 * draws from one Rng seeded by `config.seed`: the same seed on the same backend gives the same
 * run, and a checkpoint continues it bit for bit.
 */
export class SAC extends OffPolicyAgent<SacConfig, SacLearner> {
  readonly algorithm = SAC_ALGORITHM;

  /** Fields not given take {@link defaultSacConfig}'s values; a RangeError names a bad field. */
  constructor(config: Partial<SacConfig> = {}) {
    super(sacConfig(config));
  }

  protected get who(): string {
    return 'SAC';
  }

  protected createLearner(spec: OffPolicyModelSpec): SacLearner {
    return new SacLearner({ observationSize: spec.observationSize, actionSize: spec.action.size }, this.config, this.rng);
  }

  /** An agent restored from a directory written by {@link SAC.save} (Node) or a store. */
  static async load(source: string | CheckpointStore): Promise<SAC> {
    return SAC.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link SAC.toCheckpoint}'s output; a CheckpointError or RangeError on a corrupt or foreign one. */
  static fromCheckpoint(cp: Checkpoint): SAC {
    const checkpoint = new AgentCheckpoint(cp, SAC_ALGORITHM);
    const agent = OffPolicyAgent.withConfig(checkpoint, SAC_ALGORITHM, (config) => new SAC(config as unknown as Partial<SacConfig>));
    return OffPolicyAgent.restore(agent, checkpoint);
  }
}
