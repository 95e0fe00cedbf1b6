export { Rng, createRng, type RngState } from './rng.js';
export type { Space, SpaceKind, SpaceJSON, SpaceValue, BoxDtype } from './spaces/space.js';
export {
  ENV_API_VERSION,
  VECTOR_ENV_API_VERSION,
  MULTI_AGENT_ENV_API_VERSION,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  type EnvSpec,
  type Env,
  type AutoresetMode,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
  type VectorEnv,
  type MultiAgentResetResult,
  type MultiAgentStepResult,
  type MultiAgentEnv,
} from './env.js';
export {
  POLICY_API_VERSION,
  type ActOptions,
  type Policy,
  type Metrics,
  type Learner,
  type LearnOptions,
  type TrainReport,
  type Agent,
} from './agent.js';
export {
  REPLAY_BUFFER_API_VERSION,
  type Transition,
  type TransitionBatch,
  type ReplayBuffer,
} from './replay-buffer.js';
export type { Callback, TrainingState, EvaluationResult } from './callback.js';
export type { Logger } from './logger.js';
export { TABULAR_MODEL_API_VERSION, type TabularModel, type TabularOutcome } from './tabular-model.js';
// Areas built out below each export from their own barrel.
export * from './spaces/index.js';
export * from './math/index.js';
export * from './training/index.js';
export * from './checkpoint/index.js';
