export { discountedReturns, discountedSum, type DiscountedReturnsOptions } from './discounted-returns.js';
export { computeGae, type GaeInput, type GaeResult } from './gae.js';
export { nStepTargets, type NStepInput, type NStepResult } from './n-step.js';
export { lambdaReturns, type LambdaReturnsInput } from './lambda-returns.js';
export { explainedVariance } from './explained-variance.js';
export { RunningMeanStd, type RunningMeanStdJSON, type RunningMeanStdNormalizeOptions } from './running-mean-std.js';
export {
  constantSchedule,
  linearSchedule,
  exponentialSchedule,
  piecewiseSchedule,
  asSchedule,
  type Schedule,
  type LinearScheduleOptions,
  type ExponentialScheduleOptions,
  type PiecewiseScheduleOptions,
} from './schedules.js';
export {
  categoricalProjection,
  categoricalSupport,
  type CategoricalProjectionInput,
} from './categorical-projection.js';
