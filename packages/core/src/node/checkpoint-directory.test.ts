import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { CheckpointError, stringifyManifest } from '../checkpoint/manifest.js';
import { Rng } from '../rng.js';

// Records the atomic writes and can simulate a crash at the `crashAt`-th one (1-based):
// before it starts, or right after it completes (`crashAfterWrite`). Nothing after it runs.
const writes = vi.hoisted(() => ({ paths: [] as string[], crashAt: 0, crashAfterWrite: false }));
vi.mock('./write-file-atomic.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./write-file-atomic.js')>();
  return {
    writeFileAtomic: async (path: string, data: Uint8Array | string) => {
      writes.paths.push(path);
      const crash = writes.paths.length === writes.crashAt;
      if (crash && !writes.crashAfterWrite) throw new Error(`simulated crash before writing ${path}`);
      await original.writeFileAtomic(path, data);
      if (crash) throw new Error(`simulated crash after writing ${path}`);
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

/** The blob files manifest.json in `target` lists, by blob name. */
async function blobFiles(target: string): Promise<Record<string, string>> {
  const json = JSON.parse(await readFile(join(target, MANIFEST_FILE), 'utf8')) as { blobs: Record<string, { file: string }> };
  return Object.fromEntries(Object.entries(json.blobs).map(([name, entry]) => [name, entry.file]));
}

/** Writes `cp` in the layout of manifests without `file`: `<name>.bin` beside the manifest. */
async function saveOldLayout(target: string, cp: Checkpoint): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const [name, bytes] of cp.blobs) await writeFile(join(target, `${name}.bin`), bytes);
  await writeFile(join(target, MANIFEST_FILE), stringifyManifest(cp.manifest));
}

/** Loads `target` and checks it is `cp`, manifest and every blob byte-exact. */
async function expectCheckpoint(target: string, cp: Checkpoint): Promise<void> {
  const back = await loadCheckpoint(target);
  expect(back.manifest).toEqual(cp.manifest);
  expect([...back.blobs.keys()].sort()).toEqual([...cp.blobs.keys()].sort());
  for (const [name, bytes] of cp.blobs) expect(Buffer.from(back.blobs.get(name)!).equals(Buffer.from(bytes))).toBe(true);
}

/** The directory holds manifest.json, the blob files it lists and `others`, nothing else. */
async function expectOnlyListedFiles(target: string, others: string[] = []): Promise<void> {
  const listed = Object.values(await blobFiles(target));
  expect((await readdir(target)).sort()).toEqual([MANIFEST_FILE, ...listed, ...others].sort());
}

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfrl-ckpt-'));
  dir = join(root, 'ckpt');
  writes.paths = [];
  writes.crashAt = 0;
  writes.crashAfterWrite = false;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips manifest and blobs, writing blobs under their checksums and the manifest last', async () => {
    const cp = sample();
    await saveCheckpoint(dir, cp);
    const files = { kernel: `kernel.${cp.manifest.blobs.kernel!.crc32}.bin`, bias: `bias.${cp.manifest.blobs.bias!.crc32}.bin` };
    expect(await blobFiles(dir)).toEqual(files);
    expect((await readdir(dir)).sort()).toEqual([files.bias, files.kernel, MANIFEST_FILE]);
    expect(writes.paths).toEqual([join(dir, files.kernel), join(dir, files.bias), join(dir, MANIFEST_FILE)]);
    const withFiles = structuredClone(cp.manifest);
    withFiles.blobs.kernel!.file = files.kernel;
    withFiles.blobs.bias!.file = files.bias;
    expect(await readFile(join(dir, MANIFEST_FILE), 'utf8')).toBe(stringifyManifest(withFiles));
    const back = await loadCheckpoint(dir, { expected: { algorithm: 'dqn', blobs: { kernel: { dtype: 'float32', shape: [2, 3] } } } });
    expect(back).toEqual(cp);
    expect(back.manifest.blobs.kernel).not.toHaveProperty('file');
  });

  it('refuses to save an invalid checkpoint', async () => {
    const cp = sample();
    cp.blobs.delete('bias');
    await expect(saveCheckpoint(dir, cp)).rejects.toThrow(`cannot save checkpoint to ${dir}: missing blob "bias"`);
    await expect(readdir(dir)).rejects.toThrow(); // nothing created
  });

  it('never writes over an existing file, and leaves files that are not its own alone', async () => {
    await saveCheckpoint(dir, sample());
    const next = createCheckpoint({ algorithm: 'dqn', rngState, blobs: { a: new Uint8Array(1), kernel: new Float32Array(6) } });
    const a = `a.${next.manifest.blobs.a!.crc32}.bin`;
    // A folder holds a's file name; files that are not blob files sit beside it.
    await mkdir(join(dir, a, 'occupied'), { recursive: true });
    const others = ['notes.txt', 'foo.bin', `.hidden.${'0'.repeat(8)}.bin`, `kernel.${'0'.repeat(8)}.tmp`];
    for (const file of others) await writeFile(join(dir, file), 'not a blob');
    await saveCheckpoint(dir, next);
    expect((await blobFiles(dir)).a).toBe(`a.${next.manifest.blobs.a!.crc32}-1.bin`);
    await expectCheckpoint(dir, next);
    await expectOnlyListedFiles(dir, [a, ...others]);
    for (const file of others) expect(await readFile(join(dir, file), 'utf8')).toBe('not a blob');
  });

  it('deletes the blob files of the previous checkpoint and of crashed saves after a save', async () => {
    await saveCheckpoint(dir, sample());
    const stale = `kernel.${'0'.repeat(8)}.bin`; // left by a save that crashed
    await writeFile(join(dir, stale), new Uint8Array(24));
    await saveCheckpoint(dir, sample([6, 5, 4, 3, 2, 1]));
    await expectOnlyListedFiles(dir);
    // An unchanged blob cannot keep its file name (the previous manifest lists it): it alternates.
    const bias = `bias.${sample().manifest.blobs.bias!.crc32}`;
    expect((await blobFiles(dir)).bias).toBe(`${bias}-1.bin`);
    await saveCheckpoint(dir, sample());
    expect(await blobFiles(dir)).toEqual({ kernel: `kernel.${sample().manifest.blobs.kernel!.crc32}.bin`, bias: `${bias}.bin` });
    await expectOnlyListedFiles(dir);
    await expectCheckpoint(dir, sample());
  });

  it('loads and replaces a directory in the layout without file entries (<name>.bin)', async () => {
    await saveOldLayout(dir, sample());
    await expectCheckpoint(dir, sample());
    const next = sample([9, 9, 9, 9, 9, 9]);
    await saveCheckpoint(dir, next);
    await expectCheckpoint(dir, next);
    await expectOnlyListedFiles(dir); // kernel.bin and bias.bin are gone
  });

  // Old → new pairs: a blob changed and one unchanged; one added and one removed; everything
  // unchanged; from the layout without file entries; to no blobs at all.
  const createdAt = '2024-01-02T00:00:00.000Z';
  const crashCases: { label: string; old: () => Checkpoint; next: () => Checkpoint; oldLayout?: boolean }[] = [
    { label: 'changed kernel', old: () => sample(), next: () => sample([9, 9, 9, 9, 9, 9]) },
    {
      label: 'added and removed blobs',
      old: () => sample(),
      next: () =>
        createCheckpoint({ algorithm: 'dqn', rngState, createdAt, blobs: { a: new Uint8Array([7]), kernel: new Float32Array(6) } }),
    },
    { label: 'identical', old: () => sample(), next: () => sample() },
    { label: 'from the old layout', old: () => sample(), next: () => sample([0, 0, 0, 0, 0, 1]), oldLayout: true },
    { label: 'to no blobs', old: () => sample(), next: () => createCheckpoint({ algorithm: 'dqn', rngState, createdAt }) },
    {
      // The old blob's file kernel.<crc>.bin is the name the new kernel's content would get.
      label: 'an old-layout file named like a new one',
      old: () =>
        createCheckpoint({
          algorithm: 'dqn',
          rngState,
          createdAt,
          blobs: { [`kernel.${sample([9, 9, 9, 9, 9, 9]).manifest.blobs.kernel!.crc32}`]: new Float32Array(6) },
        }),
      next: () => sample([9, 9, 9, 9, 9, 9]),
      oldLayout: true,
    },
  ];

  describe.each(crashCases)('a crash at any write ($label)', ({ old, next, oldLayout }) => {
    const writeCount = next().blobs.size + 1;
    const points = Array.from({ length: writeCount }, (_, i) => i + 1).flatMap((k) => [
      { k, after: false },
      { k, after: true },
    ]);

    it.each(points)('leaves the complete old checkpoint, or the new one once committed (write $k, after: $after)', async ({ k, after }) => {
      if (oldLayout === true) await saveOldLayout(dir, old());
      else await saveCheckpoint(dir, old());
      writes.paths = [];
      writes.crashAt = k;
      writes.crashAfterWrite = after;
      await expect(saveCheckpoint(dir, next())).rejects.toThrow('simulated crash');
      expect(writes.paths).toHaveLength(k);
      const committed = after && k === writeCount;
      await expectCheckpoint(dir, committed ? next() : old());
      // The next save succeeds and clears what the crash left, except <name>.bin files of the
      // old layout once a manifest without them is committed: nothing says they are blobs then.
      writes.crashAt = 0;
      await saveCheckpoint(dir, next());
      await expectCheckpoint(dir, next());
      const leftovers = [...old().blobs.keys()].map((n) => `${n}.bin`).filter((file) => !/\.[0-9a-f]{8}\.bin$/.test(file));
      await expectOnlyListedFiles(dir, oldLayout === true && committed ? leftovers : []);
    });
  });

  it('keeps the old checkpoint through a crash at any point of any save (property)', async () => {
    const name = fc.constantFrom('kernel', 'bias', 'Norm.mean', 'q-head');
    const blobs = fc.uniqueArray(fc.tuple(name, fc.uint8Array({ maxLength: 12 })), { maxLength: 4, selector: ([n]) => n });
    const toCheckpoint = (entries: [string, Uint8Array][]): Checkpoint =>
      createCheckpoint({ algorithm: 'prop', rngState, blobs: Object.fromEntries(entries.map(([n, b]) => [n, { bytes: b }])) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(blobs, blobs, fc.boolean(), fc.nat(), fc.boolean(), async (oldBlobs, newBlobs, oldLayout, crashSeed, after) => {
        const target = join(root, `crash${run++}`);
        const old = toCheckpoint(oldBlobs);
        const next = toCheckpoint(newBlobs);
        if (oldLayout) await saveOldLayout(target, old);
        else await saveCheckpoint(target, old);
        const writeCount = next.blobs.size + 1;
        writes.paths = [];
        writes.crashAt = (crashSeed % writeCount) + 1;
        writes.crashAfterWrite = after;
        await expect(saveCheckpoint(target, next)).rejects.toThrow('simulated crash');
        const committed = after && writes.crashAt === writeCount;
        await expectCheckpoint(target, committed ? next : old);
        writes.crashAt = 0;
        await saveCheckpoint(target, next);
        await expectCheckpoint(target, next);
        // As above: old-layout files outlive a crash right after the commit.
        const leftovers = oldLayout && committed ? oldBlobs.map(([n]) => `${n}.bin`) : [];
        await expectOnlyListedFiles(target, leftovers);
      }),
      { numRuns: 60 },
    );
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

  it('never follows a blob name or file out of the directory', async () => {
    await saveCheckpoint(dir, sample());
    await writeFile(join(root, 'evil.bin'), 'outside');
    const json = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { blobs: Record<string, Record<string, unknown>> };
    json.blobs['../evil'] = { byteLength: 7 };
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(json));
    expect((await loadError(dir)).message).toContain('blob name "../evil" is not allowed');
    delete json.blobs['../evil'];
    json.blobs.bias!.file = '../evil.bin';
    json.blobs.kernel!.file = `bias.${'0'.repeat(8)}.bin`;
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(json));
    expect((await loadError(dir)).problems).toEqual([
      `${join(dir, MANIFEST_FILE)}: blob "kernel": file "bias.00000000.bin" is not allowed (expected kernel.<crc32>.bin)`,
      `${join(dir, MANIFEST_FILE)}: blob "bias": file "../evil.bin" is not allowed (expected bias.<crc32>.bin)`,
    ]);
  });

  it('reports missing and truncated blob files, all at once', async () => {
    await saveCheckpoint(dir, sample());
    const files = await blobFiles(dir);
    await rm(join(dir, files.bias!));
    await truncate(join(dir, files.kernel!), 20);
    expect((await loadError(dir)).problems).toEqual([
      `${join(dir, files.kernel!)} is 20 bytes, the manifest says 24`,
      `missing file ${join(dir, files.bias!)}`,
    ]);
  });

  it('reports a flipped byte as a checksum mismatch naming the file', async () => {
    await saveCheckpoint(dir, sample());
    const path = join(dir, (await blobFiles(dir)).bias!);
    const bytes = await readFile(path);
    bytes[3]! ^= 0x10;
    await writeFile(path, bytes);
    expect((await loadError(dir)).problems).toEqual([expect.stringMatching(/^.*: checksum mismatch \(crc32 [0-9a-f]{8}, manifest says [0-9a-f]{8}\)$/)]);
    expect((await loadError(dir)).problems[0]).toContain(`${path}: checksum mismatch`);
  });

  it('refuses oversized files before reading them', async () => {
    await saveCheckpoint(dir, sample());
    expect((await loadError(dir, { maxBytes: 16 })).message).toBe(
      `cannot load checkpoint ${dir}: ${join(dir, (await blobFiles(dir)).kernel!)} is 24 bytes, over the maxBytes limit of 16`,
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
