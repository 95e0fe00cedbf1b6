import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from './snapshot.js';

const SPEC = { capacity: 4, fields: { observation: { shape: [2], dtype: 'float32' } } };

function content(): SnapshotContent {
  return {
    kind: 'TestBuffer',
    spec: SPEC,
    counters: { size: 3, position: 3 },
    extra: { rng: [1, 2, 3, 4] },
    arrays: {
      f32: new Float32Array([1.5, -0, Number.NaN, Infinity]),
      f64: new Float64Array([Math.PI, -1e300]),
      i32: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]),
      u32: new Uint32Array([2 ** 32 - 1]),
      u8: new Uint8Array([0, 255, 7]),
      i8: new Int8Array([-128, 127]),
      empty: new Float32Array(0),
    },
  };
}

describe('encodeSnapshot / decodeSnapshot', () => {
  it('round-trips kind, spec, counters, extra and every array type bit for bit', () => {
    const original = content();
    const decoded = decodeSnapshot(encodeSnapshot(original), 'TestBuffer', SPEC);
    expect(decoded).toEqual(original);
    for (const [name, array] of Object.entries(original.arrays)) {
      expect(decoded.arrays[name]!.constructor).toBe(array.constructor);
      expect(new Uint8Array(decoded.arrays[name]!.buffer)).toEqual(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
    expect(Object.is(decoded.arrays.f32![1], -0)).toBe(true);
  });

  it('round-trips arbitrary float32 columns, including views into larger buffers', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 50 }), fc.nat({ max: 3 }), (values, offset) => {
        const backing = new Float32Array(values.length + offset + 1);
        backing.set(values, offset);
        const view = backing.subarray(offset, offset + values.length);
        const decoded = decodeSnapshot(encodeSnapshot({ kind: 'K', spec: null, counters: {}, arrays: { view } }), 'K', null);
        expect(new Uint8Array(decoded.arrays.view!.buffer)).toEqual(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      }),
    );
  });

  it('returns copies, never views of the bytes', () => {
    const bytes = encodeSnapshot(content());
    const decoded = decodeSnapshot(bytes, 'TestBuffer', SPEC);
    expect(decoded.arrays.u8!.buffer).not.toBe(bytes.buffer);
    bytes.fill(0);
    expect(Array.from(decoded.arrays.u8!)).toEqual([0, 255, 7]);
  });

  it('lays arrays out 8-byte aligned after a 16-byte preamble', () => {
    const bytes = encodeSnapshot(content());
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('TFRLSNAP');
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(8, true)).toBe(1);
    expect(bytes.length % 8).toBe(0);
  });

  it('refuses a snapshot of another kind of buffer', () => {
    expect(() => decodeSnapshot(encodeSnapshot(content()), 'OtherBuffer', SPEC)).toThrow(
      'OtherBuffer.restore: snapshot is of a TestBuffer, not a OtherBuffer',
    );
  });

  it('refuses a snapshot of a buffer with another spec', () => {
    expect(() => decodeSnapshot(encodeSnapshot(content()), 'TestBuffer', { ...SPEC, capacity: 5 })).toThrow(/another spec/);
  });

  it('refuses truncated bytes', () => {
    const bytes = encodeSnapshot(content());
    expect(() => decodeSnapshot(bytes.subarray(0, 10), 'TestBuffer', SPEC)).toThrow(/too short/);
    expect(() => decodeSnapshot(bytes.subarray(0, 40), 'TestBuffer', SPEC)).toThrow(/truncated \(header\)/);
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 8), 'TestBuffer', SPEC)).toThrow(/truncated \(array/);
  });

  it('refuses a corrupted data byte by its checksum, naming the array', () => {
    const bytes = encodeSnapshot(content());
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as {
      arrays: { name: string; offset: number }[];
    };
    const dataStart = Math.ceil((16 + headerLength) / 8) * 8;
    for (const name of ['f64', 'u8']) {
      const corrupted = bytes.slice();
      corrupted[dataStart + header.arrays.find((a) => a.name === name)!.offset + 1]! ^= 0x10;
      expect(() => decodeSnapshot(corrupted, 'TestBuffer', SPEC)).toThrow(`array ${name} is corrupted (checksum mismatch)`);
    }
  });

  it('refuses a corrupted header', () => {
    const bytes = encodeSnapshot(content());
    const corrupted = bytes.slice();
    corrupted[16] = 0x7e; // the opening brace of the JSON header
    expect(() => decodeSnapshot(corrupted, 'TestBuffer', SPEC)).toThrow(/not valid JSON/);
  });

  it('refuses bytes with bad magic', () => {
    const bytes = encodeSnapshot(content());
    bytes[0] = 0x58;
    expect(() => decodeSnapshot(bytes, 'TestBuffer', SPEC)).toThrow(/bad magic/);
    expect(() => decodeSnapshot(new Uint8Array(64), 'TestBuffer', SPEC)).toThrow(/not a replay snapshot/);
  });

  it('refuses a newer format version', () => {
    const bytes = encodeSnapshot(content());
    new DataView(bytes.buffer).setUint32(8, 2, true);
    expect(() => decodeSnapshot(bytes, 'TestBuffer', SPEC)).toThrow(/format version 2 is not supported \(this library reads 1\)/);
  });
});
