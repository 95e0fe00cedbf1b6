export {
  actionSize,
  actionSpec,
  actionSpecFromJSON,
  actionSpecToJSON,
  sameActionSpec,
  scaleToBounds,
  scaleToUnit,
  toEnvActions,
  type ActionSpec,
  type ActionSpecJSON,
  type BoxActionSpec,
  type DiscreteActionSpec,
} from './action-spec.js';
export { ActionDistribution, ActorCritic, actionTensor, type ActResult, type ActorCriticConfig } from './actor-critic.js';
export { AgentCheckpoint, resolveStore, restoreOptimizer, writeAgentCheckpoint, type AgentCheckpointInput } from './checkpoint.js';
export { Collection } from './collection.js';
export { assertSameModel, modelSpecToJSON, readModelSpec, type ModelSpec } from './model-spec.js';
export { ConfigCheck } from './config-check.js';
export type { PolicyGradientAgent, PolicyGradientLearnOptions } from './agent.js';
