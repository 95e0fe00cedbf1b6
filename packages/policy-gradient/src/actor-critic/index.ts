export { ActorCriticAgent } from './agent.js';
export { actorCriticAgentConfig, defaultActorCriticAgentConfig, type ActorCriticAgentConfig } from './config.js';
export { ActorCriticLearner, type OneStepBatch } from './learner.js';
export { actorCriticLoss, oneStepTransitions, tdErrors, type ActorCriticLossInput, type ActorCriticLossResult, type TdErrorInput } from './loss.js';
