import { ConfigCheck } from '../common/config-check.js';
import { checkDeterministicFields, defaultTd3Config, type DeterministicFields } from '../td3/config.js';

/**
 * Configuration of {@link DDPG} (Lillicrap et al. 2016): TD3's config without its three
 * additions (one critic, no policy delay, no target smoothing). Every field is plain JSON.
 */
export type DdpgConfig = DeterministicFields;

/**
 * TD3's defaults (SB3 also gives DDPG TD3's): 256-256 ReLU networks, Adam 1e-3, batch 256,
 * τ 0.005, γ 0.99, 1,000 random steps, Gaussian exploration σ 0.1 (the paper used
 * Ornstein-Uhlenbeck noise: `actionNoise: { kind: 'ornstein-uhlenbeck', sigma: 0.2, theta: 0.15, dt: 1e-2 }`).
 */
export const defaultDdpgConfig: DdpgConfig = Object.freeze({
  seed: defaultTd3Config.seed,
  learningRate: defaultTd3Config.learningRate,
  bufferSize: defaultTd3Config.bufferSize,
  batchSize: defaultTd3Config.batchSize,
  gamma: defaultTd3Config.gamma,
  tau: defaultTd3Config.tau,
  learningStarts: defaultTd3Config.learningStarts,
  trainFrequency: defaultTd3Config.trainFrequency,
  gradientSteps: defaultTd3Config.gradientSteps,
  hiddenSizes: defaultTd3Config.hiddenSizes,
  activation: defaultTd3Config.activation,
  actionNoise: defaultTd3Config.actionNoise,
});

/** `defaultDdpgConfig` with `overrides`, validated: a RangeError names the first bad field. */
export function ddpgConfig(overrides: Partial<DdpgConfig> = {}): DdpgConfig {
  const config = { ...defaultDdpgConfig, ...overrides };
  for (const field of Object.keys(config)) {
    if (!(field in defaultDdpgConfig)) throw new RangeError(`DdpgConfig: ${field} is not a DDPG setting`);
  }
  checkDeterministicFields(new ConfigCheck('DdpgConfig'), config);
  return config;
}
