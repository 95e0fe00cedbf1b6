export { A3C, a3cOptimizerStatsLength, type A3cLearnOptions } from './agent.js';
export { a3cConfig, defaultA3cConfig, type A3cConfig, type A3cOptimizer, type A3cWorkerBackend } from './config.js';
export { isA3cEnvSpec, type A3cEnvSpec } from './env-spec.js';
export { A3cActorLearner, createA3cNetwork, type A3cEpisode, type A3cModelSpec, type A3cRolloutResult, type A3cWorkerSetup } from './learner.js';
export {
  a3cLoss,
  a3cTargets,
  clipFlatGradient,
  scheduledLearningRate,
  sharedAdamStep,
  sharedRmsPropStep,
  type A3cLossInput,
  type A3cLossResult,
  type A3cTargets,
  type AdamStep,
  type RmsPropStep,
} from './maths.js';
export { SharedState as A3cSharedState } from './shared.js';
