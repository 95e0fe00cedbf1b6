import { crc32 } from '@tfrl/core';

/** Typed arrays a snapshot can hold. */
export type SnapshotArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array;

type Dtype = 'float32' | 'float64' | 'int32' | 'uint32' | 'uint8' | 'int8';

const CONSTRUCTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
  int8: Int8Array,
} as const;

/** What a buffer puts in a snapshot: its kind, its spec (compared on restore), counters and arrays. */
export interface SnapshotContent {
  kind: string;
  /** JSON description of the buffer's layout; restore refuses a snapshot whose spec differs. */
  spec: unknown;
  /** Scalars: size, write position, step counts … */
  counters: Record<string, number>;
  /** Extra JSON state (e.g. an RNG state, pending n-step windows). */
  extra?: unknown;
  arrays: Record<string, SnapshotArray>;
}

interface Header {
  format: 'tfrl-replay-snapshot';
  version: 1;
  kind: string;
  spec: unknown;
  counters: Record<string, number>;
  extra?: unknown;
  arrays: { name: string; dtype: Dtype; length: number; offset: number; crc32: number }[];
}

const MAGIC = 'TFRLSNAP';
const VERSION = 1;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function dtypeOf(array: SnapshotArray): Dtype {
  for (const [dtype, ctor] of Object.entries(CONSTRUCTORS)) if (array instanceof ctor) return dtype as Dtype;
  throw new TypeError('snapshot: unsupported array type');
}

function bytesOf(array: SnapshotArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Encodes a buffer's state as bytes: magic "TFRLSNAP", u32 version, u32 header length, the JSON
 * header (kind, spec, counters, array table with CRC-32s), then each array 8-byte aligned.
 * Little-endian, as every platform tfrl runs on.
 */
export function encodeSnapshot(content: SnapshotContent): Uint8Array {
  const arrays: Header['arrays'] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(content.arrays)) {
    arrays.push({ name, dtype: dtypeOf(array), length: array.length, offset, crc32: crc32(bytesOf(array)) });
    offset = align8(offset + array.byteLength);
  }
  const header: Header = {
    format: 'tfrl-replay-snapshot',
    version: VERSION,
    kind: content.kind,
    spec: content.spec,
    counters: content.counters,
    ...(content.extra === undefined ? {} : { extra: content.extra }),
    arrays,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(16 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  for (const entry of arrays) out.set(bytesOf(content.arrays[entry.name]!), dataStart + entry.offset);
  return out;
}

/**
 * Decodes bytes from {@link encodeSnapshot} for a buffer of `kind` whose spec is `spec`. Throws a
 * clear Error for anything else: not a snapshot, a newer format, another kind of buffer, a
 * different spec, truncated or corrupted data. Arrays are copies, never views of `bytes`.
 */
export function decodeSnapshot(bytes: Uint8Array, kind: string, spec: unknown): SnapshotContent {
  const fail = (why: string): never => {
    throw new Error(`${kind}.restore: ${why}`);
  };
  if (!(bytes instanceof Uint8Array) || bytes.length < 16) fail('not a replay snapshot (too short)');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('not a replay snapshot (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) fail(`snapshot format version ${version} is not supported (this library reads ${VERSION})`);
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) fail('snapshot is truncated (header)');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as Header;
  } catch {
    return fail('snapshot header is not valid JSON');
  }
  if (header.format !== 'tfrl-replay-snapshot' || !Array.isArray(header.arrays)) fail('snapshot header is malformed');
  if (header.kind !== kind) fail(`snapshot is of a ${header.kind}, not a ${kind}`);
  const expected = JSON.stringify(spec);
  const got = JSON.stringify(header.spec);
  if (expected !== got) fail(`snapshot was taken from a buffer with another spec: ${got}; this buffer has ${expected}`);
  const dataStart = align8(16 + headerLength);
  const arrays: Record<string, SnapshotArray> = {};
  for (const entry of header.arrays) {
    const ctor = CONSTRUCTORS[entry.dtype];
    if (ctor === undefined) fail(`array ${entry.name} has unknown dtype ${String(entry.dtype)}`);
    const start = dataStart + entry.offset;
    const byteLength = entry.length * ctor.BYTES_PER_ELEMENT;
    if (!Number.isInteger(entry.length) || entry.length < 0 || start + byteLength > bytes.length) {
      fail(`snapshot is truncated (array ${entry.name})`);
    }
    const copy = bytes.slice(start, start + byteLength);
    if (crc32(copy) !== entry.crc32) fail(`array ${entry.name} is corrupted (checksum mismatch)`);
    arrays[entry.name] = new ctor(copy.buffer, 0, entry.length);
  }
  return {
    kind: header.kind,
    spec: header.spec,
    counters: header.counters,
    ...(header.extra === undefined ? {} : { extra: header.extra }),
    arrays,
  };
}

/**
 * Array `name` of decoded snapshot `arrays` if it is a `ctor` of `length` elements (any length
 * when omitted); otherwise throws `${kind}.restore: array ${name} is missing or has the wrong type or length`.
 */
export function snapshotArray<T extends SnapshotArray>(
  kind: string,
  arrays: Readonly<Record<string, SnapshotArray>>,
  name: string,
  ctor: new (length: number) => T,
  length?: number,
): T {
  const array = arrays[name];
  if (!(array instanceof ctor) || (length !== undefined && array.length !== length)) {
    throw new Error(`${kind}.restore: array ${name} is missing or has the wrong type or length`);
  }
  return array;
}
