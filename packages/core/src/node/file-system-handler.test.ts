import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVariable } from '../nn/init.js';
import { useCpuBackend } from '../nn/test-setup.js';
import { loadWeights, saveWeights } from '../nn/weights.js';
import { fileSystemHandler, registerFileSystem } from './file-system-handler.js';

let root: string;
beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'tfrl-fs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const artifacts = (): tf.io.ModelArtifacts => ({
  modelTopology: { kind: 'test' },
  format: 'tfrl-weights',
  weightSpecs: [
    { name: 'w', shape: [2, 2], dtype: 'float32' },
    { name: 'i', shape: [1], dtype: 'int32' },
  ],
  weightData: new Float32Array([1, 2, 3, 4, 0]).buffer,
  userDefinedMetadata: { modelName: 'm' },
});

describe('fileSystemHandler', () => {
  it('writes model.json (tfjs weightsManifest) + weights.bin atomically and loads them back', async () => {
    const dir = join(root, 'plain');
    const handler = fileSystemHandler(dir);
    const result = await handler.save!(artifacts());
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(20);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']); // no temp files left
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: artifacts().weightSpecs }]);
    expect(json.modelTopology).toEqual({ kind: 'test' });
    expect((await readFile(join(dir, 'weights.bin'))).byteLength).toBe(20);
    const loaded = await handler.load!();
    expect(loaded.weightSpecs).toEqual(artifacts().weightSpecs);
    expect(loaded.format).toBe('tfrl-weights');
    expect(loaded.userDefinedMetadata).toEqual({ modelName: 'm' });
    expect(Array.from(new Float32Array(tf.io.CompositeArrayBuffer.join(loaded.weightData!)))).toEqual([1, 2, 3, 4, 0]);
  });

  it('accepts a path to the .json file itself', async () => {
    const path = join(root, 'named', 'agent.json');
    await fileSystemHandler(path).save!(artifacts());
    expect((await readdir(join(root, 'named'))).sort()).toEqual(['agent.json', 'weights.bin']);
    expect((await fileSystemHandler(path).load!()).weightSpecs).toHaveLength(2);
  });

  it('refuses missing and corrupt files with clear errors', async () => {
    const dir = join(root, 'broken');
    const handler = fileSystemHandler(dir);
    await expect(handler.load!()).rejects.toThrow(/cannot read .*broken.*model\.json/);
    await handler.save!(artifacts());
    const modelJson = join(dir, 'model.json');
    const good = await readFile(modelJson, 'utf8');
    const corrupt = async (text: string, message: RegExp): Promise<void> => {
      await writeFile(modelJson, text);
      await expect(handler.load!()).rejects.toThrow(message);
    };
    await corrupt('not json', /corrupt .*model\.json: not valid JSON/);
    await corrupt('[1]', /not a JSON object/);
    await corrupt('{"modelTopology": {}}', /weightsManifest is missing/);
    await corrupt('{"weightsManifest": [{"paths": "x", "weights": []}]}', /paths must be an array of strings/);
    await corrupt('{"weightsManifest": [{"paths": [], "weights": [{"name": "w", "shape": [-1], "dtype": "float32"}]}]}', /\(w\) has an invalid shape/);
    await corrupt('{"weightsManifest": [{"paths": [], "weights": [{"name": "w", "shape": [1], "dtype": "string"}]}]}', /unsupported dtype string/);
    await corrupt('{"weightsManifest": [{"paths": ["../../etc/passwd"], "weights": []}]}', /leaves the model directory/);
    await corrupt('{"weightsManifest": [{"paths": ["gone.bin"], "weights": []}]}', /cannot read .*gone\.bin/);
    await writeFile(modelJson, good);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(12)); // truncated
    await expect(handler.load!()).rejects.toThrow(/corrupt weights: weights\.bin hold 12 bytes but .* describes 20/);
    await expect(fileSystemHandler(join(root, 'graph')).save!({ modelTopology: new ArrayBuffer(4) })).rejects.toThrow(/GraphDef/);
  });
});

describe('registerFileSystem', () => {
  it('stands aside when a file:// handler exists, registers once otherwise, and serves file:// URLs', async () => {
    let foreignActive = true; // stands in for tfjs-node's own file:// router
    const foreign = (url: string | string[]): tf.io.IOHandler =>
      (foreignActive && typeof url === 'string' && url.startsWith('file://') ? {} : null) as tf.io.IOHandler;
    tf.io.registerSaveRouter(foreign);
    expect(registerFileSystem()).toBe(false);
    foreignActive = false;
    expect(tf.io.getSaveHandlers('file://x')).toHaveLength(0);

    const httpHandlers = tf.io.getSaveHandlers('http://example.com/x').length;
    expect(registerFileSystem()).toBe(true);
    expect(registerFileSystem()).toBe(true);
    expect(tf.io.getSaveHandlers('file://x')).toHaveLength(1);
    expect(tf.io.getLoadHandlers('file://x')).toHaveLength(1);
    expect(tf.io.getSaveHandlers('http://example.com/x')).toHaveLength(httpHandlers); // other schemes untouched

    const v = createVariable(new Float32Array([0.25, -1, 8]), [3], 'url/v');
    const url = `file://${join(root, 'via-url')}`;
    await saveWeights([v], url);
    const copy = createVariable(new Float32Array(3), [3], 'url/v');
    await loadWeights([copy], url);
    expect(Array.from(copy.dataSync())).toEqual([0.25, -1, 8]);
    await loadWeights([copy], `${url}/model.json`);
    tf.dispose([v, copy]);
  });
});
