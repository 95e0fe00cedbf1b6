export {
  EpisodeStatistics,
  type EpisodeStatisticsJSON,
  type EpisodeStatisticsOptions,
  type FinishedEpisode,
} from './episode-statistics.js';
export {
  CallbackRunner,
  evalCallback,
  everyNSteps,
  stopOnReward,
  type EvalCallbackOptions,
  type StopOnRewardOptions,
} from './callback-runner.js';
export { DEFAULT_MAX_EVAL_STEPS, evaluatePolicy, type EvaluatePolicyOptions } from './evaluate-policy.js';
export {
  CsvLogger,
  JsonlLogger,
  MultiLogger,
  memorySink,
  type CsvLoggerOptions,
  type MemorySink,
  type TextSink,
} from './metrics-logger.js';
export {
  textProgressBar,
  type ProgressReporter,
  type ProgressUpdate,
  type TextProgressBarOptions,
} from './progress.js';
export { asVectorEnv, isVectorEnv, type AnyEnv } from './as-vector-env.js';
