export type { Module } from './module.js';
export { linear, type LinearActivation } from './linear.js';
export { mlp, type Mlp, type MlpConfig, type MlpInit } from './mlp.js';
export {
  createAdam,
  createRmsProp,
  createSgd,
  type AdamConfig,
  type AdamState,
  type Optimizer,
  type RmsPropConfig,
  type RmsPropState,
  type SgdConfig,
  type SgdState,
} from './adam.js';
export { createVariable, glorotUniform, heUniform, orthogonal, variableName, zeros } from './init.js';
export {
  NoisyLinear,
  createLinearLayer,
  createNoisyLinear,
  type LinearLayer,
  type LinearLayerConfig,
  type NoisyApplyOptions,
  type NoisyLinearConfig,
} from './noisy-linear.js';
export { DuelingHead, createDuelingHead, duelingCombine, type DuelingHeadConfig } from './dueling-head.js';
export {
  CategoricalHead,
  createCategoricalHead,
  createSupport,
  qValues,
  type CategoricalHeadConfig,
} from './categorical-head.js';
export { CategoricalDistribution } from './categorical-distribution.js';
export { DiagGaussian } from './diagonal-gaussian.js';
export { TanhSquashedGaussian, type ActionBounds, type SquashedSample } from './squashed-gaussian.js';
export {
  GruCell,
  createGruCell,
  unroll,
  type GruCellConfig,
  type RecurrentCell,
  type UnrollResult,
} from './gru-cell.js';
export {
  MultiHeadAttention,
  createMultiHeadAttention,
  type AttentionOptions,
  type MultiHeadAttentionConfig,
} from './multi-head-attention.js';
export { assertFinite, clipByGlobalNorm, variableGrads, type ClippedGradients } from './gradients.js';
export { hardUpdate, polyakUpdate } from './target-update.js';
export { WEIGHTS_FORMAT, loadWeights, saveWeights, type SaveWeightsOptions, type WeightSource } from './weights.js';
