import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32Hex } from '../checkpoint/crc32.js';
import {
  CheckpointError,
  blobEntryProblems,
  blobNameProblem,
  blobNamesProblems,
  parseManifest,
  stringifyManifest,
  type BlobEntry,
  type CheckpointManifest,
} from '../checkpoint/manifest.js';
import {
  assertValidCheckpoint,
  checksumProblem,
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

// A blob file saveCheckpoint writes: `<name>.<crc32>.bin`, or `<name>.<crc32>-<k>.bin` when that name is taken.
const BLOB_FILE = /^(.+)\.[0-9a-f]{8}(?:-[1-9][0-9]{0,8})?\.bin$/;

/** The file holding blob `name`: the manifest's `file`, or `<name>.bin` in manifests from before it. */
function blobFile(name: string, entry: BlobEntry): string {
  return entry.file ?? `${name}.bin`;
}

/**
 * Writes `cp` into directory `dir` (created if needed) so that at every instant `dir` holds
 * either the complete previous checkpoint or the complete new one:
 *
 * 1. each blob goes to a file named after its content, `<name>.<crc32>.bin`, or
 *    `<name>.<crc32>-<k>.bin` when a file of that name already exists (or is listed), so
 *    no file the previous manifest lists is ever replaced;
 * 2. `manifest.json`, listing those files, replaces the previous one: the commit point;
 * 3. blob files the new manifest does not list are deleted, best effort: files named like
 *    step 1's, and the `<name>.bin` files of a previous manifest in the older layout (only
 *    that manifest says they are blobs: a crash before this step leaves them for good).
 *    Other files in `dir` are left alone.
 *
 * Every file is written atomically (temp file, fsync, rename) and the directory is synced
 * before and after the commit. A save that fails part-way leaves the previous checkpoint
 * loadable, plus new blob files that the next save deletes. Throws {@link CheckpointError}
 * if `cp` is invalid.
 */
export async function saveCheckpoint(dir: string, cp: Checkpoint): Promise<void> {
  assertValidCheckpoint(cp, undefined, `cannot save checkpoint to ${dir}`);
  await mkdir(dir, { recursive: true });
  const previousFiles = listedFiles(await readPreviousManifest(dir));
  // Never write over an existing file, nor one the previous manifest lists. Lower case: two
  // names that differ only in case are one file on some file systems.
  const taken = new Set([...(await readdir(dir)), ...previousFiles].map((file) => file.toLowerCase()));
  const blobs: Record<string, BlobEntry> = {};
  for (const [name, entry] of Object.entries(cp.manifest.blobs)) {
    const bytes = cp.blobs.get(name)!;
    const file = unusedBlobFile(name, crc32Hex(bytes), taken);
    taken.add(file.toLowerCase());
    await writeFileAtomic(join(dir, file), bytes);
    blobs[name] = { ...entry, file };
  }
  await syncDirectory(dir); // the blobs are on disk before the manifest that lists them
  await writeFileAtomic(join(dir, MANIFEST_FILE), stringifyManifest({ ...cp.manifest, blobs }));
  await syncDirectory(dir); // the new manifest is on disk before the old blobs go
  await removeUnlistedBlobFiles(dir, listedFiles({ blobs }), previousFiles);
}

function unusedBlobFile(name: string, crc: string, taken: ReadonlySet<string>): string {
  for (let k = 0; ; k++) {
    const file = k === 0 ? `${name}.${crc}.bin` : `${name}.${crc}-${k}.bin`;
    if (!taken.has(file.toLowerCase())) return file;
  }
}

/** The manifest now in `dir`, or undefined when there is none or it cannot be read. */
async function readPreviousManifest(dir: string): Promise<CheckpointManifest | undefined> {
  try {
    return await readManifest(dir, Infinity, 'previous checkpoint');
  } catch {
    return undefined;
  }
}

/** Best effort: makes renames in `dir` durable. Not every platform can open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; its renames are as durable as they get.
  } finally {
    await handle?.close();
  }
}

/** The blob files `manifest` lists. */
function listedFiles(manifest: Pick<CheckpointManifest, 'blobs'> | undefined): string[] {
  return Object.entries(manifest?.blobs ?? {}).map(([name, entry]) => blobFile(name, entry));
}

/**
 * Deletes the blob files in `dir` other than `keep`: files named as saveCheckpoint names them,
 * and `previousFiles` (which may be `<name>.bin`). A failure only leaves a file behind.
 */
async function removeUnlistedBlobFiles(dir: string, keep: readonly string[], previousFiles: readonly string[]): Promise<void> {
  const kept = new Set(keep.map((file) => file.toLowerCase()));
  const candidates = new Set(previousFiles);
  try {
    for (const file of await readdir(dir)) {
      const name = BLOB_FILE.exec(file)?.[1];
      if (name !== undefined && blobNameProblem(name) === undefined) candidates.add(file);
    }
  } catch {
    // Listing failed: delete only what the previous manifest listed.
  }
  for (const file of candidates) {
    if (kept.has(file.toLowerCase())) continue;
    try {
      await unlink(join(dir, file));
    } catch {
      // Already gone, or not deletable: a leftover file, not a broken checkpoint.
    }
  }
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

/** Reads, parses and validates `manifest.json` in `dir`; throws {@link CheckpointError} naming the file. */
async function readManifest(dir: string, maxManifestBytes: number, context: string): Promise<CheckpointManifest> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifestBytes = await readLimited(manifestPath, maxManifestBytes, 'maxManifestBytes');
  if (typeof manifestBytes === 'string') throw new CheckpointError(context, [manifestBytes]);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch (error) {
    throw new CheckpointError(context, [`${manifestPath} is not valid JSON (${(error as Error).message})`]);
  }
  try {
    return parseManifest(json);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw new CheckpointError(context, error.problems.map((p) => `${manifestPath}: ${p}`));
  }
}

function withoutFile(entry: BlobEntry): BlobEntry {
  const copy = { ...entry };
  delete copy.file;
  return copy;
}

/**
 * Reads the checkpoint in directory `dir`. The manifest is size-checked, parsed with
 * `JSON.parse` (never evaluated) and validated; each blob file it lists (`<name>.bin` for
 * manifests without `file` entries) is size-checked against the limit and the manifest before
 * it is read, then its CRC-32 verified. The result's blob entries carry no `file`: where the
 * blobs lay is the directory's business, so a loaded checkpoint equals the one saved. Throws
 * {@link CheckpointError} whose message names each offending file.
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  for (const [field, value] of [['maxBytes', maxBytes], ['maxManifestBytes', maxManifestBytes]] as const) {
    if (!(value >= 0)) throw new RangeError(`loadCheckpoint: ${field} must be >= 0, got ${value}`);
  }
  const context = `cannot load checkpoint ${dir}`;
  const manifest = await readManifest(dir, maxManifestBytes, context);
  const entries = Object.entries(manifest.blobs);
  // parseManifest checked names and files; checked again here because they become paths.
  const pathProblems = [
    ...blobNamesProblems(entries.map(([name]) => name)),
    ...entries.flatMap(([name, entry]) => blobEntryProblems(name, entry)),
  ];
  if (pathProblems.length > 0) throw new CheckpointError(context, pathProblems);

  const problems: string[] = [];
  const blobs = new Map<string, Uint8Array>();
  for (const [name, entry] of entries) {
    const path = join(dir, blobFile(name, entry));
    const bytes = await readLimited(path, maxBytes, 'maxBytes', entry.byteLength);
    if (typeof bytes === 'string') {
      problems.push(bytes);
      continue;
    }
    const mismatch = checksumProblem(path, bytes, entry);
    if (mismatch !== undefined) problems.push(mismatch);
    else blobs.set(name, bytes);
  }
  if (problems.length > 0) throw new CheckpointError(context, problems);
  const cp: Checkpoint = {
    manifest: { ...manifest, blobs: Object.fromEntries(entries.map(([name, entry]) => [name, withoutFile(entry)])) },
    blobs,
  };
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
