import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { CheckpointError, stringifyManifest } from '../checkpoint/manifest.js';
import { Rng } from '../rng.js';

// Records the order of atomic writes and can make one of them fail.
const writes = vi.hoisted(() => ({ paths: [] as string[], failOn: undefined as string | undefined }));
vi.mock('./write-file-atomic.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./write-file-atomic.js')>();
  return {
    writeFileAtomic: async (path: string, data: Uint8Array | string) => {
      writes.paths.push(path);
      if (writes.failOn !== undefined && path.endsWith(writes.failOn)) throw new Error(`simulated crash writing ${path}`);
      return original.writeFileAtomic(path, data);
    },
  };
});

const { directoryCheckpointStore, loadCheckpoint, saveCheckpoint, MANIFEST_FILE } = await import('./checkpoint-directory.js');

const rngState = Rng.fromSeed(3).getState();

function sample(kernel = [1, 2, 3, 4, 5, 6]): Checkpoint {
  return createCheckpoint({
    algorithm: 'dqn',
    config: { gamma: 0.99 },
    counters: { steps: 10 },
    rngState,
    createdAt: '2024-01-01T00:00:00.000Z',
    blobs: {
      kernel: { data: new Float32Array(kernel), shape: [2, 3] },
      bias: new Float64Array([0.5, -1]),
    },
  });
}

async function loadError(dir: string, options?: Parameters<typeof loadCheckpoint>[1]): Promise<CheckpointError> {
  try {
    await loadCheckpoint(dir, options);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected loadCheckpoint to fail');
}

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfrl-ckpt-'));
  dir = join(root, 'ckpt');
  writes.paths = [];
  writes.failOn = undefined;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips manifest and blobs, writing the manifest last', async () => {
    const cp = sample();
    await saveCheckpoint(dir, cp);
    expect((await readdir(dir)).sort()).toEqual(['bias.bin', 'kernel.bin', 'manifest.json']);
    expect(writes.paths).toEqual([join(dir, 'bias.bin'), join(dir, 'kernel.bin'), join(dir, MANIFEST_FILE)]);
    expect(await readFile(join(dir, MANIFEST_FILE), 'utf8')).toBe(stringifyManifest(cp.manifest));
    const back = await loadCheckpoint(dir, { expected: { algorithm: 'dqn', blobs: { kernel: { dtype: 'float32', shape: [2, 3] } } } });
    expect(back).toEqual(cp);
  });

  it('refuses to save an invalid checkpoint', async () => {
    const cp = sample();
    cp.blobs.delete('bias');
    await expect(saveCheckpoint(dir, cp)).rejects.toThrow(`cannot save checkpoint to ${dir}: missing blob "bias"`);
    await expect(readdir(dir)).rejects.toThrow(); // nothing created
  });

  it('keeps the previous checkpoint loadable when a save fails before the manifest', async () => {
    await saveCheckpoint(dir, sample());
    // New blob "a" sorts first; its target path is taken by a folder, so the save fails at once.
    await mkdir(join(dir, 'a.bin', 'occupied'), { recursive: true });
    const next = createCheckpoint({ algorithm: 'dqn', rngState, blobs: { a: new Uint8Array(1), kernel: new Float32Array(6) } });
    await expect(saveCheckpoint(dir, next)).rejects.toThrow();
    expect(await loadCheckpoint(dir)).toEqual(sample());
  });

  it('detects blobs replaced by a save that crashed before its manifest', async () => {
    await saveCheckpoint(dir, sample());
    writes.failOn = MANIFEST_FILE;
    await expect(saveCheckpoint(dir, sample([9, 9, 9, 9, 9, 9]))).rejects.toThrow('simulated crash');
    const error = await loadError(dir);
    expect(error.problems).toEqual([expect.stringMatching(/kernel\.bin: checksum mismatch \(crc32 [0-9a-f]{8}, manifest says [0-9a-f]{8}\)$/)]);
    expect(error.message).toContain(join(dir, 'kernel.bin'));
  });

  it('reports a missing directory or manifest', async () => {
    expect((await loadError(dir)).message).toBe(`cannot load checkpoint ${dir}: missing file ${join(dir, MANIFEST_FILE)}`);
  });

  it('reports corrupt JSON and invalid UTF-8 naming the file', async () => {
    await saveCheckpoint(dir, sample());
    await writeFile(join(dir, MANIFEST_FILE), '{"format": "tfrl-checkpoint",');
    expect((await loadError(dir)).message).toMatch(new RegExp(`${MANIFEST_FILE} is not valid JSON \\(`));
    await writeFile(join(dir, MANIFEST_FILE), new Uint8Array([0x7b, 0xff, 0x7d]));
    expect((await loadError(dir)).message).toContain('is not valid JSON');
  });

  it('reports a manifest from a newer format version', async () => {
    await saveCheckpoint(dir, sample());
    const json = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ ...json, formatVersion: 2 }));
    expect((await loadError(dir)).message).toBe(
      `cannot load checkpoint ${dir}: ${join(dir, MANIFEST_FILE)}: formatVersion 2 is newer than this library supports (1); upgrade @tfrl/core`,
    );
  });

  it('never follows a blob name out of the directory', async () => {
    await saveCheckpoint(dir, sample());
    await writeFile(join(root, 'evil.bin'), 'outside');
    const json = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { blobs: Record<string, unknown> };
    json.blobs['../evil'] = { byteLength: 7 };
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(json));
    expect((await loadError(dir)).message).toContain('blob name "../evil" is not allowed');
  });

  it('reports missing and truncated blob files, all at once', async () => {
    await saveCheckpoint(dir, sample());
    await rm(join(dir, 'bias.bin'));
    await truncate(join(dir, 'kernel.bin'), 20);
    expect((await loadError(dir)).problems).toEqual([
      `${join(dir, 'kernel.bin')} is 20 bytes, the manifest says 24`,
      `missing file ${join(dir, 'bias.bin')}`,
    ]);
  });

  it('reports a flipped byte as a checksum mismatch', async () => {
    await saveCheckpoint(dir, sample());
    const path = join(dir, 'bias.bin');
    const bytes = await readFile(path);
    bytes[3]! ^= 0x10;
    await writeFile(path, bytes);
    expect((await loadError(dir)).problems).toEqual([expect.stringContaining(`${path}: checksum mismatch`)]);
  });

  it('refuses oversized files before reading them', async () => {
    await saveCheckpoint(dir, sample());
    expect((await loadError(dir, { maxBytes: 16 })).message).toBe(
      `cannot load checkpoint ${dir}: ${join(dir, 'kernel.bin')} is 24 bytes, over the maxBytes limit of 16`,
    );
    const manifestSize = (await readFile(join(dir, MANIFEST_FILE))).length;
    expect((await loadError(dir, { maxManifestBytes: 100 })).message).toBe(
      `cannot load checkpoint ${dir}: ${join(dir, MANIFEST_FILE)} is ${manifestSize} bytes, over the maxManifestBytes limit of 100`,
    );
    await expect(loadCheckpoint(dir, { maxBytes: -1 })).rejects.toThrow(RangeError);
    await expect(loadCheckpoint(dir, { maxManifestBytes: Number.NaN })).rejects.toThrow('maxManifestBytes must be >= 0');
  });

  it('checks what the caller expects', async () => {
    await saveCheckpoint(dir, sample());
    const error = await loadError(dir, { expected: { algorithm: 'sac', blobs: { kernel: { shape: [3, 2] }, actor: {} } } });
    expect(error.problems).toEqual([
      'checkpoint is for algorithm "dqn", expected "sac"',
      'blob "kernel": shape [2,3], expected [3,2]',
      'missing blob "actor"',
    ]);
  });

  it('rethrows file-system errors other than a missing file', async () => {
    await mkdir(join(dir, MANIFEST_FILE), { recursive: true }); // a folder where the file should be
    await expect(loadCheckpoint(dir)).rejects.toThrow(/EISDIR/);
  });

  it('round-trips any set of blobs byte-exact', async () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}$/).filter((n) => !n.includes('..'));
    const blob = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((a) => ({ bytes: a })),
      fc.uint8Array({ maxLength: 64 }),
      fc.float32Array({ maxLength: 16 }),
      fc.float64Array({ maxLength: 16 }),
      fc.int32Array({ maxLength: 16 }),
    );
    const blobs = fc.uniqueArray(fc.tuple(name, blob), { maxLength: 6, selector: ([n]) => n.toLowerCase() });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(blobs, async (entries) => {
        const target = join(root, `run${run++}`);
        const cp = createCheckpoint({ algorithm: 'prop', rngState, blobs: Object.fromEntries(entries) });
        await saveCheckpoint(target, cp);
        const back = await loadCheckpoint(target);
        expect(back.manifest).toEqual(cp.manifest);
        expect([...back.blobs.keys()].sort()).toEqual([...cp.blobs.keys()].sort());
        for (const [key, bytes] of cp.blobs) expect(back.blobs.get(key)).toEqual(bytes);
      }),
      { numRuns: 40 },
    );
  });
});

describe('directoryCheckpointStore', () => {
  it('writes and reads a directory with the given limits', async () => {
    const store = directoryCheckpointStore(dir, { maxBytes: 1024 });
    await store.write(sample());
    expect(await store.read()).toEqual(sample());
    await expect(store.read({ algorithm: 'ppo' })).rejects.toThrow('expected "ppo"');
    await expect(directoryCheckpointStore(dir, { maxBytes: 8 }).read()).rejects.toThrow('over the maxBytes limit of 8');
  });
});
