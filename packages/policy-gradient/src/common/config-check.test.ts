import { describe, expect, it } from 'vitest';
import { ConfigCheck } from './config-check.js';

const check = new ConfigCheck('TestConfig');

describe('ConfigCheck', () => {
  it.each([
    [() => check.fail('x', 'nice', 'bad'), 'TestConfig: x must be nice, got "bad"'],
    [() => check.fail('x', 'nice', { a: 1 }), 'TestConfig: x must be nice, got {"a":1}'],
    [() => check.integerAtLeast('n', 1.5, 1), 'TestConfig: n must be an integer >= 1, got 1.5'],
    [() => check.integerAtLeast('n', 0, 1), 'TestConfig: n must be an integer >= 1, got 0'],
    [() => check.inInterval('gamma', 1.5, 0, 1), 'TestConfig: gamma must be in [0, 1], got 1.5'],
    [() => check.inInterval('tau', 0, 0, 1, true), 'TestConfig: tau must be in (0, 1], got 0'],
    [() => check.inInterval('gamma', Number.NaN, 0, 1), 'TestConfig: gamma must be in [0, 1], got NaN'],
    [() => check.positiveFinite('lr', 0), 'TestConfig: lr must be a finite number > 0, got 0'],
    [() => check.positiveFinite('lr', Number.POSITIVE_INFINITY), 'TestConfig: lr must be a finite number > 0, got Infinity'],
    [() => check.nonNegativeFinite('beta', -1), 'TestConfig: beta must be a finite number >= 0, got -1'],
    [() => check.finite('logStd', Number.NaN), 'TestConfig: logStd must be a finite number, got NaN'],
    [() => check.nullOrPositive('maxGradNorm', -0.5), 'TestConfig: maxGradNorm must be a finite number > 0, got -0.5'],
    [() => check.boolean('flag', 'true'), 'TestConfig: flag must be a boolean, got "true"'],
    [() => check.oneOf('kind', 'c', ['a', 'b']), "TestConfig: kind must be 'a' or 'b', got \"c\""],
    [() => check.oneOf('n', 3, [1, 2]), 'TestConfig: n must be 1 or 2, got 3'],
    [() => check.seed(1.5), 'TestConfig: seed must be an integer >= -2147483648, got 1.5'],
    [() => check.seed(2 ** 32), 'TestConfig: seed must be a 32-bit integer, got 4294967296'],
    [() => check.sizes('hiddenSizes', 'wide' as never), 'TestConfig: hiddenSizes must be an array of integers >= 1, got "wide"'],
    [() => check.sizes('hiddenSizes', [], true), 'TestConfig: hiddenSizes must be a non-empty array of integers >= 1, got []'],
    [() => check.sizes('hiddenSizes', [64, -1]), 'TestConfig: hiddenSizes[1] must be an integer >= 1, got -1'],
    [() => check.activation('gelu'), "TestConfig: activation must be 'relu' or 'tanh' or 'elu', got \"gelu\""],
  ])('%# throws a RangeError naming the field', (f, message) => {
    expect(f).toThrow(RangeError);
    expect(f).toThrow(message);
  });

  it('accepts valid values', () => {
    expect(() => {
      check.integerAtLeast('n', 3, 1);
      check.inInterval('gamma', 1, 0, 1);
      check.inInterval('tau', 1, 0, 1, true);
      check.positiveFinite('lr', 1e-4);
      check.nonNegativeFinite('beta', 0);
      check.finite('x', -3);
      check.nullOrPositive('maxGradNorm', null);
      check.boolean('flag', false);
      check.oneOf('kind', 'a', ['a', 'b']);
      check.seed(-5);
      check.seed(0xffffffff);
      check.sizes('hiddenSizes', []);
      check.sizes('hiddenSizes', [64, 64], true);
      check.activation('tanh');
    }).not.toThrow();
  });
});
