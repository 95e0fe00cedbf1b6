export { PPO, PPO_ALGORITHM, type PpoModelSpec } from './agent.js';
export { defaultPpoConfig, ppoKlEarlyStop, ppoConfig, ppoSchedule, validatePpoConfig, type PpoConfig, type PpoScheduleKind } from './config.js';
export { PpoLearner, type PpoLearnerConfig, type PpoStepResult, type PpoStepSettings } from './learner.js';
export { ppoClipLoss, valueLoss, type PpoClipLossInput, type PpoClipLossResult, type ValueLossInput } from './loss.js';
