import { describe, expect, it } from 'vitest';
import { ddpgConfig, defaultDdpgConfig } from '../ddpg/config.js';
import { defaultTd3Config, td3Config } from './config.js';

describe('td3Config and ddpgConfig', () => {
  it('fill in the documented defaults', () => {
    expect(td3Config()).toEqual(defaultTd3Config);
    expect(td3Config({ policyDelay: 3 }).policyDelay).toBe(3);
    expect(defaultTd3Config).toMatchObject({ policyDelay: 2, targetPolicyNoise: 0.2, targetNoiseClip: 0.5, tau: 0.005 });
    expect(ddpgConfig()).toEqual(defaultDdpgConfig);
    expect(JSON.parse(JSON.stringify(td3Config()))).toEqual(td3Config());
  });

  it('throw a RangeError naming the bad field', () => {
    const cases: [object, string][] = [
      [{ learningRate: 0 }, 'Td3Config: learningRate must be a finite number > 0, got 0'],
      [{ gamma: 1.5 }, 'Td3Config: gamma must be in [0, 1], got 1.5'],
      [{ tau: 0 }, 'Td3Config: tau must be in (0, 1], got 0'],
      [{ batchSize: 2.5 }, 'Td3Config: batchSize must be an integer >= 1, got 2.5'],
      [{ learningStarts: -1 }, 'Td3Config: learningStarts must be an integer >= 0'],
      [{ hiddenSizes: [64, 0] }, 'Td3Config: hiddenSizes[1] must be an integer >= 1, got 0'],
      [{ activation: 'gelu' }, "Td3Config: activation must be 'relu' or 'tanh' or 'elu'"],
      [{ policyDelay: 0 }, 'Td3Config: policyDelay must be an integer >= 1, got 0'],
      [{ targetPolicyNoise: -0.1 }, 'Td3Config: targetPolicyNoise must be a finite number >= 0'],
      [{ targetNoiseClip: Number.NaN }, 'Td3Config: targetNoiseClip must be a finite number >= 0'],
      [{ actionNoise: { kind: 'pink', sigma: 0.1 } }, 'Td3Config: actionNoise.kind must be'],
      [{ actionNoise: { kind: 'gaussian', sigma: -1 } }, 'Td3Config: actionNoise.sigma must be a finite number >= 0'],
      [{ actionNoise: { kind: 'ornstein-uhlenbeck', sigma: 0.2, theta: 0.15, dt: 0 } }, 'Td3Config: actionNoise.dt must be a finite number > 0'],
      [{ actionNoise: null }, 'Td3Config: actionNoise must be'],
      [{ seed: 1.5 }, 'Td3Config: seed must be an integer'],
    ];
    for (const [overrides, message] of cases) {
      expect(() => td3Config(overrides as never), JSON.stringify(overrides)).toThrow(RangeError);
      expect(() => td3Config(overrides as never)).toThrow(message);
    }
    expect(() => ddpgConfig({ gamma: -1 })).toThrow('DdpgConfig: gamma must be in [0, 1], got -1');
    expect(() => ddpgConfig({ policyDelay: 2 } as never)).toThrow('DdpgConfig: policyDelay is not a DDPG setting');
  });
});
