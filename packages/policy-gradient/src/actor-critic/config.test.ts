import { describe, expect, it } from 'vitest';
import { actorCriticAgentConfig, defaultActorCriticAgentConfig } from './config.js';

describe('actorCriticAgentConfig', () => {
  it('fills in the defaults and keeps overrides', () => {
    expect(actorCriticAgentConfig()).toEqual(defaultActorCriticAgentConfig);
    expect(actorCriticAgentConfig({ sharedTrunk: true, gamma: 0.9 })).toMatchObject({ sharedTrunk: true, gamma: 0.9 });
  });

  it.each([
    [{ gamma: -0.1 }, 'ActorCriticAgentConfig: gamma must be in [0, 1], got -0.1'],
    [{ learningRate: -1 }, 'ActorCriticAgentConfig: learningRate must be a finite number > 0, got -1'],
    [{ valueLearningRate: 0 }, 'ActorCriticAgentConfig: valueLearningRate must be a finite number > 0, got 0'],
    [{ valueCoefficient: -1 }, 'ActorCriticAgentConfig: valueCoefficient must be a finite number >= 0, got -1'],
    [{ entropyCoefficient: Number.NaN }, 'ActorCriticAgentConfig: entropyCoefficient must be a finite number >= 0, got NaN'],
    [{ adamEpsilon: 0 }, 'ActorCriticAgentConfig: adamEpsilon must be a finite number > 0, got 0'],
    [{ maxGradNorm: -1 }, 'ActorCriticAgentConfig: maxGradNorm must be a finite number > 0, got -1'],
    [{ sharedTrunk: 'yes' }, 'ActorCriticAgentConfig: sharedTrunk must be a boolean, got "yes"'],
    [{ sharedTrunk: true, hiddenSizes: [] }, 'ActorCriticAgentConfig: hiddenSizes must be a non-empty array of integers >= 1, got []'],
    [{ hiddenSizes: [2.5] }, 'ActorCriticAgentConfig: hiddenSizes[0] must be an integer >= 1, got 2.5'],
    [{ activation: 'sigmoid' }, 'ActorCriticAgentConfig: activation must be'],
    [{ seed: 0.5 }, 'ActorCriticAgentConfig: seed must be an integer'],
    [{ logStdInit: Number.NaN }, 'ActorCriticAgentConfig: logStdInit must be a finite number, got NaN'],
  ])('rejects %j with a RangeError naming the field', (override, message) => {
    expect(() => actorCriticAgentConfig(override as never)).toThrow(RangeError);
    expect(() => actorCriticAgentConfig(override as never)).toThrow(message);
  });
});
