export { DeterministicActorCriticAgent, type DeterministicVariant } from './agent.js';
export {
  defaultTd3Config,
  td3Config,
  type ActionNoiseConfig,
  type DeterministicActivation,
  type DeterministicFields,
  type Td3Config,
} from './config.js';
export { Td3Learner, type Td3Batch, type Td3LearnerSettings, type Td3LearnerState } from './learner.js';
export { td3ActorLoss, td3CriticLoss, td3Target, targetPolicySmoothing } from './loss.js';
export { ExplorationNoise, ornsteinUhlenbeckStep } from './noise.js';
export { TD3 } from './td3.js';
