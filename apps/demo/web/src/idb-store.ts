import { parseManifest, stringifyManifest, assertValidCheckpoint, type Checkpoint, type CheckpointStore, type JsonValue } from '@tfrl/core';

const DATABASE = 'tfrl';
const STORE = 'agents';

interface Stored {
  manifest: string;
  blobs: [string, Uint8Array][];
  /** The session that trained the agent (env, algorithm, seed, config). */
  spec: JsonValue;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB: cannot open the database'));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      // Resolve on commit, not on the request: a write counts once it is durable.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB: transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB: transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/**
 * A checkpoint store in the browser's IndexedDB under `name`: one record holding the manifest,
 * the blobs and the session spec, written in one transaction (all or nothing).
 */
export function indexedDbCheckpointStore(name: string, spec: () => JsonValue = () => null): CheckpointStore & { spec(): Promise<JsonValue> } {
  return {
    async write(cp: Checkpoint) {
      assertValidCheckpoint(cp, undefined, 'cannot write checkpoint');
      const record: Stored = { manifest: stringifyManifest(cp.manifest), blobs: [...cp.blobs], spec: spec() };
      await transact('readwrite', (store) => store.put(record, name));
    },
    async read(expected) {
      const record = (await transact('readonly', (store) => store.get(name))) as Stored | undefined;
      if (record === undefined) throw new Error(`no agent saved as '${name}' in this browser`);
      const cp: Checkpoint = { manifest: parseManifest(JSON.parse(record.manifest)), blobs: new Map(record.blobs) };
      assertValidCheckpoint(cp, expected, `agent '${name}' in IndexedDB`);
      return cp;
    },
    async spec() {
      const record = (await transact('readonly', (store) => store.get(name))) as Stored | undefined;
      if (record === undefined) throw new Error(`no agent saved as '${name}' in this browser`);
      return record.spec;
    },
  };
}
