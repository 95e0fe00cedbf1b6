import { describe, expect, it } from 'vitest';
import { a3cConfig, defaultA3cConfig } from './config.js';

describe('a3cConfig', () => {
  it('fills defaults and keeps overrides', () => {
    const config = a3cConfig({ tMax: 5, optimizer: 'rmsprop' });
    expect(config).toEqual({ ...defaultA3cConfig, tMax: 5, optimizer: 'rmsprop', hiddenSizes: [64, 64] });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it.each([
    [{ numWorkers: 0 }, /numWorkers must be an integer >= 1, got 0/],
    [{ tMax: 1.5 }, /tMax must be an integer >= 1/],
    [{ gamma: 1.1 }, /gamma must be in \[0, 1\]/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0/],
    [{ learningRateSchedule: 'cosine' as never }, /learningRateSchedule must be 'constant' or 'linear'/],
    [{ optimizer: 'sgd' as never }, /optimizer must be 'rmsprop' or 'adam', got "sgd"/],
    [{ rmsDecay: 1 }, /rmsDecay must be in \[0, 1\)/],
    [{ epsilon: -1 }, /epsilon must be a finite number > 0/],
    [{ entCoef: Number.NaN }, /entCoef must be a finite number >= 0/],
    [{ maxGradNorm: 0 }, /maxGradNorm must be a finite number > 0/],
    [{ hiddenSizes: [64, 0] }, /hiddenSizes\[1\] must be an integer >= 1/],
    [{ sharedTrunk: true, hiddenSizes: [] }, /hiddenSizes must be a non-empty array/],
    [{ activation: 'gelu' as never }, /activation must be/],
    [{ workerBackend: 'webgl' as never }, /workerBackend must be 'cpu' or 'wasm'/],
    [{ seed: 0.5 }, /seed must be an integer/],
  ])('rejects %o with a RangeError naming the field', (overrides, message) => {
    expect(() => a3cConfig(overrides)).toThrow(RangeError);
    expect(() => a3cConfig(overrides)).toThrow(message);
  });
});
