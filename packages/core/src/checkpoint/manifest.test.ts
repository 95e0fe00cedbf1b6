import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { VERSION } from '../version.js';
import {
  CheckpointError,
  blobEntryProblems,
  blobNameProblem,
  blobNamesProblems,
  bytesPerElement,
  createManifest,
  parseManifest,
  stringifyManifest,
  type CheckpointManifest,
} from './manifest.js';

const rngState = Rng.fromSeed(7).getState();

function sample(): CheckpointManifest {
  return createManifest({
    algorithm: 'dqn',
    config: { learningRate: 0.001, hidden: [64, 64], double: true, note: null },
    counters: { steps: 5000, updates: 1200 },
    rngState,
    blobs: { 'q.dense1.kernel': { byteLength: 32, dtype: 'float32', shape: [2, 4], crc32: '0123abcd' } },
    extra: { obsMean: [0.5, 1] },
    createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  });
}

/** The error message of `fn`, which must throw a CheckpointError. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

/** sample() as parsed JSON, edited by `edit`. */
function edited(edit: (json: Record<string, unknown>) => void): Record<string, unknown> {
  const json = JSON.parse(stringifyManifest(sample())) as Record<string, unknown>;
  edit(json);
  return json;
}

describe('createManifest', () => {
  it('fills format, version, library and timestamp', () => {
    const manifest = sample();
    expect(manifest).toMatchObject({
      format: 'tfrl-checkpoint',
      formatVersion: 1,
      library: { name: '@tfrl/core', version: VERSION },
      createdAt: '2024-01-02T03:04:05.000Z',
    });
    expect(VERSION).toBe('0.1.0');
    expect(manifest.rngState).toEqual(rngState);
    expect(manifest.rngState.words).not.toBe(rngState.words);
  });

  it('defaults config, counters, blobs and createdAt', () => {
    const manifest = createManifest({ algorithm: 'ppo', rngState, createdAt: '2020-05-06T07:08:09Z' });
    expect(manifest).toMatchObject({ config: {}, counters: {}, blobs: {}, createdAt: '2020-05-06T07:08:09Z' });
    expect(manifest.extra).toBeUndefined();
    expect(Date.parse(createManifest({ algorithm: 'ppo', rngState }).createdAt)).not.toBeNaN();
  });

  it('rejects what JSON cannot hold exactly', () => {
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, config: { lr: Number.NaN } }))).toContain('config.lr is NaN');
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, config: { x: [1, Infinity] } }))).toContain('config.x[1] is Infinity');
    const typed = { w: new Float32Array(2) } as unknown as Record<string, never>;
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, extra: typed }))).toContain('extra.w is a Float32Array');
    const fn = { f: () => 1 } as unknown as Record<string, never>;
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, config: fn }))).toContain('config.f is a function');
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, counters: { steps: Number.NaN } }))).toContain(
      'field counters.steps: expected number, received NaN',
    );
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, counters: { steps: Infinity } }))).toContain(
      'field counters.steps: expected a finite number',
    );
    expect(errorOf(() => createManifest({ algorithm: '', rngState }))).toContain('field algorithm: expected a non-empty string');
    expect(errorOf(() => createManifest({ algorithm: 'a', rngState, blobs: { '../x': { byteLength: 0 } } }))).toContain(
      'blob name "../x" is not allowed',
    );
  });
});

describe('parseManifest', () => {
  it('round-trips through JSON text', () => {
    const manifest = sample();
    const text = stringifyManifest(manifest);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseManifest(JSON.parse(text))).toEqual(manifest);
  });

  it('drops unknown fields', () => {
    const parsed = parseManifest(edited((j) => (j.future = 1)));
    expect('future' in parsed).toBe(false);
  });

  it('rejects non-objects, with a hint for unparsed text', () => {
    expect(errorOf(() => parseManifest('{}'))).toBe(
      'checkpoint manifest: expected a JSON object, got string (pass the result of JSON.parse, not the text)',
    );
    expect(errorOf(() => parseManifest(null))).toBe('checkpoint manifest: expected a JSON object, got object');
    expect(errorOf(() => parseManifest([1]))).toBe('checkpoint manifest: expected a JSON object, got an array');
  });

  it('checks format and version before anything else', () => {
    expect(errorOf(() => parseManifest({}))).toBe('checkpoint manifest: missing field format (not a tfrl checkpoint?)');
    expect(errorOf(() => parseManifest({ format: 'tfjs' }))).toBe('checkpoint manifest: format is "tfjs", expected "tfrl-checkpoint"');
    expect(errorOf(() => parseManifest({ format: 'tfrl-checkpoint' }))).toBe('checkpoint manifest: missing field formatVersion');
    expect(errorOf(() => parseManifest({ format: 'tfrl-checkpoint', formatVersion: 2, whatever: true }))).toBe(
      'checkpoint manifest: formatVersion 2 is newer than this library supports (1); upgrade @tfrl/core',
    );
    for (const bad of [0, 1.5, '1', -1]) {
      expect(errorOf(() => parseManifest({ format: 'tfrl-checkpoint', formatVersion: bad }))).toBe(
        `checkpoint manifest: formatVersion ${JSON.stringify(bad)} is not a valid version`,
      );
    }
  });

  it('names missing fields', () => {
    expect(errorOf(() => parseManifest(edited((j) => delete j.algorithm)))).toBe('checkpoint manifest: missing field algorithm');
    expect(errorOf(() => parseManifest(edited((j) => delete (j.library as Record<string, unknown>).version)))).toBe(
      'checkpoint manifest: missing field library.version',
    );
    const message = errorOf(() =>
      parseManifest(
        edited((j) => {
          delete j.blobs;
          delete j.createdAt;
        }),
      ),
    );
    expect(message).toContain('missing field createdAt');
    expect(message).toContain('missing field blobs');
  });

  it('names fields of the wrong type or value', () => {
    const cases: [(j: Record<string, unknown>) => void, string][] = [
      [(j) => (j.algorithm = 3), 'field algorithm: expected string, received 3'],
      [(j) => (j.config = [1]), 'field config: expected a JSON object'],
      [(j) => (j.extra = 'x'), 'field extra: expected a JSON object'],
      [(j) => (j.counters = { steps: '10' }), 'field counters.steps: expected number, received "10"'],
      [(j) => (j.createdAt = 'yesterday'), 'field createdAt: expected an ISO 8601 timestamp'],
      [(j) => ((j.rngState as Record<string, unknown>).words = [1, 2, 3]), 'field rngState.words: expected 4 words'],
      [(j) => ((j.rngState as Record<string, unknown>).words = [1, 2, 3, 0.5]), 'field rngState.words.3: expected integer words'],
      [(j) => ((j.rngState as Record<string, unknown>).algorithm = 'mt'), 'field rngState.algorithm: expected "xoroshiro128plus"'],
      [(j) => (blob(j).byteLength = -4), 'field blobs.q.dense1.kernel.byteLength: expected a non-negative integer'],
      [(j) => (blob(j).byteLength = 3.5), 'field blobs.q.dense1.kernel.byteLength: expected an integer'],
      [(j) => (blob(j).dtype = 'float16'), 'field blobs.q.dense1.kernel.dtype: expected ('],
      [(j) => (blob(j).crc32 = 'CBF43926'), 'field blobs.q.dense1.kernel.crc32: expected 8 lowercase hex digits'],
      [(j) => (blob(j).byteLength = 16), 'blob "q.dense1.kernel": byteLength 16 does not match float32 shape [2,4] (32 bytes)'],
    ];
    for (const [edit, expected] of cases) expect(errorOf(() => parseManifest(edited(edit)))).toContain(expected);
  });

  it('rejects dangerous or colliding blob names', () => {
    const withBlobs = (blobs: Record<string, unknown>) => edited((j) => (j.blobs = blobs));
    expect(errorOf(() => parseManifest(withBlobs({ '../evil': { byteLength: 0 } })))).toContain('blob name "../evil" is not allowed');
    expect(errorOf(() => parseManifest(withBlobs({ 'a/b': { byteLength: 0 } })))).toContain('blob name "a/b" is not allowed');
    expect(errorOf(() => parseManifest(withBlobs({ W: { byteLength: 0 }, w: { byteLength: 0 } })))).toContain(
      'blob names "W" and "w" differ only in case',
    );
  });
});

function blob(json: Record<string, unknown>): Record<string, unknown> {
  return (json.blobs as Record<string, Record<string, unknown>>)['q.dense1.kernel']!;
}

describe('blob names and entries', () => {
  it('accepts plain names and refuses paths, dots and oversize names', () => {
    for (const ok of ['w', 'actor.layer0.kernel', 'adam-m_0', '0', 'a.b-c_D']) expect(blobNameProblem(ok)).toBeUndefined();
    for (const bad of ['', '..', '.hidden', 'a/b', 'a\\b', 'a..b', 'C:x', 'a b', 'né', '../x', 'x/..']) {
      expect(blobNameProblem(bad)).toBeDefined();
    }
    expect(blobNameProblem('a'.repeat(200))).toBeUndefined();
    expect(blobNameProblem('a'.repeat(201))).toMatch(/longer than 200 characters/);
    expect(blobNamesProblems(['a', 'b', 'A', '../c'])).toEqual([
      'blob names "a" and "A" differ only in case',
      expect.stringContaining('"../c" is not allowed'),
    ]);
  });

  it('checks byteLength against dtype and shape', () => {
    expect(bytesPerElement('float64')).toBe(8);
    expect(bytesPerElement('int32')).toBe(4);
    expect(bytesPerElement('uint8')).toBe(1);
    expect(bytesPerElement('bytes')).toBe(1);
    expect(blobEntryProblems('w', { byteLength: 24, dtype: 'float64', shape: [3] })).toEqual([]);
    expect(blobEntryProblems('w', { byteLength: 4, dtype: 'int32', shape: [] })).toEqual([]);
    expect(blobEntryProblems('w', { byteLength: 7, dtype: 'bytes' })).toEqual([]);
    expect(blobEntryProblems('w', { byteLength: 7 })).toEqual([]);
    expect(blobEntryProblems('w', { byteLength: 6, dtype: 'float32' })).toEqual(['blob "w": byteLength 6 is not a multiple of 4 (float32)']);
    expect(blobEntryProblems('w', { byteLength: 6, shape: [6] })).toEqual(['blob "w": a shape needs a numeric dtype, got none']);
    expect(blobEntryProblems('w', { byteLength: 6, dtype: 'bytes', shape: [6] })).toEqual([
      'blob "w": a shape needs a numeric dtype, got bytes',
    ]);
  });

  it('CheckpointError keeps every problem', () => {
    const error = new CheckpointError('ctx', ['one', 'two']);
    expect(error.message).toBe('ctx: one; two');
    expect(error.problems).toEqual(['one', 'two']);
    expect(error.name).toBe('CheckpointError');
  });
});
