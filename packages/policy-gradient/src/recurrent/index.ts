export { RecurrentPPO, type RecurrentPpoActOptions } from './agent.js';
export { defaultRecurrentPpoConfig, recurrentPpoConfig, type RecurrentPpoConfig } from './config.js';
export {
  RecurrentPpoLearner,
  evaluateSequences,
  gatherSequences,
  type RecurrentPpoLearnerConfig,
  type RecurrentPpoStepResult,
  type RolloutColumns,
  type SequenceMinibatch,
} from './learner.js';
export { RecurrentActorCritic, type RecurrentActResult, type RecurrentActorCriticConfig, type RecurrentForward } from './network.js';
export {
  RecurrentPolicy,
  episodeResetEnv,
  evaluateRecurrentPolicy,
  type RecurrentState,
  type RecurrentStep,
  type ResettablePolicy,
} from './policy.js';
export {
  advanceEpisodeFlags,
  resetEpisodeFlags,
  rolloutSequences,
  sequenceLayout,
  sequenceMinibatches,
  type EpisodeFlags,
  type SequenceLayout,
  type SequenceSpan,
} from './sequences.js';
