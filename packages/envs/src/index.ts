export { Wrapper } from './wrappers/wrapper.js';
export { TimeLimit } from './wrappers/time-limit.js';
export { CartPole, stepCartPoleState, cartPoleTerminated, writeCartPoleObservation, CART_POLE_THETA_THRESHOLD, CART_POLE_X_THRESHOLD, type CartPoleOptions } from './classic-control/cart-pole.js';
export { Acrobot, stepAcrobotState, acrobotTerminated, writeAcrobotObservation, rk4, type AcrobotOptions } from './classic-control/acrobot.js';
export { MountainCar, type MountainCarOptions } from './classic-control/mountain-car.js';
export { MountainCarContinuous, type MountainCarContinuousOptions } from './classic-control/mountain-car-continuous.js';
export { Pendulum, stepPendulumState, writePendulumObservation, angleNormalize, type PendulumOptions } from './classic-control/pendulum.js';
export type { ClassicControlResetOptions } from './classic-control/reset-options.js';
export { registerEnv, makeEnv, listEnvs, type EnvFactory, type RegisterEnvOptions, type MakeEnvOptions, type BuiltInEnvId, type MadeEnv } from './registry.js';
export {
  RecordEpisodeStatistics,
  NormalizeObservation,
  NormalizeReward,
  ClipAction,
  RescaleAction,
  FlattenObservation,
  FrameStack,
  TransformObservation,
  TransformReward,
  OneHotObservation,
  PartialObservation,
  type EpisodeStatistics,
  type RecordEpisodeStatisticsOptions,
  type NormalizeObservationOptions,
  type NormalizeRewardOptions,
  type PartialObservationSelection,
} from './wrappers/index.js';
export { checkEnv, assertEnv, type CheckEnvOptions, type CheckEnvResult } from './check-env.js';
export * from './toy-text/index.js';
export { SyncVectorEnv, AsyncVectorEnv, CartPoleVectorEnv, PendulumVectorEnv, SubEnvError, type SyncVectorEnvOptions, type AsyncVectorEnvOptions, type AsyncVectorEnvSource, type EnvFactoryContext, type CartPoleVectorEnvOptions, type PendulumVectorEnvOptions, type SubEnvPhase } from './vector/index.js';
