import type { Checkpoint, CheckpointStore } from '@tfrl/core';
import { AgentCheckpoint, resolveStore } from '../common/checkpoint.js';
import { DeterministicActorCriticAgent, configFromCheckpoint } from '../td3/agent.js';
import { ddpgConfig, type DdpgConfig } from './config.js';

/**
 * Deep Deterministic Policy Gradient (Lillicrap et al. 2016): a deterministic actor μ(s) trained
 * along ∇_a Q(s, a), one critic regressed on y = r + γ(1 − terminated)·Q'(s', μ'(s')), slowly
 * tracking target networks, replay and exploration noise. TD3 with one critic, policy delay 1 and
 * no target smoothing. Box actions only (a TypeError otherwise).
 */
export class DDPG extends DeterministicActorCriticAgent<DdpgConfig> {
  declare readonly algorithm: 'ddpg';

  /** Fields not given take {@link defaultDdpgConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<DdpgConfig> = {}) {
    super('ddpg', 'DDPG', ddpgConfig(config), { critics: 1, policyDelay: 1, targetPolicyNoise: 0, targetNoiseClip: 0 });
  }

  /** An agent restored from a directory written by `save` (Node) or a store; throws a CheckpointError on a corrupt or foreign one. */
  static async load(source: string | CheckpointStore): Promise<DDPG> {
    return DDPG.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link DDPG.toCheckpoint}'s output. */
  static fromCheckpoint(cp: Checkpoint): DDPG {
    const checkpoint = new AgentCheckpoint(cp, 'ddpg');
    const agent = new DDPG(configFromCheckpoint(checkpoint, 'ddpg', ddpgConfig));
    try {
      agent.restore(checkpoint);
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }
}
