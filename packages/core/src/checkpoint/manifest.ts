import * as v from 'valibot';
import type { RngState } from '../rng.js';
import { VERSION } from '../version.js';

/** Value of the manifest's `format` field. */
export const CHECKPOINT_FORMAT = 'tfrl-checkpoint' as const;

/** Newest manifest `formatVersion` this build reads and the one it writes. */
export const CHECKPOINT_FORMAT_VERSION = 1 as const;

/** Element type of a blob; `bytes` is opaque data with no shape. Blobs are little-endian. */
export type BlobDtype = 'float32' | 'int32' | 'uint8' | 'float64' | 'bytes';

/** Every {@link BlobDtype}. */
export const BLOB_DTYPES: readonly BlobDtype[] = ['float32', 'int32', 'uint8', 'float64', 'bytes'];

/** Bytes per element of `dtype` (1 for `bytes`). */
export function bytesPerElement(dtype: BlobDtype): number {
  return dtype === 'float64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : 1;
}

/** A value JSON can hold exactly (finite numbers only). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** What the manifest records about one binary blob. */
export interface BlobEntry {
  /** Size of the blob in bytes. */
  byteLength: number;
  /** Element type; omitted for data of unknown layout. */
  dtype?: BlobDtype;
  /** Shape of the array the blob holds (needs a numeric dtype); `[]` is a scalar. */
  shape?: number[];
  /** CRC-32 (zlib) of the blob as 8 lowercase hex digits; checked on load when present. */
  crc32?: string;
  /**
   * File holding the blob in a checkpoint directory: `<name>.<crc32>.bin` or
   * `<name>.<crc32>-<k>.bin` (see `saveCheckpoint`). Absent in manifests written before
   * it existed, which store the blob as `<name>.bin`.
   */
  file?: string;
}

/**
 * The JSON half of a checkpoint: what was trained, with which settings, how far, and the
 * list of binary blobs (weights, optimizer slots, buffers) stored beside it.
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: typeof CHECKPOINT_FORMAT_VERSION;
  /** Library that wrote the checkpoint. */
  library: { name: string; version: string };
  /** Algorithm id, e.g. `'dqn'`, `'ppo'`. */
  algorithm: string;
  /** The algorithm's config as plain JSON. */
  config: JsonObject;
  /** Progress counters, e.g. `{ steps: 50000, updates: 12000, episodes: 310 }`. */
  counters: Record<string, number>;
  /** State of the run's seeded Rng, so that a resumed run draws the same numbers. */
  rngState: RngState;
  /** When the checkpoint was made, ISO 8601. */
  createdAt: string;
  blobs: Record<string, BlobEntry>;
  /** Anything else as JSON (observation normaliser statistics, space descriptions …). */
  extra?: JsonObject;
}

/** A checkpoint that cannot be written or read; `problems` lists every issue found. */
export class CheckpointError extends Error {
  readonly problems: readonly string[];

  constructor(context: string, problems: readonly string[]) {
    super(`${context}: ${problems.join('; ')}`);
    this.name = 'CheckpointError';
    this.problems = problems;
  }
}

const BLOB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MAX_BLOB_NAME_LENGTH = 200;

/**
 * Why `name` cannot name a blob, or undefined when it can. Names become file names
 * (`<name>.<crc32>.bin`), so only `[A-Za-z0-9_.-]`, no leading dot, no `..`, at most 200 characters.
 */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'blob name is empty';
  if (name.length > MAX_BLOB_NAME_LENGTH) {
    return `blob name ${JSON.stringify(name.slice(0, 20))}… is longer than ${MAX_BLOB_NAME_LENGTH} characters`;
  }
  if (name.includes('..') || !BLOB_NAME.test(name)) {
    return `blob name ${JSON.stringify(name)} is not allowed (use letters, digits, '_', '-', '.'; no path separators, no leading '.', no '..')`;
  }
  return undefined;
}

/**
 * Problems with a set of blob names: invalid names, and names that differ only in case
 * (they would overwrite each other on case-insensitive file systems).
 */
export function blobNamesProblems(names: Iterable<string>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const problem = blobNameProblem(name);
    if (problem !== undefined) problems.push(problem);
    const folded = name.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) {
      problems.push(`blob names ${JSON.stringify(other)} and ${JSON.stringify(name)} differ only in case`);
    } else {
      seen.set(folded, name);
    }
  }
  return problems;
}

// What may follow the blob name in its file name: `.bin`, `.<crc32>.bin` or `.<crc32>-<k>.bin`.
const BLOB_FILE_SUFFIX = /^\.(?:[0-9a-f]{8}(?:-[1-9][0-9]{0,8})?\.)?bin$/;

/**
 * Problems of one blob entry on its own: byteLength against dtype and shape, and a `file`
 * that is not the blob's name followed by `.bin`, `.<crc32>.bin` or `.<crc32>-<k>.bin`.
 */
export function blobEntryProblems(name: string, entry: BlobEntry): string[] {
  const label = `blob ${JSON.stringify(name)}`;
  const problems: string[] = [];
  const { file } = entry;
  // The file becomes a path: a valid blob name plus one of these suffixes stays inside the directory.
  if (file !== undefined && !(file.startsWith(name) && BLOB_FILE_SUFFIX.test(file.slice(name.length)))) {
    problems.push(`${label}: file ${JSON.stringify(file)} is not allowed (expected ${name}.<crc32>.bin)`);
  }
  const layout = blobLayoutProblem(entry);
  if (layout !== undefined) problems.push(`${label}: ${layout}`);
  return problems;
}

function blobLayoutProblem({ byteLength, dtype, shape }: BlobEntry): string | undefined {
  if (shape !== undefined && (dtype === undefined || dtype === 'bytes')) {
    return `a shape needs a numeric dtype, got ${dtype ?? 'none'}`;
  }
  if (dtype === undefined || dtype === 'bytes') return undefined;
  const size = bytesPerElement(dtype);
  if (shape !== undefined) {
    const expected = shape.reduce((a, b) => a * b, 1) * size;
    if (expected !== byteLength) {
      return `byteLength ${byteLength} does not match ${dtype} shape [${shape.join(',')}] (${expected} bytes)`;
    }
  } else if (byteLength % size !== 0) {
    return `byteLength ${byteLength} is not a multiple of ${size} (${dtype})`;
  }
  return undefined;
}

/** Path of the first value in `value` that JSON cannot hold exactly, or undefined. */
function nonJsonPath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonJsonPath(value[i], `${path}[${i}]`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const bad = nonJsonPath(item, `${path}.${key}`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return `${path} is a ${kind}`;
}

const finiteNumber = v.pipe(v.number(), v.finite('expected a finite number'));
const nonNegativeInteger = v.pipe(
  v.number(),
  v.integer('expected an integer'),
  v.minValue(0, 'expected a non-negative integer'),
);

const blobEntrySchema = v.object({
  byteLength: nonNegativeInteger,
  dtype: v.optional(v.picklist(BLOB_DTYPES)),
  shape: v.optional(v.array(nonNegativeInteger)),
  crc32: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{8}$/, 'expected 8 lowercase hex digits'))),
  file: v.optional(v.string()),
});

const jsonObjectSchema = v.custom<JsonObject>(
  (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
  'expected a JSON object',
);

const manifestSchema = v.object({
  format: v.literal(CHECKPOINT_FORMAT),
  formatVersion: v.literal(CHECKPOINT_FORMAT_VERSION),
  library: v.object({ name: v.string(), version: v.string() }),
  algorithm: v.pipe(v.string(), v.minLength(1, 'expected a non-empty string')),
  config: jsonObjectSchema,
  counters: v.record(v.string(), finiteNumber),
  rngState: v.object({
    algorithm: v.literal('xoroshiro128plus'),
    words: v.pipe(
      v.array(v.pipe(v.number(), v.integer('expected integer words'))),
      v.length(4, 'expected 4 words'),
    ),
    spareNormal: v.nullable(finiteNumber),
  }),
  createdAt: v.pipe(v.string(), v.isoTimestamp('expected an ISO 8601 timestamp')),
  blobs: v.record(v.string(), blobEntrySchema),
  extra: v.optional(jsonObjectSchema),
});

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  const field = path ?? '(root)';
  if (issue.received === 'undefined' && issue.expected !== null && issue.kind === 'schema' && path !== null) {
    return `missing field ${field}`;
  }
  if (issue.kind === 'validation' || issue.type === 'custom') return `field ${field}: ${issue.message}`;
  return `field ${field}: expected ${issue.expected ?? 'another value'}, received ${issue.received}`;
}

const CONTEXT = 'checkpoint manifest';

/**
 * Checks a parsed `manifest.json` and returns it typed. Throws {@link CheckpointError}
 * naming every problem, e.g. `checkpoint manifest: missing field algorithm` or
 * `checkpoint manifest: formatVersion 2 is newer than this library supports (1)`.
 * Unknown fields are dropped. Pass the result of `JSON.parse`; nothing is evaluated.
 */
export function parseManifest(json: unknown): CheckpointManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const hint = typeof json === 'string' ? ' (pass the result of JSON.parse, not the text)' : '';
    throw new CheckpointError(CONTEXT, [`expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}${hint}`]);
  }
  const { format, formatVersion } = json as { format?: unknown; formatVersion?: unknown };
  // Format and version first: a newer manifest may differ in every other field.
  if (format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(CONTEXT, [
      format === undefined
        ? 'missing field format (not a tfrl checkpoint?)'
        : `format is ${JSON.stringify(format)}, expected "${CHECKPOINT_FORMAT}"`,
    ]);
  }
  if (formatVersion === undefined) throw new CheckpointError(CONTEXT, ['missing field formatVersion']);
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    throw new CheckpointError(CONTEXT, [`formatVersion ${JSON.stringify(formatVersion)} is not a valid version`]);
  }
  if (formatVersion > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(CONTEXT, [
      `formatVersion ${formatVersion} is newer than this library supports (${CHECKPOINT_FORMAT_VERSION}); upgrade @tfrl/core`,
    ]);
  }
  const result = v.safeParse(manifestSchema, json);
  if (!result.success) throw new CheckpointError(CONTEXT, result.issues.map(describeIssue));
  const manifest = result.output as CheckpointManifest;
  const problems = manifestProblems(manifest);
  if (problems.length > 0) throw new CheckpointError(CONTEXT, problems);
  return manifest;
}

/** Problems `parseManifest` checks beyond field types: JSON-ness, blob names and sizes. */
function manifestProblems(manifest: CheckpointManifest): string[] {
  const problems: string[] = [];
  for (const field of ['config', 'extra'] as const) {
    const bad = manifest[field] === undefined ? undefined : nonJsonPath(manifest[field], field);
    if (bad !== undefined) problems.push(`${bad}, which JSON cannot hold`);
  }
  problems.push(...blobNamesProblems(Object.keys(manifest.blobs)));
  for (const [name, entry] of Object.entries(manifest.blobs)) problems.push(...blobEntryProblems(name, entry));
  return problems;
}

/** Options of {@link createManifest}. */
export interface CreateManifestOptions {
  algorithm: string;
  config?: JsonObject;
  counters?: Record<string, number>;
  rngState: RngState;
  blobs?: Record<string, BlobEntry>;
  extra?: JsonObject;
  /** Defaults to now. */
  createdAt?: Date | string;
}

/**
 * A manifest for the current format and library version. Throws {@link CheckpointError}
 * when the result would not survive `JSON.stringify` + {@link parseManifest} unchanged
 * (NaN in the config, a typed array in `extra`, a bad blob name …).
 */
export function createManifest(options: CreateManifestOptions): CheckpointManifest {
  const createdAt = options.createdAt ?? new Date();
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    library: { name: '@tfrl/core', version: VERSION },
    algorithm: options.algorithm,
    config: options.config ?? {},
    counters: options.counters ?? {},
    rngState: {
      algorithm: options.rngState.algorithm,
      words: [...options.rngState.words],
      spareNormal: options.rngState.spareNormal,
    },
    createdAt: typeof createdAt === 'string' ? createdAt : createdAt.toISOString(),
    blobs: options.blobs ?? {},
  };
  if (options.extra !== undefined) manifest.extra = options.extra;
  // Round-trip through the reader so that whatever we write is readable.
  const result = v.safeParse(manifestSchema, manifest);
  const problems = result.success ? manifestProblems(manifest) : result.issues.map(describeIssue);
  if (problems.length > 0) throw new CheckpointError('cannot create checkpoint manifest', problems);
  return manifest;
}

/** The manifest as the JSON text `manifest.json` holds (2-space indent, final newline). */
export function stringifyManifest(manifest: CheckpointManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
