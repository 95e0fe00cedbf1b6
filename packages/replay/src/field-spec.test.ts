import { describe, expect, it } from 'vitest';
import { createColumn, fieldWidth, transitionFieldSpec, validateFieldSpec } from './field-spec.js';

describe('field specs', () => {
  it('fieldWidth is the product of the shape, 1 for a scalar', () => {
    expect(fieldWidth({ shape: [], dtype: 'float32' })).toBe(1);
    expect(fieldWidth({ shape: [84, 84, 4], dtype: 'uint8' })).toBe(28224);
  });

  it('createColumn makes a zeroed array of the dtype', () => {
    expect(createColumn('uint8', 3)).toEqual(new Uint8Array(3));
    expect(createColumn('int32', 2)).toBeInstanceOf(Int32Array);
    expect(createColumn('float64', 1)).toBeInstanceOf(Float64Array);
  });

  it('transitionFieldSpec lays out the core fields, nextObservation on request, then the extras', () => {
    const spec = transitionFieldSpec('T', {
      observationShape: [84, 84],
      observationDtype: 'uint8',
      actionDtype: 'int32',
      extras: { logProb: { shape: [], dtype: 'float32' }, actionMask: { shape: [6], dtype: 'uint8' } },
    });
    expect(spec).toEqual({
      observation: { shape: [84, 84], dtype: 'uint8' },
      action: { shape: [], dtype: 'int32' },
      reward: { shape: [], dtype: 'float32' },
      terminated: { shape: [], dtype: 'uint8' },
      truncated: { shape: [], dtype: 'uint8' },
      nextObservation: { shape: [84, 84], dtype: 'uint8' },
      logProb: { shape: [], dtype: 'float32' },
      actionMask: { shape: [6], dtype: 'uint8' },
    });
    const lean = transitionFieldSpec('T', { observationShape: [4], actionShape: [2], actionDtype: 'float32', storeNextObservations: false });
    expect(Object.keys(lean)).toEqual(['observation', 'action', 'reward', 'terminated', 'truncated']);
  });

  it('copies and freezes, so the caller cannot change a layout later', () => {
    const shape = [3];
    const spec = validateFieldSpec('T', { x: { shape, dtype: 'float32' } });
    shape[0] = 9;
    expect(spec.x!.shape).toEqual([3]);
    expect(Object.isFrozen(spec) && Object.isFrozen(spec.x) && Object.isFrozen(spec.x!.shape)).toBe(true);
  });

  it('throws RangeErrors naming the owner and field', () => {
    expect(() => validateFieldSpec('Buf', { x: { shape: [2, 0], dtype: 'float32' } })).toThrow('Buf: field x shape must be an array of positive integers, got [2,0]');
    expect(() => validateFieldSpec('Buf', { x: { shape: [1.5], dtype: 'float32' } })).toThrow(RangeError);
    expect(() => validateFieldSpec('Buf', { x: { shape: [], dtype: 'bool' as never } })).toThrow(/field x dtype/);
    expect(() => validateFieldSpec('Buf', { x: null as never })).toThrow(TypeError);
    expect(() => transitionFieldSpec('Buf', { observationShape: [4], actionDtype: 'int32', extras: { terminated: { shape: [], dtype: 'uint8' } } })).toThrow(
      /extras.terminated clashes/,
    );
  });
});
