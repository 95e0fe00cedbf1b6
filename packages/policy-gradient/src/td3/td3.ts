import type { Checkpoint, CheckpointStore } from '@tfrl/core';
import { AgentCheckpoint, resolveStore } from '../common/checkpoint.js';
import { DeterministicActorCriticAgent, configFromCheckpoint } from './agent.js';
import { td3Config, type Td3Config } from './config.js';

/**
 * Twin Delayed DDPG (Fujimoto et al. 2018): DDPG with two critics whose minimum is the target
 * (clipped double-Q), actor and target updates every `policyDelay` critic updates, and target
 * policy smoothing. Box actions only (a TypeError otherwise).
 */
export class TD3 extends DeterministicActorCriticAgent<Td3Config> {
  declare readonly algorithm: 'td3';

  /** Fields not given take {@link defaultTd3Config}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<Td3Config> = {}) {
    const resolved = td3Config(config);
    super('td3', 'TD3', resolved, {
      critics: 2,
      policyDelay: resolved.policyDelay,
      targetPolicyNoise: resolved.targetPolicyNoise,
      targetNoiseClip: resolved.targetNoiseClip,
    });
  }

  /** An agent restored from a directory written by `save` (Node) or a store; throws a CheckpointError on a corrupt or foreign one. */
  static async load(source: string | CheckpointStore): Promise<TD3> {
    return TD3.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link TD3.toCheckpoint}'s output. */
  static fromCheckpoint(cp: Checkpoint): TD3 {
    const checkpoint = new AgentCheckpoint(cp, 'td3');
    const agent = new TD3(configFromCheckpoint(checkpoint, 'td3', td3Config));
    try {
      agent.restore(checkpoint);
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }
}
