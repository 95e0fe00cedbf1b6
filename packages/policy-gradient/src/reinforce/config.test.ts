import { describe, expect, it } from 'vitest';
import { defaultReinforceConfig, reinforceConfig } from './config.js';

describe('reinforceConfig', () => {
  it('fills in the defaults and keeps overrides', () => {
    expect(reinforceConfig()).toEqual(defaultReinforceConfig);
    expect(reinforceConfig({ baseline: 'none', gamma: 0.9 })).toMatchObject({ baseline: 'none', gamma: 0.9, returnKind: 'reward-to-go' });
  });

  it.each([
    [{ returnKind: 'all' }, "ReinforceConfig: returnKind must be 'episode' or 'reward-to-go', got \"all\""],
    [{ baseline: 'mean' }, "ReinforceConfig: baseline must be 'none' or 'running-mean' or 'value', got \"mean\""],
    [{ runningMean: 'ema' }, 'ReinforceConfig: runningMean must be'],
    [{ runningMeanDecay: 1 }, 'ReinforceConfig: runningMeanDecay must be in [0, 1), got 1'],
    [{ gamma: 1.5 }, 'ReinforceConfig: gamma must be in [0, 1], got 1.5'],
    [{ learningRate: 0 }, 'ReinforceConfig: learningRate must be a finite number > 0, got 0'],
    [{ valueLearningRate: Number.NaN }, 'ReinforceConfig: valueLearningRate must be a finite number > 0, got NaN'],
    [{ valueGradientSteps: 0 }, 'ReinforceConfig: valueGradientSteps must be an integer >= 1, got 0'],
    [{ episodesPerUpdate: 1.5 }, 'ReinforceConfig: episodesPerUpdate must be an integer >= 1, got 1.5'],
    [{ entropyCoefficient: -0.1 }, 'ReinforceConfig: entropyCoefficient must be a finite number >= 0, got -0.1'],
    [{ normalizeAdvantages: 1 }, 'ReinforceConfig: normalizeAdvantages must be a boolean, got 1'],
    [{ maxGradNorm: 0 }, 'ReinforceConfig: maxGradNorm must be a finite number > 0, got 0'],
    [{ hiddenSizes: [64, 0] }, 'ReinforceConfig: hiddenSizes[1] must be an integer >= 1, got 0'],
    [{ activation: 'gelu' }, 'ReinforceConfig: activation must be'],
    [{ seed: 2 ** 33 }, 'ReinforceConfig: seed must be a 32-bit integer'],
    [{ logStdInit: Number.POSITIVE_INFINITY }, 'ReinforceConfig: logStdInit must be a finite number, got Infinity'],
  ])('rejects %j with a RangeError naming the field', (override, message) => {
    expect(() => reinforceConfig(override as never)).toThrow(RangeError);
    expect(() => reinforceConfig(override as never)).toThrow(message);
  });

  it('accepts maxGradNorm null and empty hiddenSizes (a linear policy)', () => {
    expect(reinforceConfig({ maxGradNorm: null, hiddenSizes: [] })).toMatchObject({ maxGradNorm: null, hiddenSizes: [] });
  });
});
