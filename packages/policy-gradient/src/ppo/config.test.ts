import { describe, expect, it } from 'vitest';
import { defaultPpoConfig, ppoConfig, ppoKlEarlyStop, ppoSchedule } from './config.js';

describe('ppoConfig', () => {
  it('fills in the defaults and keeps overrides', () => {
    expect(ppoConfig()).toEqual(defaultPpoConfig);
    expect(ppoConfig({ nSteps: 128, clipRangeVf: 0.2, targetKl: 0.01 })).toMatchObject({ nSteps: 128, clipRangeVf: 0.2, targetKl: 0.01, batchSize: defaultPpoConfig.batchSize });
  });

  it.each([
    [{ nSteps: 0 }, 'nSteps'],
    [{ batchSize: 1.5 }, 'batchSize'],
    [{ nEpochs: 0 }, 'nEpochs'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ learningRateSchedule: 'cosine' as never }, 'learningRateSchedule'],
    [{ gamma: 1.1 }, 'gamma'],
    [{ gaeLambda: -0.1 }, 'gaeLambda'],
    [{ clipRange: 0 }, 'clipRange'],
    [{ clipRangeSchedule: 'exp' as never }, 'clipRangeSchedule'],
    [{ clipRangeVf: -1 }, 'clipRangeVf'],
    [{ normalizeAdvantage: 1 as never }, 'normalizeAdvantage'],
    [{ entCoef: -0.01 }, 'entCoef'],
    [{ vfCoef: Number.NaN }, 'vfCoef'],
    [{ maxGradNorm: 0 }, 'maxGradNorm'],
    [{ targetKl: 0 }, 'targetKl'],
    [{ hiddenSizes: [64, 0] }, 'hiddenSizes[1]'],
    [{ hiddenSizes: [], sharedTrunk: true }, 'hiddenSizes'],
    [{ activation: 'gelu' as never }, 'activation'],
    [{ seed: 0.5 }, 'seed'],
    [{ logStdInit: Number.POSITIVE_INFINITY }, 'logStdInit'],
  ])('%j -> RangeError naming %s', (overrides, field) => {
    expect(() => ppoConfig(overrides)).toThrow(RangeError);
    expect(() => ppoConfig(overrides)).toThrow(`PpoConfig: ${field} must be`);
  });
});

describe('ppoSchedule', () => {
  it('constant holds the value; linear falls to 0 at the end of the run', () => {
    expect(ppoSchedule('constant', 3e-4, 0.7)).toBe(3e-4);
    expect(ppoSchedule('linear', 0.2, 0)).toBeCloseTo(0.2, 12);
    expect(ppoSchedule('linear', 0.2, 0.25)).toBeCloseTo(0.15, 12);
    expect(ppoSchedule('linear', 1e-3, 1)).toBe(0);
    expect(ppoSchedule('linear', 1e-3, 1.2)).toBe(0); // a rollout may overshoot totalSteps
  });
});

describe('ppoKlEarlyStop', () => {
  it('stops above 1.5 × targetKl, never without one', () => {
    expect(ppoKlEarlyStop(0.015, 0.01)).toBe(false);
    expect(ppoKlEarlyStop(0.0151, 0.01)).toBe(true);
    expect(ppoKlEarlyStop(100, null)).toBe(false);
  });
});
