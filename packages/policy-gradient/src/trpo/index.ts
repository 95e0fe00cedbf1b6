export { TRPO, TRPO_ALGORITHM } from './agent.js';
export { defaultTrpoConfig, npgConfig, trpoConfig, validateTrpoConfig, type TrpoConfig } from './config.js';
export { PolicyFisher, categoricalFisherProduct, gaussianMeanFisherProduct } from './fisher.js';
export { TrpoLearner, policyBatch, surrogateObjective, type TrpoPolicyBatch, type TrpoPolicyStep } from './learner.js';
export {
  backtrackingLineSearch,
  conjugateGradient,
  naturalStepScale,
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  type FlatVector,
  type LineSearchOptions,
  type LineSearchPoint,
  type LineSearchResult,
} from './natural-gradient.js';
