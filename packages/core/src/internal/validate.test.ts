import { describe, expect, it } from 'vitest';
import {
  checkFinite,
  checkFiniteNonNegative,
  checkIntegerAtLeast,
  checkLength,
  checkNonNegativeInteger,
  checkPositiveInteger,
  checkRolloutLayout,
  checkSameLength,
  checkUnitInterval,
} from './validate.js';

describe('argument checks', () => {
  it('checkUnitInterval takes [0, 1], or (0, 1] with excludeZero, and never NaN', () => {
    for (const x of [0, 0.5, 1]) expect(() => checkUnitInterval('f', 'gamma', x)).not.toThrow();
    expect(() => checkUnitInterval('f', 'gamma', 1.5)).toThrow(new RangeError('f: gamma must be in [0, 1], got 1.5'));
    expect(() => checkUnitInterval('f', 'gamma', Number.NaN)).toThrow('got NaN');
    expect(() => checkUnitInterval('f', 'decay', 1, true)).not.toThrow();
    expect(() => checkUnitInterval('f', 'decay', 0, true)).toThrow('f: decay must be in (0, 1], got 0');
  });

  it('checkFinite and checkFiniteNonNegative refuse NaN and infinities', () => {
    expect(() => checkFinite('f', 'x', -3)).not.toThrow();
    expect(() => checkFinite('f', 'x', Infinity)).toThrow('f: x must be a finite number, got Infinity');
    expect(() => checkFiniteNonNegative('f', 'x', 0)).not.toThrow();
    for (const x of [-1, Infinity, Number.NaN]) {
      expect(() => checkFiniteNonNegative('f', 'x', x)).toThrow(`f: x must be finite and >= 0, got ${x}`);
    }
  });

  it('integer checks word their bound and refuse fractions', () => {
    expect(() => checkIntegerAtLeast('f', 'n', 2, 2)).not.toThrow();
    expect(() => checkIntegerAtLeast('f', 'n', 1, 2)).toThrow('f: n must be an integer >= 2, got 1');
    expect(() => checkIntegerAtLeast('f', 'n', 2.5, 1)).toThrow('got 2.5');
    expect(() => checkPositiveInteger('f', 'n', 0)).toThrow('f: n must be a positive integer, got 0');
    expect(() => checkPositiveInteger('f', 'n', 2 ** 60)).not.toThrow();
    expect(() => checkPositiveInteger('f', 'n', 2 ** 60, true)).toThrow('must be a positive integer');
    expect(() => checkNonNegativeInteger('f', 'offset', 0)).not.toThrow();
    expect(() => checkNonNegativeInteger('f', 'offset', -1)).toThrow('f: offset must be a non-negative integer, got -1');
    expect(() => checkNonNegativeInteger('f', 'offset', 2 ** 60, true)).toThrow('non-negative integer');
  });

  it('length checks name both sides', () => {
    expect(() => checkLength('f', 'mask', 3, 3)).not.toThrow();
    expect(() => checkLength('f', 'mask', 2, 3)).toThrow('f: mask has length 2, expected 3');
    expect(() => checkLength('f', 'out', 2, 3, 'rewards.length')).toThrow('f: out has length 2, expected 3 (rewards.length)');
    expect(() => checkSameLength('f', 'dones', 2, 'rewards', 3)).toThrow('f: dones has length 2, rewards 3');
  });

  it('checkRolloutLayout checks numEnvs, then the row width, then each array in order', () => {
    const rewards = new Float32Array(6);
    expect(() => checkRolloutLayout('f', 2, 6, { values: rewards })).not.toThrow();
    expect(() => checkRolloutLayout('f', 0, 6, {})).toThrow('f: numEnvs must be a positive integer, got 0');
    expect(() => checkRolloutLayout('f', 4, 6, {})).toThrow('f: rewards has length 6, not a multiple of numEnvs 4');
    expect(() => checkRolloutLayout('f', 2, 6, { values: rewards, dones: new Uint8Array(4), other: new Uint8Array(2) })).toThrow(
      'f: dones has length 4, expected 6 (rewards.length)',
    );
  });
});
