export { VERSION } from '../version.js';
export { crc32, crc32Hex } from './crc32.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  BLOB_DTYPES,
  CheckpointError,
  blobEntryProblems,
  blobNameProblem,
  blobNamesProblems,
  bytesPerElement,
  createManifest,
  parseManifest,
  stringifyManifest,
  type BlobDtype,
  type BlobEntry,
  type CheckpointManifest,
  type CreateManifestOptions,
  type JsonObject,
  type JsonValue,
} from './manifest.js';
export {
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
  type CheckpointBlob,
  type CheckpointBlobInput,
  type CheckpointStore,
  type CreateCheckpointOptions,
  type ExpectedBlob,
  type ExpectedCheckpoint,
  type NumericDtype,
  type TypedArrayOf,
} from './checkpoint.js';
export { CHECKPOINT_MANIFEST_FILE, checkpointFromFiles, checkpointToFiles } from './files.js';
export { unzipFiles, zipFiles } from './zip.js';
