import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TextSink } from '../training/metrics-logger.js';

/** Options of {@link fileSink}. */
export interface FileSinkOptions {
  /** Add to the end of an existing file (resuming a run) instead of replacing it. Default false. */
  append?: boolean;
}

/** A {@link TextSink} writing to a file; `close` is required to release the handle. */
export interface FileSink extends TextSink {
  write(text: string): Promise<void>;
  /** Waits for pending writes, fsyncs and closes the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * A text sink for {@link JsonlLogger} / {@link CsvLogger} in Node. The file (and its folder)
 * is created on the first write; without `append` an existing file is truncated then. Writes
 * are applied in call order; text written while a write is in flight is joined into one
 * write, so logging every step costs one system call per round trip, not per line. The
 * promise of `write` resolves when its text has been handed to the OS.
 */
export function fileSink(path: string, options: FileSinkOptions = {}): FileSink {
  let handle: Promise<FileHandle> | undefined;
  let queued = '';
  let batch: Promise<void> | undefined; // the write that will carry `queued`
  let tail: Promise<void> = Promise.resolve(); // settles after the last started write
  let failure: { error: unknown } | undefined;
  let closed = false;

  const getHandle = (): Promise<FileHandle> => {
    handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, options.append ? 'a' : 'w'));
    return handle;
  };

  const writeAll = async (text: string): Promise<void> => {
    const file = await getHandle();
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  };

  return {
    write(text: string): Promise<void> {
      if (closed) return Promise.reject(new Error(`fileSink ${path}: write after close`));
      if (failure !== undefined) return Promise.reject(failure.error);
      queued += text;
      if (batch === undefined) {
        batch = tail.then(async () => {
          const chunk = queued;
          queued = '';
          batch = undefined; // later text starts the next batch
          if (failure !== undefined) throw failure.error;
          try {
            await writeAll(chunk);
          } catch (error) {
            failure ??= { error };
            throw error;
          }
        });
        tail = batch.catch(() => undefined);
      }
      return batch;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await tail;
      if (handle === undefined) return;
      const file = await handle;
      try {
        await file.sync();
      } finally {
        await file.close();
      }
      if (failure !== undefined) throw failure.error;
    },
  };
}
