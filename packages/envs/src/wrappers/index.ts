export { Wrapper } from './wrapper.js';
export { TimeLimit } from './time-limit.js';
export {
  RecordEpisodeStatistics,
  type EpisodeStatistics,
  type RecordEpisodeStatisticsOptions,
} from './record-episode-statistics.js';
export { NormalizeObservation, type NormalizeObservationOptions } from './normalize-observation.js';
export { NormalizeReward, type NormalizeRewardOptions } from './normalize-reward.js';
export { ClipAction } from './clip-action.js';
export { RescaleAction } from './rescale-action.js';
export { FlattenObservation } from './flatten-observation.js';
export { FrameStack } from './frame-stack.js';
export { TransformObservation } from './transform-observation.js';
export { TransformReward } from './transform-reward.js';
export { OneHotObservation } from './one-hot-observation.js';
export { PartialObservation, type PartialObservationSelection } from './partial-observation.js';
