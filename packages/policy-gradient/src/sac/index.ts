export { SAC, SAC_ALGORITHM } from './agent.js';
export { defaultSacConfig, sacConfig, type SacConfig } from './config.js';
export { SacLearner, type SacLearnerConfig, type SacLearnerSpec } from './learner.js';
export {
  sacActorLoss,
  sacCriticLoss,
  sacQTarget,
  sacTemperatureLoss,
  type SacActorLossInput,
  type SacCriticLossInput,
  type SacQTargetInput,
  type SacTemperatureLossInput,
} from './loss.js';
export type { OffPolicyBatch as SacBatch } from './off-policy.js';
