import { crc32Hex } from './crc32.js';
import {
  CheckpointError,
  blobEntryProblems,
  blobNamesProblems,
  createManifest,
  parseManifest,
  stringifyManifest,
  type BlobDtype,
  type BlobEntry,
  type CheckpointManifest,
  type CreateManifestOptions,
} from './manifest.js';

/** A checkpoint in memory: the manifest plus the bytes of every blob it lists. */
export interface Checkpoint {
  manifest: CheckpointManifest;
  blobs: Map<string, Uint8Array>;
}

/** A blob dtype that holds numbers. */
export type NumericDtype = Exclude<BlobDtype, 'bytes'>;

/** Typed arrays a blob can be made from. */
export type BlobTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array class of a numeric dtype. */
export type TypedArrayOf<D extends NumericDtype> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  // Blobs are little-endian on disk; every platform tfjs runs on is too.
  if (!LITTLE_ENDIAN) throw new Error('tfrl checkpoints need a little-endian host');
}

/** The dtype of a typed array. */
export function dtypeOf(array: BlobTypedArray): NumericDtype {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'uint8';
  throw new TypeError(`checkpoint blobs hold Float32Array, Float64Array, Int32Array or Uint8Array, got ${Object.prototype.toString.call(array)}`);
}

/** A blob's bytes and its manifest entry. */
export interface CheckpointBlob {
  bytes: Uint8Array;
  entry: BlobEntry;
}

/**
 * Copies a typed array into a blob with dtype, shape (default `[array.length]`) and CRC-32.
 * Throws a RangeError when the shape does not hold `array.length` elements.
 */
export function blobFromTypedArray(array: BlobTypedArray, shape?: readonly number[]): CheckpointBlob {
  assertLittleEndian();
  const dtype = dtypeOf(array);
  const dims = shape === undefined ? [array.length] : [...shape];
  const size = dims.reduce((a, b) => a * b, 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 0) || size !== array.length) {
    throw new RangeError(`blobFromTypedArray: shape [${dims.join(',')}] does not fit ${array.length} elements`);
  }
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
  return { bytes, entry: { byteLength: bytes.length, dtype, shape: dims, crc32: crc32Hex(bytes) } };
}

/** Copies opaque bytes into a blob of dtype `bytes` with CRC-32. */
export function blobFromBytes(bytes: Uint8Array): CheckpointBlob {
  const copy = bytes.slice();
  return { bytes: copy, entry: { byteLength: copy.length, dtype: 'bytes', crc32: crc32Hex(copy) } };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function blobBytes(cp: Checkpoint, name: string): { bytes: Uint8Array; entry: BlobEntry } {
  const entry = cp.manifest.blobs[name];
  const bytes = cp.blobs.get(name);
  if (entry === undefined || bytes === undefined) {
    throw new CheckpointError('checkpoint', [`missing blob ${JSON.stringify(name)}`]);
  }
  return { bytes, entry };
}

/**
 * A copy of blob `name` as a typed array of `dtype`. Throws {@link CheckpointError} when the
 * blob is missing, was stored with another dtype, or has another shape than `shape`.
 */
export function typedArrayFromBlob<D extends NumericDtype>(
  cp: Checkpoint,
  name: string,
  dtype: D,
  shape?: readonly number[],
): TypedArrayOf<D> {
  assertLittleEndian();
  const { bytes, entry } = blobBytes(cp, name);
  const problems = expectedBlobProblems(name, entry, { dtype, ...(shape === undefined ? {} : { shape }) });
  if (problems.length === 0 && entry.dtype === undefined) problems.push(...blobEntryProblems(name, { ...entry, dtype }));
  if (problems.length > 0) throw new CheckpointError('checkpoint', problems);
  // slice() gives a fresh, aligned buffer: a Float64Array view needs an offset divisible by 8.
  const buffer = bytes.slice().buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer) as TypedArrayOf<D>;
    case 'float64':
      return new Float64Array(buffer) as TypedArrayOf<D>;
    case 'int32':
      return new Int32Array(buffer) as TypedArrayOf<D>;
    default:
      return new Uint8Array(buffer) as TypedArrayOf<D>;
  }
}

/** A copy of blob `name`'s raw bytes. Throws {@link CheckpointError} when it is missing. */
export function bytesFromBlob(cp: Checkpoint, name: string): Uint8Array {
  return blobBytes(cp, name).bytes.slice();
}

/** What a blob can be made from: a typed array (shape `[length]`), one with a shape, or raw bytes. */
export type CheckpointBlobInput = BlobTypedArray | { data: BlobTypedArray; shape: readonly number[] } | { bytes: Uint8Array };

/** Options of {@link createCheckpoint}: the manifest's fields, with blob data instead of entries. */
export interface CreateCheckpointOptions extends Omit<CreateManifestOptions, 'blobs'> {
  blobs?: Record<string, CheckpointBlobInput>;
}

/**
 * A checkpoint holding copies of the given arrays, each with dtype, shape and CRC-32 in the
 * manifest. Throws {@link CheckpointError} on invalid blob names or non-JSON config.
 */
export function createCheckpoint(options: CreateCheckpointOptions): Checkpoint {
  const blobs = new Map<string, Uint8Array>();
  const entries: Record<string, BlobEntry> = {};
  for (const [name, input] of Object.entries(options.blobs ?? {})) {
    const blob = ArrayBuffer.isView(input)
      ? blobFromTypedArray(input)
      : 'bytes' in input
        ? blobFromBytes(input.bytes)
        : blobFromTypedArray(input.data, input.shape);
    blobs.set(name, blob.bytes);
    entries[name] = blob.entry;
  }
  return { manifest: createManifest({ ...options, blobs: entries }), blobs };
}

/** What a caller expects of a blob; omitted fields are not checked. */
export interface ExpectedBlob {
  dtype?: BlobDtype;
  shape?: readonly number[];
}

/** What a caller expects of a checkpoint (e.g. a DQN agent loading its own weights). */
export interface ExpectedCheckpoint {
  algorithm?: string;
  /** Blobs that must be present, with their dtype and shape. */
  blobs?: Record<string, ExpectedBlob>;
}

function expectedBlobProblems(name: string, entry: BlobEntry, expected: ExpectedBlob): string[] {
  const label = `blob ${JSON.stringify(name)}`;
  const problems: string[] = [];
  if (expected.dtype !== undefined && entry.dtype !== undefined && entry.dtype !== expected.dtype) {
    problems.push(`${label}: dtype ${entry.dtype}, expected ${expected.dtype}`);
  }
  if (expected.shape !== undefined) {
    if (entry.shape === undefined) {
      problems.push(`${label}: has no recorded shape, expected [${expected.shape.join(',')}]`);
    } else if (!sameShape(entry.shape, expected.shape)) {
      problems.push(`${label}: shape [${entry.shape.join(',')}], expected [${expected.shape.join(',')}]`);
    }
  }
  return problems;
}

/** `<label>: checksum mismatch (…)` when `entry` has a CRC-32 that `bytes` do not match. Not exported from the package. */
export function checksumProblem(label: string, bytes: Uint8Array, entry: BlobEntry): string | undefined {
  if (entry.crc32 === undefined) return undefined;
  const actual = crc32Hex(bytes);
  return actual === entry.crc32 ? undefined : `${label}: checksum mismatch (crc32 ${actual}, manifest says ${entry.crc32})`;
}

/**
 * Every problem with `cp`, empty when it is sound: blob names, blobs listed but absent (or
 * present but unlisted), byteLength and CRC-32 mismatches, dtype/shape inconsistencies, and
 * differences from `expected` (algorithm, required blobs with dtype and shape).
 */
export function validateCheckpoint(cp: Checkpoint, expected?: ExpectedCheckpoint): string[] {
  const { manifest } = cp;
  const problems: string[] = [];
  if (expected?.algorithm !== undefined && manifest.algorithm !== expected.algorithm) {
    problems.push(`checkpoint is for algorithm ${JSON.stringify(manifest.algorithm)}, expected ${JSON.stringify(expected.algorithm)}`);
  }
  problems.push(...blobNamesProblems(Object.keys(manifest.blobs)));
  for (const [name, entry] of Object.entries(manifest.blobs)) {
    problems.push(...blobEntryProblems(name, entry));
    const bytes = cp.blobs.get(name);
    const label = `blob ${JSON.stringify(name)}`;
    if (bytes === undefined) {
      problems.push(`missing blob ${JSON.stringify(name)}`);
      continue;
    }
    if (bytes.length !== entry.byteLength) {
      problems.push(`${label}: ${bytes.length} bytes, manifest says ${entry.byteLength}`);
    } else {
      const mismatch = checksumProblem(label, bytes, entry);
      if (mismatch !== undefined) problems.push(mismatch);
    }
  }
  for (const name of cp.blobs.keys()) {
    if (!(name in manifest.blobs)) problems.push(`blob ${JSON.stringify(name)} is not listed in the manifest`);
  }
  for (const [name, want] of Object.entries(expected?.blobs ?? {})) {
    const entry = manifest.blobs[name];
    if (entry === undefined) {
      if (cp.blobs.has(name)) continue; // already reported as unlisted
      problems.push(`missing blob ${JSON.stringify(name)}`);
    } else {
      problems.push(...expectedBlobProblems(name, entry, want));
    }
  }
  return [...new Set(problems)];
}

/** Throws {@link CheckpointError} listing every problem {@link validateCheckpoint} finds. */
export function assertValidCheckpoint(cp: Checkpoint, expected?: ExpectedCheckpoint, context = 'invalid checkpoint'): void {
  const problems = validateCheckpoint(cp, expected);
  if (problems.length > 0) throw new CheckpointError(context, problems);
}

/**
 * Somewhere a checkpoint can be written and read back: a directory (`@tfrl/core/node`),
 * IndexedDB, memory … `read` validates before returning.
 */
export interface CheckpointStore {
  write(cp: Checkpoint): Promise<void>;
  read(expected?: ExpectedCheckpoint): Promise<Checkpoint>;
}

/**
 * A {@link CheckpointStore} in memory, for tests and browser tabs. It keeps the manifest as
 * JSON text and copies of the blobs, so a read goes through the same parsing as a file.
 */
export function memoryCheckpointStore(): CheckpointStore {
  let stored: { manifest: string; blobs: Map<string, Uint8Array> } | undefined;
  return {
    async write(cp) {
      assertValidCheckpoint(cp, undefined, 'cannot write checkpoint');
      stored = { manifest: stringifyManifest(cp.manifest), blobs: new Map([...cp.blobs].map(([k, b]) => [k, b.slice()])) };
    },
    async read(expected) {
      if (stored === undefined) throw new Error('memoryCheckpointStore: nothing written yet');
      const cp: Checkpoint = {
        manifest: parseManifest(JSON.parse(stored.manifest)),
        blobs: new Map([...stored.blobs].map(([k, b]) => [k, b.slice()])),
      };
      assertValidCheckpoint(cp, expected);
      return cp;
    },
  };
}
