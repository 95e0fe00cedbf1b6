import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { fileSystemHandler } from '../node/file-system-handler.js';
import { DuelingHead } from './dueling-head.js';
import { createVariable } from './init.js';
import { useCpuBackend } from './test-setup.js';
import { loadWeights, saveWeights } from './weights.js';

let root: string;
beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'tfrl-weights-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const values = (vs: readonly tf.Variable[]): number[][] => vs.map((v) => Array.from(v.dataSync()));

describe('saveWeights / loadWeights', () => {
  it('round-trips a module through fileSystemHandler into a second instance (a target network)', async () => {
    const online = new DuelingHead({ inputSize: 3, actions: 2, rng: Rng.fromSeed(1), name: 'q' });
    const target = new DuelingHead({ inputSize: 3, actions: 2, rng: Rng.fromSeed(2), name: 'q' });
    expect(values(target.trainableVariables())).not.toEqual(values(online.trainableVariables()));
    const dir = join(root, 'dueling');
    const result = await saveWeights(online, fileSystemHandler(dir), { modelName: 'q-network' });
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * (3 + 1 + 6 + 2));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata).toEqual({ modelName: 'q-network' });
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      'q/value/weight',
      'q/value/bias',
      'q/advantage/weight',
      'q/advantage/bias',
    ]);
    await loadWeights(target, fileSystemHandler(dir));
    expect(values(target.trainableVariables())).toEqual(values(online.trainableVariables()));
    online.dispose();
    target.dispose();
  });

  it('round-trips float32 and int32 variables in memory, without leaking tensors', async () => {
    const a = createVariable(new Float32Array([1.5, -2]), [2], 'mem/a');
    const b = createVariable(new Int32Array([7, 8, 9]), [3, 1], 'mem/b');
    let saved: tf.io.ModelArtifacts | undefined;
    await saveWeights([a, b], tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }));
    expect(saved!.weightSpecs).toEqual([
      { name: 'mem/a', shape: [2], dtype: 'float32' },
      { name: 'mem/b', shape: [3, 1], dtype: 'int32' },
    ]);
    tf.tidy(() => {
      a.assign(tf.zeros([2]));
      b.assign(tf.zeros([3, 1], 'int32'));
    });
    const before = tf.memory().numTensors;
    await loadWeights([a, b], tf.io.fromMemory(saved!));
    expect(tf.memory().numTensors).toBe(before);
    expect(values([a, b])).toEqual([[1.5, -2], [7, 8, 9]]);
    tf.dispose([a, b]);
  });

  it('names the mismatching variable and never loads partially', async () => {
    const a = createVariable(new Float32Array([1, 2]), [2], 'mis/a');
    const b = createVariable(new Float32Array([3, 4, 5]), [3], 'mis/b');
    const dir = join(root, 'mismatch');
    await saveWeights([a, b], fileSystemHandler(dir));
    const a2 = createVariable(new Float32Array(2), [2], 'mis/a');
    const wrongShape = createVariable(new Float32Array(4), [2, 2], 'mis/b');
    await expect(loadWeights([a2, wrongShape], fileSystemHandler(dir))).rejects.toThrow(
      'variable "mis/b" is float32[2, 2] but the saved weight is float32[3]',
    );
    expect(values([a2])).toEqual([[0, 0]]); // a2 untouched although it matched
    const wrongType = createVariable(new Int32Array(3), [3], 'mis/b');
    await expect(loadWeights([a2, wrongType], fileSystemHandler(dir))).rejects.toThrow(/"mis\/b" is int32\[3\]/);
    const other = createVariable(new Float32Array(3), [3], 'mis/c');
    await expect(loadWeights([a2, other], fileSystemHandler(dir))).rejects.toThrow(/variable "mis\/c" has no saved weight/);
    await expect(loadWeights([a2], fileSystemHandler(dir))).rejects.toThrow(/hold "mis\/b", which no variable takes/);
    await expect(saveWeights([a, a2], fileSystemHandler(dir))).rejects.toThrow(/two variables are named "mis\/a"/);
    tf.dispose([a, b, a2, wrongShape, wrongType, other]);
  });

  it('reports corrupt files through the handler', async () => {
    const v = createVariable(new Float32Array([1, 2, 3]), [3], 'corrupt/v');
    const dir = join(root, 'corrupt');
    await saveWeights([v], fileSystemHandler(dir));
    await writeFile(join(dir, 'model.json'), '{"weightsManifest": [');
    await expect(loadWeights([v], fileSystemHandler(dir))).rejects.toThrow(/corrupt .*model\.json: not valid JSON/);
    await expect(loadWeights([v], fileSystemHandler(join(root, 'absent')))).rejects.toThrow(/cannot read .*model\.json/);
    v.dispose();
  });

  it('explains how to get a file:// handler when none is registered', async () => {
    const v = createVariable(new Float32Array(1), [1], 'nohandler/v');
    await expect(saveWeights([v], 'file:///tmp/x')).rejects.toThrow(
      /no tf\.io handler for "file:\/\/\/tmp\/x": call registerFileSystem\(\) from '@tfrl\/core\/node'/,
    );
    await expect(loadWeights([v], 'file://./x')).rejects.toThrow(/registerFileSystem\(\)/);
    await expect(saveWeights([v], 'nowhere://x')).rejects.toThrow('saveWeights: no tf.io save handler for "nowhere://x"');
    await expect(saveWeights([v], {})).rejects.toThrow(/no save method/);
    await expect(loadWeights([v], {})).rejects.toThrow(/no load method/);
    v.dispose();
  });

  it('leaks no tensor across save and load', async () => {
    const v = createVariable(new Float32Array([1, 2]), [2], 'leak/v');
    let saved: tf.io.ModelArtifacts | undefined;
    const handler = tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    });
    await saveWeights([v], handler);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await saveWeights([v], handler);
      await loadWeights([v], tf.io.fromMemory(saved!));
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[0]);
    v.dispose();
  });
});
