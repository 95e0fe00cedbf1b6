export { writeFileAtomic } from './write-file-atomic.js';
export {
  DEFAULT_MAX_BLOB_BYTES,
  DEFAULT_MAX_MANIFEST_BYTES,
  MANIFEST_FILE,
  directoryCheckpointStore,
  loadCheckpoint,
  saveCheckpoint,
  type LoadCheckpointOptions,
} from './checkpoint-directory.js';
export { fileSink, type FileSink, type FileSinkOptions } from './file-sink.js';
export { fileSystemHandler, registerFileSystem } from './file-system-handler.js';
