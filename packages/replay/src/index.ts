// Buffers add their export lines below.
export { DTYPE_ARRAYS, TRANSITION_FIELDS, checkShape, createColumn, fieldWidth, transitionFieldSpec, validateFieldSpec, type ActionDtype, type ArrayForDtype, type ColumnArray, type FieldDescriptor, type FieldDtype, type FieldSpec, type ObservationDtype, type TransitionLayoutOptions } from './field-spec.js';
export { ColumnarStorage, RingIndex } from './columnar-storage.js';
export { UniformReplayBuffer, type ReplayBatch, type ReplayTransition, type SampleOptions, type TransitionColumns, type UniformReplayBufferOptions } from './uniform-replay-buffer.js';
export { SumTree } from './sum-tree.js';
export { MinTree } from './min-tree.js';
export { PrioritizedReplayBuffer, type PrioritizedReplayBufferOptions, type PrioritizedSampleOptions } from './prioritized-replay-buffer.js';
export { NStepAdapter, type NStepAdapterConfig, type NStepTransition, type NStepVectorStep } from './n-step-adapter.js';
export { RolloutBuffer, type ComputeAdvantagesInput, type RolloutBufferConfig, type RolloutMinibatch, type RolloutStep } from './rollout-buffer.js';
export { EpisodeBuffer, type Episode, type EpisodeBatch, type EpisodeBufferConfig, type EpisodeStep } from './episode-buffer.js';
export { SequenceSampler, type SequenceBatch, type SequenceSamplerConfig } from './sequence-sampler.js';
export { MultiAgentReplayBuffer, type AgentBatch, type AgentLayout, type MultiAgentBatch, type MultiAgentReplayBufferConfig, type MultiAgentTransition } from './multi-agent-replay-buffer.js';
