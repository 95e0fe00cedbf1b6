export { A2C } from './agent.js';
export { A2cLearner, type A2cBatch, type A2cLearnerConfig, type A2cLearnerState } from './learner.js';
export { a2cConfig, a2cGaeLambda, defaultA2cConfig, type A2cActivation, type A2cAdvantage, type A2cConfig } from './config.js';
export { a2cLoss, type A2cLossInput, type A2cLossResult } from './loss.js';
export { readA2cCheckpoint, writeA2cCheckpoint, type A2cCheckpointInput, type A2cCheckpointReader, type A2cCounters, type A2cModelSpec, type A2cSavedRun } from './checkpoint.js';
