export { QTable, type QTableJSON, type QTablePolicyOptions } from './q-table.js';
export {
  defaultTabularControlConfig,
  DEFAULT_N_STEPS,
  type TabularLearningConfig,
  type TabularControlConfig,
  type NStepConfig,
  type TabularControlResult,
  type TabularPredictionResult,
  type TabularPolicy,
} from './tabular-config.js';
export { actionValue, qFromV, greedyPolicy, DEFAULT_GREEDY_TOLERANCE, type GreedyPolicyOptions } from './greedy-policy.js';
export { policyEvaluation, uniformRandomPolicy, type PolicyEvaluationOptions } from './policy-evaluation.js';
export { valueIteration, type PlanningOptions, type PlanningResult } from './value-iteration.js';
export { policyIteration } from './policy-iteration.js';
export { monteCarloControl, type MonteCarloControlConfig } from './monte-carlo-control.js';
export { td0Prediction } from './td0-prediction.js';
export { sarsa } from './sarsa.js';
export { expectedSarsa } from './expected-sarsa.js';
export { qLearning } from './q-learning.js';
export { nStepSarsa, type NStepSarsaConfig } from './n-step-sarsa.js';
export { nStepTdPrediction, type NStepTdPredictionConfig } from './n-step-td-prediction.js';
