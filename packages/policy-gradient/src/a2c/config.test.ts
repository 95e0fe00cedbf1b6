import { describe, expect, it } from 'vitest';
import { a2cConfig, defaultA2cConfig } from './config.js';

describe('a2cConfig', () => {
  it('fills in the defaults and keeps overrides', () => {
    expect(a2cConfig()).toEqual(defaultA2cConfig);
    expect(a2cConfig({ nSteps: 8, sharedTrunk: true })).toMatchObject({ nSteps: 8, sharedTrunk: true, gamma: 0.99, maxGradNorm: 0.5 });
    expect(JSON.parse(JSON.stringify(defaultA2cConfig))).toEqual(defaultA2cConfig); // plain JSON: it goes into checkpoints
  });

  it.each([
    [{ nSteps: 0 }, 'A2cConfig: nSteps must be an integer >= 1, got 0'],
    [{ gamma: 1.5 }, 'A2cConfig: gamma must be in [0, 1], got 1.5'],
    [{ advantage: 'td' as never }, `A2cConfig: advantage must be 'n-step' or 'gae', got "td"`],
    [{ gaeLambda: -0.1 }, 'A2cConfig: gaeLambda must be in [0, 1], got -0.1'],
    [{ optimizer: 'sgd' as never }, `A2cConfig: optimizer must be 'adam' or 'rmsprop', got "sgd"`],
    [{ rmsPropAlpha: 1 }, 'A2cConfig: rmsPropAlpha must be in [0, 1), got 1'],
    [{ rmsPropEpsilon: 0 }, 'A2cConfig: rmsPropEpsilon must be a finite number > 0, got 0'],
    [{ learningRate: 0 }, 'A2cConfig: learningRate must be a finite number > 0, got 0'],
    [{ learningRateSchedule: 'cosine' as never }, `A2cConfig: learningRateSchedule must be 'constant' or 'linear', got "cosine"`],
    [{ vfCoef: -1 }, 'A2cConfig: vfCoef must be a finite number >= 0, got -1'],
    [{ entCoef: Number.POSITIVE_INFINITY }, 'A2cConfig: entCoef must be a finite number >= 0, got Infinity'],
    [{ maxGradNorm: 0 }, 'A2cConfig: maxGradNorm must be a finite number > 0, got 0'],
    [{ normalizeAdvantages: 1 as never }, 'A2cConfig: normalizeAdvantages must be a boolean, got 1'],
    [{ hiddenSizes: [64, 0] }, 'A2cConfig: hiddenSizes[1] must be an integer >= 1, got 0'],
    [{ hiddenSizes: [], sharedTrunk: true }, 'A2cConfig: hiddenSizes must be a non-empty array of integers >= 1, got []'],
    [{ activation: 'gelu' as never }, "A2cConfig: activation must be 'relu' or 'tanh' or 'elu', got \"gelu\""],
    [{ seed: 1.5 }, 'A2cConfig: seed must be an integer >= -2147483648, got 1.5'],
  ])('rejects %j with a RangeError naming the field', (overrides, message) => {
    expect(() => a2cConfig(overrides)).toThrow(RangeError);
    expect(() => a2cConfig(overrides)).toThrow(message);
  });

  it('allows a policy without hidden layers when the networks are separate', () => {
    expect(a2cConfig({ hiddenSizes: [] }).hiddenSizes).toEqual([]);
    expect(a2cConfig({ maxGradNorm: null }).maxGradNorm).toBeNull();
  });
});
