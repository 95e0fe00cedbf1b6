export { OFF_POLICY_AC_ALGORITHM, OffPolicyActorCritic } from './agent.js';
export { defaultOffPolicyAcConfig, offPolicyAcConfig, type OffPolicyAcConfig, type OffPolicyActorGradient } from './config.js';
export { OffPolicyAcLearner, type OffPolicyAcLearnerSpec } from './learner.js';
export { offPolicyActorLoss, offPolicyQTarget, type OffPolicyActorLossInput, type OffPolicyQTargetInput } from './loss.js';
