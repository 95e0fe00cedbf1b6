import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvLogger, JsonlLogger } from '../training/metrics-logger.js';
import { fileSink } from './file-sink.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfrl-sink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileSink', () => {
  it('creates the file and its folder on the first write, in call order', async () => {
    const path = join(dir, 'logs', 'run.txt');
    const sink = fileSink(path);
    const pending = Array.from({ length: 500 }, (_, i) => sink.write(`line ${i} ünïcødé\n`));
    await Promise.all(pending);
    await sink.close();
    const expected = Array.from({ length: 500 }, (_, i) => `line ${i} ünïcødé\n`).join('');
    expect(await readFile(path, 'utf8')).toBe(expected);
  });

  it('joins text written while a write is in flight', async () => {
    const path = join(dir, 'batch.txt');
    const sink = fileSink(path);
    const first = sink.write('a');
    await Promise.resolve(); // the write of 'a' is now in flight
    const second = sink.write('b');
    const third = sink.write('c');
    expect(second).not.toBe(first);
    expect(second).toBe(third); // b and c travel in one write
    await Promise.all([first, second, third]);
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe('abc');
  });

  it('replaces an existing file by default and appends with append: true', async () => {
    const path = join(dir, 'log.txt');
    await writeFile(path, 'old\n');
    const replace = fileSink(path);
    await replace.write('new\n');
    await replace.close();
    expect(await readFile(path, 'utf8')).toBe('new\n');
    const append = fileSink(path, { append: true });
    await append.write('more\n');
    await append.close();
    expect(await readFile(path, 'utf8')).toBe('new\nmore\n');
  });

  it('does not create the file when nothing was written; close is idempotent', async () => {
    const path = join(dir, 'never.txt');
    const sink = fileSink(path);
    await sink.close();
    await sink.close();
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
    await expect(sink.write('late')).rejects.toThrow('write after close');
  });

  it('reports a failed open on that write, later writes and close', async () => {
    const path = join(dir, 'folder');
    await mkdir(path); // opening a folder for writing fails
    const sink = fileSink(path);
    await expect(sink.write('x')).rejects.toThrow(/EISDIR/);
    await expect(sink.write('y')).rejects.toThrow(/EISDIR/);
    await expect(sink.close()).rejects.toThrow(/EISDIR/);
  });

  it('fails writes queued behind a failed one', async () => {
    const sink = fileSink(join(dir, 'folder'));
    await mkdir(join(dir, 'folder'));
    const first = sink.write('x');
    await Promise.resolve();
    const second = sink.write('y'); // queued behind the in-flight first write
    expect(second).not.toBe(first);
    await expect(first).rejects.toThrow(/EISDIR/);
    await expect(second).rejects.toThrow(/EISDIR/);
  });

  it('feeds JSONL and CSV loggers', async () => {
    const jsonl = new JsonlLogger(fileSink(join(dir, 'metrics.jsonl')));
    const csv = new CsvLogger(fileSink(join(dir, 'metrics.csv')), { bufferRows: 0 });
    for (const [step, loss] of [[1, 0.5], [2, 0.25]] as const) {
      jsonl.log(step, { loss });
      csv.log(step, { loss });
    }
    await Promise.all([jsonl.close(), csv.close()]);
    expect(await readFile(join(dir, 'metrics.jsonl'), 'utf8')).toBe('{"step":1,"loss":0.5}\n{"step":2,"loss":0.25}\n');
    expect(await readFile(join(dir, 'metrics.csv'), 'utf8')).toBe('step,loss\n1,0.5\n2,0.25\n');
  });
});
