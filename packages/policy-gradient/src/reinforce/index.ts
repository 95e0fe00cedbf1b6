export { Reinforce } from './agent.js';
export {
  defaultReinforceConfig,
  reinforceConfig,
  type ReinforceBaselineKind,
  type ReinforceConfig,
  type ReinforceReturnKind,
  type RunningMeanKind,
} from './config.js';
export { ReinforceLearner, type ReinforceBatch, type ReinforceLearnerState } from './learner.js';
export {
  reinforceAdvantages,
  reinforceLoss,
  reinforceReturns,
  updateRunningMean,
  type ReinforceLossInput,
  type ReinforceLossResult,
  type RunningMeanState,
} from './loss.js';
