import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ColumnarStorage, RingIndex } from './columnar-storage.js';

describe('RingIndex', () => {
  it('matches a plain-array model of the stored rows through any advance/advanceBy/clear sequence', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'advance' as const, n: 1 }),
      fc.record({ kind: fc.constant('advanceBy' as const), n: fc.nat({ max: 12 }) }),
      fc.constant({ kind: 'clear' as const, n: 0 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(op, { maxLength: 40 }), (capacity, ops) => {
        const ring = new RingIndex(capacity);
        let rows: number[] = []; // absolute ids, oldest first
        let added = 0;
        for (const { kind, n } of ops) {
          if (kind === 'clear') {
            ring.clear();
            rows = [];
            added = 0;
            continue;
          }
          const first = kind === 'advance' ? ring.advance() : ring.advanceBy(n);
          expect(first).toBe(added % capacity);
          for (let k = 0; k < n; k++) rows.push(added++);
          rows = rows.slice(-capacity);
          expect(ring.size).toBe(rows.length);
          expect(ring.position).toBe(added % capacity);
          expect(ring.full).toBe(rows.length === capacity);
          if (rows.length > 0) {
            expect(ring.oldest).toBe(rows[0]! % capacity);
            for (let age = 0; age < rows.length; age++) expect(ring.slotFromNewest(age)).toBe(rows[rows.length - 1 - age]! % capacity);
          }
          const copy = new RingIndex(capacity);
          copy.restore(ring.position, ring.size);
          expect([copy.position, copy.size]).toEqual([ring.position, ring.size]);
        }
      }),
    );
  });

  it('refuses impossible states', () => {
    expect(() => new RingIndex(0)).toThrow(RangeError);
    const ring = new RingIndex(4);
    expect(() => ring.restore(1, 2)).toThrow(/impossible/); // not full: position must equal size
    expect(() => ring.restore(4, 4)).toThrow(RangeError);
    expect(() => ring.restore(0, 5)).toThrow(RangeError);
    expect(() => ring.advanceBy(-1)).toThrow(RangeError);
    ring.restore(2, 4);
    expect(ring.oldest).toBe(2);
  });
});

describe('ColumnarStorage', () => {
  const spec = {
    observation: { shape: [2], dtype: 'float32' },
    action: { shape: [], dtype: 'int32' },
    mask: { shape: [3], dtype: 'uint8' },
    value: { shape: [], dtype: 'float64' },
  } as const;

  it('preallocates one column per field, capacity × width', () => {
    const storage = new ColumnarStorage(spec, 5);
    expect(storage.widths).toEqual({ observation: 2, action: 1, mask: 3, value: 1 });
    expect(storage.columns.observation).toEqual(new Float32Array(10));
    expect(storage.columns.mask).toBeInstanceOf(Uint8Array);
    expect(storage.byteLength).toBe(5 * (8 + 4 + 3 + 8));
    expect(() => storage.column('nope')).toThrow(/no field named nope/);
  });

  it('writes rows, copies blocks and gathers them back', () => {
    const storage = new ColumnarStorage(spec, 4);
    storage.writeRow('observation', 1, [0.5, -2]);
    storage.writeRow('action', 1, 7);
    storage.writeRows('observation', 2, Float32Array.from([9, 9, 1, 2, 3, 4]), 1, 2);
    storage.writeRows('mask', 0, [true, false, true, 0, 1, 1], 0, 2);
    const out = new Float32Array(6);
    storage.gatherRows('observation', [3, 1, 2], 3, out);
    expect(Array.from(out)).toEqual([3, 4, 0.5, -2, 1, 2]);
    const masks = new Uint8Array(6);
    storage.gatherRows('mask', [1, 0], 2, masks);
    expect(Array.from(masks)).toEqual([0, 1, 1, 1, 0, 1]);
  });

  it('checks rows before writing: lengths and values integer columns cannot hold', () => {
    const storage = new ColumnarStorage(spec, 4);
    expect(() => storage.checkRow('observation', [1])).toThrow('observation: expected 2 numbers, got 1 numbers');
    expect(() => storage.checkRow('observation', 3)).toThrow(/single number/);
    expect(() => storage.checkRow('action', 2 ** 31)).toThrow(/not representable as int32/);
    expect(() => storage.checkRow('mask', [0, -1, 0])).toThrow('mask[1]: -1 is not representable as uint8');
    expect(() => storage.checkRows('mask', [0, 0, 0, 1, 2, 256], 2)).toThrow(/row 1 holds 256/);
    expect(() => storage.checkRows('action', Int32Array.from([1, 2]), 3)).toThrow(/expected 3 rows/);
    expect(() => storage.checkRow('value', Number.NaN)).not.toThrow(); // floats take any number
    storage.checkRows('action', Int32Array.from([1, 2]), 2);
  });

  it('snapshot arrays round-trip through checkArrays/loadArrays, and bad ones are refused', () => {
    const a = new ColumnarStorage(spec, 4);
    a.writeRow('observation', 0, [1, 2]);
    a.writeRow('mask', 1, [1, 2, 3]);
    const arrays = a.snapshotArrays(2);
    expect(arrays.observation!.length).toBe(4);
    const b = new ColumnarStorage(spec, 4);
    b.writeRow('observation', 3, [5, 5]);
    b.checkArrays('B', arrays, 2);
    b.loadArrays(arrays, 2);
    expect(b.columns).toEqual(a.columns);
    expect(() => b.checkArrays('B', { ...arrays, mask: new Float32Array(6) }, 2)).toThrow(/mask column has the wrong type/);
    expect(() => b.checkArrays('B', { observation: arrays.observation! }, 2)).toThrow(/lacks the action column/);
    expect(() => b.checkArrays('B', arrays, 5)).toThrow(/5 rows/);
  });
});
