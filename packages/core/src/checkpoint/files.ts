import { crc32Hex } from './crc32.js';
import { CheckpointError, blobEntryProblems, blobNamesProblems, parseManifest, stringifyManifest, type BlobEntry } from './manifest.js';
import { assertValidCheckpoint, checksumProblem, type Checkpoint } from './checkpoint.js';

/** Name of the manifest inside a checkpoint directory (and of its entry in {@link checkpointToFiles}). */
export const CHECKPOINT_MANIFEST_FILE = 'manifest.json';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The files of a checkpoint directory as `saveCheckpoint` (`@tfrl/core/node`) writes them into
 * an empty directory: `manifest.json` and one `<name>.<crc32>.bin` per blob. For platforms
 * without a file system (a browser download, an archive).
 */
export function checkpointToFiles(cp: Checkpoint): Map<string, Uint8Array> {
  assertValidCheckpoint(cp, undefined, 'cannot write checkpoint files');
  const files = new Map<string, Uint8Array>();
  const blobs: Record<string, BlobEntry> = {};
  for (const [name, entry] of Object.entries(cp.manifest.blobs)) {
    const bytes = cp.blobs.get(name)!;
    const file = `${name}.${crc32Hex(bytes)}.bin`;
    files.set(file, bytes);
    blobs[name] = { ...entry, file };
  }
  files.set(CHECKPOINT_MANIFEST_FILE, encoder.encode(stringifyManifest({ ...cp.manifest, blobs })));
  return files;
}

/**
 * The checkpoint in a set of files named as in a checkpoint directory (e.g. a directory the
 * user picked in a browser, or an unpacked archive). Throws {@link CheckpointError} naming a
 * missing manifest, a missing blob file, a size or checksum mismatch.
 */
export function checkpointFromFiles(files: ReadonlyMap<string, Uint8Array>): Checkpoint {
  const context = 'cannot read checkpoint files';
  const manifestBytes = files.get(CHECKPOINT_MANIFEST_FILE);
  if (manifestBytes === undefined) {
    throw new CheckpointError(context, [`${CHECKPOINT_MANIFEST_FILE} is missing (got ${[...files.keys()].join(', ') || 'no files'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(manifestBytes));
  } catch (error) {
    throw new CheckpointError(context, [`${CHECKPOINT_MANIFEST_FILE} is not JSON: ${(error as Error).message}`]);
  }
  const manifest = parseManifest(json);
  const entries = Object.entries(manifest.blobs);
  const problems = [...blobNamesProblems(entries.map(([name]) => name)), ...entries.flatMap(([name, entry]) => blobEntryProblems(name, entry))];
  const blobs = new Map<string, Uint8Array>();
  for (const [name, entry] of entries) {
    const file = entry.file ?? `${name}.bin`;
    const bytes = files.get(file);
    if (bytes === undefined) {
      problems.push(`blob ${JSON.stringify(name)}: file ${file} is missing`);
      continue;
    }
    const mismatch = checksumProblem(file, bytes, entry);
    if (mismatch !== undefined) problems.push(mismatch);
    else blobs.set(name, bytes);
  }
  if (problems.length > 0) throw new CheckpointError(context, problems);
  const cp: Checkpoint = {
    manifest: {
      ...manifest,
      blobs: Object.fromEntries(entries.map(([name, entry]) => {
        const { file: _file, ...rest } = entry;
        return [name, rest];
      })),
    },
    blobs,
  };
  assertValidCheckpoint(cp, undefined, context);
  return cp;
}
