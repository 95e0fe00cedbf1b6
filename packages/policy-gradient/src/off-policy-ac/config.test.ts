import { describe, expect, it } from 'vitest';
import { defaultOffPolicyAcConfig, offPolicyAcConfig } from './config.js';

describe('offPolicyAcConfig', () => {
  it('fills in the defaults and validates', () => {
    expect(offPolicyAcConfig()).toEqual(defaultOffPolicyAcConfig);
    expect(offPolicyAcConfig({ actorGradient: 'likelihood-ratio' }).actorGradient).toBe('likelihood-ratio');
    expect(JSON.parse(JSON.stringify(offPolicyAcConfig()))).toEqual(defaultOffPolicyAcConfig);
  });

  it.each([
    [{ gamma: -0.1 }, /OffPolicyAcConfig: gamma/],
    [{ tau: 1.5 }, /OffPolicyAcConfig: tau/],
    [{ batchSize: 2.5 }, /OffPolicyAcConfig: batchSize/],
    [{ actorGradient: 'score' as 'reparameterized' }, /OffPolicyAcConfig: actorGradient must be 'reparameterized' or 'likelihood-ratio'/],
    [{ entropyCoefficient: -1 }, /OffPolicyAcConfig: entropyCoefficient/],
    [{ hiddenSizes: [-1] }, /OffPolicyAcConfig: hiddenSizes\[0\]/],
    [{ logStdMax: -30 }, /OffPolicyAcConfig: logStdMax/],
  ])('rejects %j with a RangeError naming the field', (overrides, message) => {
    expect(() => offPolicyAcConfig(overrides)).toThrow(RangeError);
    expect(() => offPolicyAcConfig(overrides)).toThrow(message);
  });
});
