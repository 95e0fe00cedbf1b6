import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import {
  assertValidCheckpoint,
  blobFromBytes,
  blobFromTypedArray,
  bytesFromBlob,
  createCheckpoint,
  dtypeOf,
  memoryCheckpointStore,
  typedArrayFromBlob,
  validateCheckpoint,
  type BlobTypedArray,
  type Checkpoint,
} from './checkpoint.js';
import { crc32Hex } from './crc32.js';
import { CheckpointError } from './manifest.js';

const rngState = Rng.fromSeed(1).getState();

function sample(): Checkpoint {
  return createCheckpoint({
    algorithm: 'dqn',
    config: { gamma: 0.99 },
    counters: { steps: 100 },
    rngState,
    createdAt: '2024-01-01T00:00:00.000Z',
    blobs: {
      kernel: { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] },
      bias: new Float64Array([0.5, -0.25]),
      counts: new Int32Array([7, -8]),
      mask: new Uint8Array([1, 0, 1]),
      state: { bytes: new TextEncoder().encode('{"opaque":true}') },
    },
  });
}

function errorOf(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('blobs from and to typed arrays', () => {
  it('records dtype, shape, byteLength and crc32 of a copy', () => {
    const data = new Float32Array([1.5, -2]);
    const blob = blobFromTypedArray(data);
    data[0] = 99;
    expect(blob.entry).toEqual({ byteLength: 8, dtype: 'float32', shape: [2], crc32: crc32Hex(blob.bytes) });
    // 1.5f = 0x3FC00000, -2f = 0xC0000000, little-endian
    expect([...blob.bytes]).toEqual([0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('copies only the view of a larger buffer', () => {
    const big = new Int32Array([1, 2, 3, 4]);
    const view = big.subarray(1, 3);
    const blob = blobFromTypedArray(view, [1, 2]);
    expect(blob.entry).toMatchObject({ byteLength: 8, dtype: 'int32', shape: [1, 2] });
    expect([...blob.bytes]).toEqual([2, 0, 0, 0, 3, 0, 0, 0]);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => blobFromTypedArray(new Float32Array(6), [4, 2])).toThrow(RangeError);
    expect(() => blobFromTypedArray(new Float32Array(6), [-2, -3])).toThrow('shape [-2,-3] does not fit 6 elements');
    expect(() => blobFromTypedArray(new Float32Array(0), [0, 5])).not.toThrow();
  });

  it('names dtypes and refuses other arrays', () => {
    expect(dtypeOf(new Float64Array(1))).toBe('float64');
    expect(dtypeOf(new Uint8Array(1))).toBe('uint8');
    expect(() => dtypeOf(new Int16Array(1) as unknown as BlobTypedArray)).toThrow(/Int16Array/);
  });

  it('reads back each dtype exactly, as aligned copies', () => {
    const cp = sample();
    const kernel = typedArrayFromBlob(cp, 'kernel', 'float32', [2, 3]);
    expect(kernel).toBeInstanceOf(Float32Array);
    expect([...kernel]).toEqual([1, 2, 3, 4, 5, 6]);
    kernel[0] = 42;
    expect(typedArrayFromBlob(cp, 'kernel', 'float32')[0]).toBe(1);
    expect([...typedArrayFromBlob(cp, 'bias', 'float64')]).toEqual([0.5, -0.25]);
    expect([...typedArrayFromBlob(cp, 'counts', 'int32', [2])]).toEqual([7, -8]);
    expect([...typedArrayFromBlob(cp, 'mask', 'uint8')]).toEqual([1, 0, 1]);
    expect(new TextDecoder().decode(bytesFromBlob(cp, 'state'))).toBe('{"opaque":true}');
    // A float64 blob whose bytes sit at an odd offset still reads.
    const shifted = new Uint8Array(17);
    shifted.set(cp.blobs.get('bias')!, 1);
    cp.blobs.set('bias', shifted.subarray(1));
    expect([...typedArrayFromBlob(cp, 'bias', 'float64')]).toEqual([0.5, -0.25]);
  });

  it('refuses the wrong dtype, shape or a missing blob', () => {
    const cp = sample();
    expect(errorOf(() => typedArrayFromBlob(cp, 'kernel', 'int32')).message).toBe('checkpoint: blob "kernel": dtype float32, expected int32');
    expect(errorOf(() => typedArrayFromBlob(cp, 'kernel', 'float32', [3, 2])).message).toBe(
      'checkpoint: blob "kernel": shape [2,3], expected [3,2]',
    );
    expect(errorOf(() => typedArrayFromBlob(cp, 'nope', 'float32')).message).toBe('checkpoint: missing blob "nope"');
    expect(errorOf(() => bytesFromBlob(cp, 'nope')).problems).toEqual(['missing blob "nope"']);
  });

  it('reads untyped blobs when the length fits the dtype', () => {
    const cp = sample();
    cp.manifest.blobs.raw = { byteLength: 8 };
    cp.blobs.set('raw', new Uint8Array(new Float32Array([3, 4]).buffer));
    expect([...typedArrayFromBlob(cp, 'raw', 'float32')]).toEqual([3, 4]);
    expect(errorOf(() => typedArrayFromBlob(cp, 'raw', 'float64', [1])).message).toContain('has no recorded shape');
    cp.manifest.blobs.raw = { byteLength: 6 };
    cp.blobs.set('raw', new Uint8Array(6));
    expect(errorOf(() => typedArrayFromBlob(cp, 'raw', 'float32')).message).toContain('byteLength 6 is not a multiple of 4');
  });

  it('blobFromBytes records dtype bytes', () => {
    const blob = blobFromBytes(new Uint8Array([1, 2, 3]));
    expect(blob.entry).toEqual({ byteLength: 3, dtype: 'bytes', crc32: crc32Hex(new Uint8Array([1, 2, 3])) });
  });
});

describe('validateCheckpoint', () => {
  it('finds nothing wrong with a fresh checkpoint', () => {
    expect(validateCheckpoint(sample())).toEqual([]);
    expect(validateCheckpoint(sample(), { algorithm: 'dqn', blobs: { kernel: { dtype: 'float32', shape: [2, 3] } } })).toEqual([]);
    expect(() => assertValidCheckpoint(sample())).not.toThrow();
  });

  it('reports a missing blob', () => {
    const cp = sample();
    cp.blobs.delete('bias');
    expect(validateCheckpoint(cp)).toEqual(['missing blob "bias"']);
  });

  it('reports a blob the manifest does not list', () => {
    const cp = sample();
    cp.blobs.set('stray', new Uint8Array(1));
    expect(validateCheckpoint(cp, { blobs: { stray: {} } })).toEqual(['blob "stray" is not listed in the manifest']);
  });

  it('reports byteLength and checksum mismatches', () => {
    const cp = sample();
    cp.blobs.set('mask', new Uint8Array([1, 0]));
    const counts = cp.blobs.get('counts')!;
    counts[0] = 8; // one flipped bit
    expect(validateCheckpoint(cp)).toEqual([
      `blob "counts": checksum mismatch (crc32 ${crc32Hex(counts)}, manifest says ${cp.manifest.blobs.counts!.crc32})`,
      'blob "mask": 2 bytes, manifest says 3',
    ]);
  });

  it('reports differences from what the caller expects', () => {
    const problems = validateCheckpoint(sample(), {
      algorithm: 'ppo',
      blobs: {
        kernel: { dtype: 'float64', shape: [3, 2] },
        state: { shape: [15] },
        missing: { dtype: 'float32' },
      },
    });
    expect(problems).toEqual([
      'checkpoint is for algorithm "dqn", expected "ppo"',
      'blob "kernel": dtype float32, expected float64',
      'blob "kernel": shape [2,3], expected [3,2]',
      'blob "state": has no recorded shape, expected [15]',
      'missing blob "missing"',
    ]);
    const error = errorOf(() => assertValidCheckpoint(sample(), { algorithm: 'ppo' }, 'ctx'));
    expect(error.message).toBe('ctx: checkpoint is for algorithm "dqn", expected "ppo"');
  });

  it('reports bad names and inconsistent entries made by hand', () => {
    const cp = sample();
    cp.manifest.blobs['../x'] = { byteLength: 0 };
    cp.blobs.set('../x', new Uint8Array(0));
    cp.manifest.blobs.kernel!.shape = [5];
    expect(validateCheckpoint(cp)).toEqual([
      expect.stringContaining('blob name "../x" is not allowed'),
      'blob "kernel": byteLength 24 does not match float32 shape [5] (20 bytes)',
    ]);
  });
});

describe('createCheckpoint', () => {
  it('validates names and config', () => {
    expect(errorOf(() => createCheckpoint({ algorithm: 'a', rngState, blobs: { 'a/b': new Uint8Array(1) } })).message).toContain(
      'blob name "a/b" is not allowed',
    );
    expect(errorOf(() => createCheckpoint({ algorithm: 'a', rngState, config: { x: Number.NaN } })).message).toContain('config.x is NaN');
  });
});

describe('memoryCheckpointStore', () => {
  it('round-trips copies through JSON text', async () => {
    const store = memoryCheckpointStore();
    await expect(store.read()).rejects.toThrow('nothing written yet');
    const cp = sample();
    await store.write(cp);
    cp.blobs.get('mask')![0] = 9; // later edits do not reach the store
    const back = await store.read({ algorithm: 'dqn' });
    expect(back.manifest).toEqual(sample().manifest);
    expect([...back.blobs.get('mask')!]).toEqual([1, 0, 1]);
    back.blobs.get('mask')![0] = 5;
    expect([...(await store.read()).blobs.get('mask')!]).toEqual([1, 0, 1]);
    await expect(store.read({ algorithm: 'sac' })).rejects.toThrow(CheckpointError);
  });

  it('refuses to write an invalid checkpoint', async () => {
    const cp = sample();
    cp.blobs.delete('kernel');
    await expect(memoryCheckpointStore().write(cp)).rejects.toThrow('cannot write checkpoint: missing blob "kernel"');
  });
});
