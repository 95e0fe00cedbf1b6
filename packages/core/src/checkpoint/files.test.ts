import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../node/checkpoint-directory.js';
import { Rng } from '../rng.js';
import { createCheckpoint, type Checkpoint } from './checkpoint.js';
import { crc32 } from './crc32.js';
import { CHECKPOINT_MANIFEST_FILE, checkpointFromFiles, checkpointToFiles } from './files.js';
import { CheckpointError } from './manifest.js';
import { unzipFiles, zipFiles } from './zip.js';

function sample(): Checkpoint {
  return createCheckpoint({
    algorithm: 'ppo',
    config: { seed: 3, hiddenSizes: [64, 64] },
    counters: { steps: 10 },
    rngState: Rng.fromSeed(1).getState(),
    blobs: { 'policy.0': { data: Float32Array.of(1, -2, 3.5, 4), shape: [2, 2] }, replay: { bytes: Uint8Array.of(9, 8, 7) } },
  });
}

describe('checkpointToFiles / checkpointFromFiles', () => {
  it('are the files saveCheckpoint writes into an empty directory, and read back to the same checkpoint', async () => {
    const cp = sample();
    const files = checkpointToFiles(cp);
    const dir = await mkdtemp(join(tmpdir(), 'tfrl-files-'));
    try {
      await saveCheckpoint(dir, cp);
      const names = (await readdir(dir)).sort();
      expect([...files.keys()].sort()).toEqual(names);
      for (const name of names) expect(new Uint8Array(await readFile(join(dir, name)))).toEqual(files.get(name));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const back = checkpointFromFiles(files);
    expect(back.manifest).toEqual(cp.manifest);
    expect(back.blobs).toEqual(cp.blobs);
  });

  it('names a missing manifest, a missing blob file and a corrupted blob', () => {
    const files = checkpointToFiles(sample());
    const noManifest = new Map(files);
    noManifest.delete(CHECKPOINT_MANIFEST_FILE);
    expect(() => checkpointFromFiles(noManifest)).toThrow(/manifest\.json is missing/);
    const blobFile = [...files.keys()].find((name) => name.startsWith('policy.0.'))!;
    const noBlob = new Map(files);
    noBlob.delete(blobFile);
    expect(() => checkpointFromFiles(noBlob)).toThrow(CheckpointError);
    expect(() => checkpointFromFiles(noBlob)).toThrow(/blob "policy\.0": file policy\.0\.[0-9a-f]{8}\.bin is missing/);
    const corrupted = new Map(files);
    const bytes = files.get(blobFile)!.slice();
    bytes[0]! ^= 0xff;
    corrupted.set(blobFile, bytes);
    expect(() => checkpointFromFiles(corrupted)).toThrow(/checksum mismatch/);
    expect(() => checkpointFromFiles(new Map([[CHECKPOINT_MANIFEST_FILE, new TextEncoder().encode('{oops')]]))).toThrow(/not JSON/);
  });
});

describe('zipFiles / unzipFiles', () => {
  it('round-trips files, including empty ones and nested paths', async () => {
    const files = new Map([
      ['run.json', new TextEncoder().encode('{"a":1}')],
      ['checkpoint/manifest.json', new TextEncoder().encode('{}')],
      ['checkpoint/empty.bin', new Uint8Array(0)],
    ]);
    const archive = zipFiles(files);
    expect(new DataView(archive.buffer).getUint32(0, true)).toBe(0x04034b50);
    expect(await unzipFiles(archive)).toEqual(files);
  });

  it('reads deflated entries as zip tools write them', async () => {
    const data = new TextEncoder().encode('tfrl '.repeat(200));
    const archive = zipFiles(new Map([['a.txt', data]]));
    // Re-encode the one entry as deflate (method 8): sizes, method and data change.
    const packed = deflateRawSync(data);
    const name = new TextEncoder().encode('a.txt');
    const local = archive.slice(0, 30 + name.length);
    const central = archive.slice(30 + name.length + data.length, 30 + name.length + data.length + 46 + name.length);
    const l = new DataView(local.buffer);
    l.setUint16(8, 8, true);
    l.setUint32(18, packed.length, true);
    const c = new DataView(central.buffer);
    c.setUint16(10, 8, true);
    c.setUint32(20, packed.length, true);
    const end = new Uint8Array(22);
    const e = new DataView(end.buffer);
    e.setUint32(0, 0x06054b50, true);
    e.setUint16(8, 1, true);
    e.setUint16(10, 1, true);
    e.setUint32(12, central.length, true);
    e.setUint32(16, local.length + packed.length, true);
    const deflated = new Uint8Array([...local, ...packed, ...central, ...end]);
    expect(c.getUint32(16, true)).toBe(crc32(data));
    expect((await unzipFiles(deflated)).get('a.txt')).toEqual(data);
  });

  it('rejects what is not a ZIP, a damaged entry and unsafe paths', async () => {
    await expect(unzipFiles(new Uint8Array(100))).rejects.toThrow(/not a ZIP archive/);
    const archive = zipFiles(new Map([['x.bin', Uint8Array.of(1, 2, 3)]]));
    const damaged = archive.slice();
    damaged[30 + 'x.bin'.length]! ^= 0xff;
    await expect(unzipFiles(damaged)).rejects.toThrow(/x\.bin: CRC-32 or size mismatch/);
    await expect(unzipFiles(archive.slice(0, archive.length - 30))).rejects.toThrow(/not a ZIP|damaged|truncated/);
    expect(() => zipFiles(new Map([['../evil', new Uint8Array(1)]]))).toThrow(/unsafe path/);
  });
});
