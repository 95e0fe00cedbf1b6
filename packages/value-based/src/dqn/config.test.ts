import { describe, expect, it } from 'vitest';
import { defaultDqnConfig, dqnConfig, rainbow, validateDqnConfig, type DqnConfig } from './config.js';

describe('DqnConfig', () => {
  it('defaults are valid and JSON', () => {
    expect(validateDqnConfig(defaultDqnConfig)).toBe(defaultDqnConfig);
    expect(JSON.parse(JSON.stringify(defaultDqnConfig))).toEqual(defaultDqnConfig);
  });

  it('rainbow() turns every extension on and keeps overrides', () => {
    const config = rainbow({ seed: 3 });
    expect(config).toMatchObject({ double: true, dueling: true, noisy: true, nStep: 3, seed: 3, explorationStart: 0 });
    expect(config.distributional).toEqual({ atoms: 51, vMin: 0, vMax: 100 });
    expect(config.prioritized).toMatchObject({ alpha: 0.5, betaStart: 0.4, betaEnd: 1 });
  });

  const bad: [Partial<DqnConfig>, string][] = [
    [{ learningRate: 0 }, 'DqnConfig: learningRate must be a finite number > 0, got 0'],
    [{ batchSize: 1.5 }, 'DqnConfig: batchSize must be an integer >= 1, got 1.5'],
    [{ gamma: 1.1 }, 'DqnConfig: gamma must be in [0, 1], got 1.1'],
    [{ tau: 0 }, 'DqnConfig: tau must be in (0, 1], got 0'],
    [{ explorationFraction: 0 }, 'explorationFraction must be in (0, 1]'],
    [{ hiddenSizes: [64, 0] }, 'DqnConfig: hiddenSizes[1] must be an integer >= 1, got 0'],
    [{ loss: 'l1' as 'mse' }, `DqnConfig: loss must be 'huber' or 'mse', got "l1"`],
    [{ maxGradNorm: -1 }, 'maxGradNorm must be a finite number > 0'],
    [{ noisy: -0.5 }, 'DqnConfig: noisy must be a finite number > 0, got -0.5'],
    [{ distributional: { atoms: 1, vMin: 0, vMax: 1 } }, 'distributional.atoms must be an integer >= 2'],
    [{ distributional: { atoms: 5, vMin: 2, vMax: 1 } }, 'distributional.vMax must be a finite number > vMin (2)'],
    [{ nStep: 0 }, 'nStep must be an integer >= 1'],
    [{ prioritized: { alpha: 0.5, betaStart: 2, betaEnd: 1, epsilon: 1e-6 } }, 'prioritized.betaStart must be in [0, 1]'],
    [{ actionMaskInfoKey: '' }, 'actionMaskInfoKey must be null or a non-empty string'],
  ];
  it.each(bad)('rejects %o with a RangeError naming the field', (override, message) => {
    expect(() => dqnConfig(override)).toThrow(RangeError);
    expect(() => dqnConfig(override)).toThrow(message);
  });
});
