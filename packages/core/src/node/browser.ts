// What bundlers resolve `@tfrl/core/node` to for the browser (the "browser" export condition):
// the same names, without Node built-ins, each failing with a message that says what to use.
import type * as node from './index.js';

function unavailable(name: string): never {
  throw new Error(
    `@tfrl/core/node: ${name} needs Node.js (files and directories); in a browser save to a CheckpointStore ` +
      '(memoryCheckpointStore, IndexedDB) or use checkpointToFiles/zipFiles from @tfrl/core',
  );
}

export const DEFAULT_MAX_BLOB_BYTES: typeof node.DEFAULT_MAX_BLOB_BYTES = 2 ** 30;
export const DEFAULT_MAX_MANIFEST_BYTES: typeof node.DEFAULT_MAX_MANIFEST_BYTES = 2 ** 24;
export const MANIFEST_FILE: typeof node.MANIFEST_FILE = 'manifest.json';
export const writeFileAtomic: typeof node.writeFileAtomic = async () => unavailable('writeFileAtomic');
export const saveCheckpoint: typeof node.saveCheckpoint = async () => unavailable('saveCheckpoint');
export const loadCheckpoint: typeof node.loadCheckpoint = async () => unavailable('loadCheckpoint');
export const directoryCheckpointStore: typeof node.directoryCheckpointStore = () => unavailable('directoryCheckpointStore');
export const fileSink: typeof node.fileSink = () => unavailable('fileSink');
export const fileSystemHandler: typeof node.fileSystemHandler = () => unavailable('fileSystemHandler');
export const registerFileSystem: typeof node.registerFileSystem = () => false;
export type { FileSink, FileSinkOptions, LoadCheckpointOptions } from './index.js';
