import type { Checkpoint, CheckpointStore } from '@tfrl/core';
import { AgentCheckpoint, resolveStore } from '../common/checkpoint.js';
import { OffPolicyAgent, type OffPolicyModelSpec } from '../sac/off-policy.js';
import { offPolicyAcConfig, type OffPolicyAcConfig } from './config.js';
import { OffPolicyAcLearner } from './learner.js';

/** `algorithm` of OffPolicyActorCritic checkpoints. */
export const OFF_POLICY_AC_ALGORITHM = 'off-policy-ac';

/**
 * The off-policy actor-critic of CS285 lecture 6 (the step before SAC) for Box actions: act with
 * a tanh-squashed Gaussian policy, store (s, a, r, s') in a replay buffer, learn Q^π(s, a) with
 * targets r + γQ(s', a') where a' is drawn fresh from the current policy, and improve the policy
 * with Q(s, a^π) at replayed states, a^π drawn fresh. One critic (SAC adds a second, the
 * entropy-regularised target and the learned temperature). Same loop, acting, checkpoints and
 * determinism as {@link SAC}.
 */
export class OffPolicyActorCritic extends OffPolicyAgent<OffPolicyAcConfig, OffPolicyAcLearner> {
  readonly algorithm = OFF_POLICY_AC_ALGORITHM;

  constructor(config: Partial<OffPolicyAcConfig> = {}) {
    super(offPolicyAcConfig(config));
  }

  protected get who(): string {
    return 'OffPolicyActorCritic';
  }

  protected createLearner(spec: OffPolicyModelSpec): OffPolicyAcLearner {
    return new OffPolicyAcLearner({ observationSize: spec.observationSize, actionSize: spec.action.size }, this.config, this.rng);
  }

  static async load(source: string | CheckpointStore): Promise<OffPolicyActorCritic> {
    return OffPolicyActorCritic.fromCheckpoint(await (await resolveStore(source)).read());
  }

  static fromCheckpoint(cp: Checkpoint): OffPolicyActorCritic {
    const checkpoint = new AgentCheckpoint(cp, OFF_POLICY_AC_ALGORITHM);
    const agent = OffPolicyAgent.withConfig(checkpoint, OFF_POLICY_AC_ALGORITHM, (config) => new OffPolicyActorCritic(config as unknown as Partial<OffPolicyAcConfig>));
    return OffPolicyAgent.restore(agent, checkpoint);
  }
}
