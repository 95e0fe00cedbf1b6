export {
  defaultDqnConfig,
  defaultPrioritizedConfig,
  dqnConfig,
  rainbow,
  validateDqnConfig,
  type ActionMask,
  type DistributionalConfig,
  type DqnActivation,
  type DqnConfig,
  type DqnLossKind,
  type PrioritizedConfig,
} from './config.js';
export {
  categoricalLoss,
  doubleQTarget,
  dqnLoss,
  gatherActions,
  greedyActions,
  maskQValues,
  tdTarget,
  type CategoricalLossInput,
  type CategoricalLossResult,
  type DoubleQTargetInput,
  type DqnLossInput,
  type DqnLossResult,
  type TdTargetInput,
} from './loss.js';
export { createQNetwork, type QNetwork, type QNetworkConfig } from './network.js';
export { DqnLearner, type DqnBatch, type DqnLearnerConfig, type DqnLearnerState, type DqnUpdateResult } from './learner.js';
export { DQN, type DqnActOptions, type DqnLearnOptions, type DqnLoadOptions } from './agent.js';
export { DQN_ALGORITHM } from './checkpoint.js';
export type { DqnEnv } from './vector-env.js';
export {
  defaultOnlineQLearningConfig,
  onlineQLearning,
  type OnlineQLearningConfig,
  type OnlineQLearningResult,
} from './online-q-learning.js';
