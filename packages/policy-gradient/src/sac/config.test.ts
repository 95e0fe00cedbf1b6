import { describe, expect, it } from 'vitest';
import { defaultSacConfig, sacConfig } from './config.js';

describe('sacConfig', () => {
  it('fills in the defaults and validates', () => {
    expect(sacConfig()).toEqual(defaultSacConfig);
    expect(sacConfig({ gamma: 0.9, hiddenSizes: [8] })).toMatchObject({ gamma: 0.9, hiddenSizes: [8], batchSize: 256 });
    expect(JSON.parse(JSON.stringify(sacConfig()))).toEqual(defaultSacConfig);
  });

  it.each([
    [{ gamma: 1.5 }, /SacConfig: gamma must be in \[0, 1\], got 1.5/],
    [{ tau: 0 }, /SacConfig: tau must be in \(0, 1\]/],
    [{ learningRate: -1 }, /SacConfig: learningRate/],
    [{ batchSize: 0 }, /SacConfig: batchSize must be an integer >= 1/],
    [{ bufferSize: 1.5 }, /SacConfig: bufferSize/],
    [{ learningStarts: -1 }, /SacConfig: learningStarts/],
    [{ trainFrequency: 0 }, /SacConfig: trainFrequency/],
    [{ hiddenSizes: [64, 0] }, /SacConfig: hiddenSizes\[1\]/],
    [{ activation: 'sigmoid' as 'relu' }, /SacConfig: activation/],
    [{ initialEntropyCoefficient: 0 }, /SacConfig: initialEntropyCoefficient/],
    [{ targetEntropy: Number.NaN }, /SacConfig: targetEntropy/],
    [{ logStdMin: 3 }, /SacConfig: logStdMax must be > logStdMin/],
    [{ seed: 1.5 }, /SacConfig: seed/],
  ])('rejects %j with a RangeError naming the field', (overrides, message) => {
    expect(() => sacConfig(overrides)).toThrow(RangeError);
    expect(() => sacConfig(overrides)).toThrow(message);
  });
});
