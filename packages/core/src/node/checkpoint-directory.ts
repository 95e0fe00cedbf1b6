import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32Hex } from '../checkpoint/crc32.js';
import { CheckpointError, blobNamesProblems, parseManifest, stringifyManifest } from '../checkpoint/manifest.js';
import {
  assertValidCheckpoint,
  type Checkpoint,
  type CheckpointStore,
  type ExpectedCheckpoint,
} from '../checkpoint/checkpoint.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Name of the manifest file inside a checkpoint directory. */
export const MANIFEST_FILE = 'manifest.json';

/** Default {@link LoadCheckpointOptions.maxBytes}: 1 GiB (256 M float32 parameters). */
export const DEFAULT_MAX_BLOB_BYTES = 2 ** 30;

/** Default {@link LoadCheckpointOptions.maxManifestBytes}: 16 MiB. */
export const DEFAULT_MAX_MANIFEST_BYTES = 2 ** 24;

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Largest blob file read, in bytes; a larger one is an error before any of it is read. Default 1 GiB. */
  maxBytes?: number;
  /** Largest `manifest.json` read, in bytes. Default 16 MiB. */
  maxManifestBytes?: number;
  /** Algorithm and blobs (dtype, shape) the caller needs; a mismatch is an error. */
  expected?: ExpectedCheckpoint;
}

/**
 * Writes `cp` into directory `dir` (created if needed): each blob as `<name>.bin`, then
 * `manifest.json` last, every file atomically (temp file + rename). A crash mid-save leaves
 * the previous manifest in place; blobs it lists that were already replaced then fail their
 * checksum on load instead of loading silently wrong weights. Files of blobs the new manifest
 * no longer lists are left alone. Throws {@link CheckpointError} if `cp` is invalid.
 */
export async function saveCheckpoint(dir: string, cp: Checkpoint): Promise<void> {
  assertValidCheckpoint(cp, undefined, `cannot save checkpoint to ${dir}`);
  await mkdir(dir, { recursive: true });
  for (const name of [...cp.blobs.keys()].sort()) {
    await writeFileAtomic(join(dir, `${name}.bin`), cp.blobs.get(name)!);
  }
  await writeFileAtomic(join(dir, MANIFEST_FILE), stringifyManifest(cp.manifest));
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

/**
 * Reads the whole file at `path` if it exists and has at most `maxBytes` bytes; returns a
 * problem naming the file otherwise. `expectedSize`, when given, is checked before reading.
 */
async function readLimited(
  path: string,
  maxBytes: number,
  limitName: string,
  expectedSize?: number,
): Promise<Uint8Array | string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNotFound(error)) return `missing file ${path}`;
    throw error;
  }
  try {
    // Size from the open handle, so the file checked is the file read.
    const { size } = await handle.stat();
    if (size > maxBytes) return `${path} is ${size} bytes, over the ${limitName} limit of ${maxBytes}`;
    if (expectedSize !== undefined && size !== expectedSize) {
      return `${path} is ${size} bytes, the manifest says ${expectedSize}`;
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) return `${path} shrank while being read (${offset} of ${size} bytes)`;
      offset += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Reads the checkpoint in directory `dir`. The manifest is size-checked, parsed with
 * `JSON.parse` (never evaluated) and validated; each blob file is size-checked against the
 * limit and the manifest before it is read, then its CRC-32 verified. Throws
 * {@link CheckpointError} whose message names each offending file.
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  for (const [field, value] of [['maxBytes', maxBytes], ['maxManifestBytes', maxManifestBytes]] as const) {
    if (!(value >= 0)) throw new RangeError(`loadCheckpoint: ${field} must be >= 0, got ${value}`);
  }
  const context = `cannot load checkpoint ${dir}`;
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifestBytes = await readLimited(manifestPath, maxManifestBytes, 'maxManifestBytes');
  if (typeof manifestBytes === 'string') throw new CheckpointError(context, [manifestBytes]);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch (error) {
    throw new CheckpointError(context, [`${manifestPath} is not valid JSON (${(error as Error).message})`]);
  }
  let manifest;
  try {
    manifest = parseManifest(json);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw new CheckpointError(context, error.problems.map((p) => `${manifestPath}: ${p}`));
  }
  // parseManifest checked the names; checked again here because they become paths.
  const nameProblems = blobNamesProblems(Object.keys(manifest.blobs));
  if (nameProblems.length > 0) throw new CheckpointError(context, nameProblems);

  const problems: string[] = [];
  const blobs = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.blobs)) {
    const path = join(dir, `${name}.bin`);
    const bytes = await readLimited(path, maxBytes, 'maxBytes', entry.byteLength);
    if (typeof bytes === 'string') {
      problems.push(bytes);
      continue;
    }
    if (entry.crc32 !== undefined) {
      const actual = crc32Hex(bytes);
      if (actual !== entry.crc32) {
        problems.push(`${path}: checksum mismatch (crc32 ${actual}, manifest says ${entry.crc32})`);
        continue;
      }
    }
    blobs.set(name, bytes);
  }
  if (problems.length > 0) throw new CheckpointError(context, problems);
  const cp: Checkpoint = { manifest, blobs };
  assertValidCheckpoint(cp, options.expected, context);
  return cp;
}

/** A {@link CheckpointStore} backed by directory `dir` ({@link saveCheckpoint} / {@link loadCheckpoint}). */
export function directoryCheckpointStore(
  dir: string,
  options: Omit<LoadCheckpointOptions, 'expected'> = {},
): CheckpointStore {
  return {
    write: (cp) => saveCheckpoint(dir, cp),
    read: (expected) => loadCheckpoint(dir, expected === undefined ? options : { ...options, expected }),
  };
}
