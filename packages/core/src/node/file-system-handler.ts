import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from './write-file-atomic.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const FILE_SCHEME = 'file://';

/** Bytes per stored element, by dtype (or quantization dtype). */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * A tf.io handler over the file system, in tfjs's layout: `model.json` (modelTopology +
 * weightsManifest [{paths: ['weights.bin'], weights: specs}]) beside `weights.bin`, both
 * written atomically (weights first, so a model.json never points at missing weights).
 * `path` is a directory, or a path ending in `.json` naming the model file itself.
 * Loading validates the JSON and the byte counts and throws a clear error otherwise.
 */
export function fileSystemHandler(path: string): tf.io.IOHandler {
  const modelPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  const directory = dirname(modelPath);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileSystemHandler: binary (GraphDef) model topologies are not supported');
      }
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.format === undefined ? {} : { format: artifacts.format }),
        ...(artifacts.generatedBy === undefined ? {} : { generatedBy: artifacts.generatedBy }),
        ...(artifacts.convertedBy === undefined ? {} : { convertedBy: artifacts.convertedBy }),
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.signature === undefined ? {} : { signature: artifacts.signature }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      await writeFileAtomic(join(directory, WEIGHTS_BIN), new Uint8Array(weightData));
      await writeFileAtomic(modelPath, JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(modelPath, 'utf8');
      } catch (error) {
        throw new Error(`fileSystemHandler: cannot read ${modelPath}: ${(error as Error).message}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Error(`fileSystemHandler: corrupt ${modelPath}: not valid JSON (${(error as Error).message})`);
      }
      const modelJson = validateModelJson(parsed, modelPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          const expected = group.weights.reduce((total, spec) => total + byteLength(spec, modelPath), 0);
          let actual = 0;
          for (const file of group.paths) {
            const weightPath = resolveWeightPath(directory, file, modelPath);
            let bytes: Buffer;
            try {
              bytes = await readFile(weightPath);
            } catch (error) {
              throw new Error(`fileSystemHandler: cannot read ${weightPath} (listed in ${modelPath}): ${(error as Error).message}`);
            }
            actual += bytes.byteLength;
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          if (actual !== expected) {
            throw new Error(
              `fileSystemHandler: corrupt weights: ${group.paths.join(', ')} hold ${actual} bytes but ${modelPath} describes ${expected}`,
            );
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

let registered = false;

/**
 * Registers a `file://` save and load router with tf.io so that URL strings such as
 * 'file://./checkpoints/q' work without tfjs-node. Does nothing when called again, or when a
 * handler for file:// is already registered (tfjs-node brings its own). Returns whether tfrl's
 * router is the one in use.
 */
export function registerFileSystem(): boolean {
  if (registered) return true;
  const probe = `${FILE_SCHEME}tfrl-probe`;
  if (tf.io.getSaveHandlers(probe).length > 0 || tf.io.getLoadHandlers(probe).length > 0) return false;
  const router = (url: string | string[]): tf.io.IOHandler | null =>
    typeof url === 'string' && url.startsWith(FILE_SCHEME) ? fileSystemHandler(url.slice(FILE_SCHEME.length)) : null;
  // tf.io's router type returns IOHandler, but routers answer null for URLs they do not handle.
  tf.io.registerSaveRouter(router as (url: string | string[]) => tf.io.IOHandler);
  tf.io.registerLoadRouter(router as (url: string | string[]) => tf.io.IOHandler);
  registered = true;
  return true;
}

function validateModelJson(value: unknown, modelPath: string): tf.io.ModelJSON {
  const fail = (why: string): never => {
    throw new Error(`fileSystemHandler: corrupt ${modelPath}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const json = value as Record<string, unknown>;
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest)) return fail('weightsManifest is missing or not an array');
  manifest.forEach((group: unknown, g) => {
    const entry = group as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null) return fail(`weightsManifest[${g}] is not an object`);
    const paths = entry['paths'];
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      return fail(`weightsManifest[${g}].paths must be an array of strings`);
    }
    const weights = entry['weights'];
    if (!Array.isArray(weights)) return fail(`weightsManifest[${g}].weights must be an array`);
    weights.forEach((spec: unknown, w) => {
      const s = spec as Record<string, unknown> | null;
      const where = `weightsManifest[${g}].weights[${w}]`;
      if (typeof s !== 'object' || s === null || typeof s['name'] !== 'string') return fail(`${where} has no name`);
      const shape = s['shape'];
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        return fail(`${where} (${s['name']}) has an invalid shape`);
      }
      if (typeof s['dtype'] !== 'string' || !(s['dtype'] in BYTES)) {
        return fail(`${where} (${s['name']}) has an unsupported dtype ${String(s['dtype'])}`);
      }
      return undefined;
    });
    return undefined;
  });
  const topology = json['modelTopology'];
  if (topology !== undefined && (typeof topology !== 'object' || topology === null)) return fail('modelTopology is not an object');
  return { ...(json as object), modelTopology: topology ?? {}, weightsManifest: manifest } as tf.io.ModelJSON;
}

function byteLength(spec: tf.io.WeightsManifestEntry, modelPath: string): number {
  const elements = spec.shape.reduce((product, d) => product * d, 1);
  const bytes = BYTES[spec.quantization?.dtype ?? spec.dtype];
  if (bytes === undefined) throw new Error(`fileSystemHandler: corrupt ${modelPath}: unsupported dtype of ${spec.name}`);
  return elements * bytes;
}

/** Weight files must stay inside the model's directory. */
function resolveWeightPath(directory: string, file: string, modelPath: string): string {
  const relative = normalize(file);
  if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`)) {
    throw new Error(`fileSystemHandler: corrupt ${modelPath}: weight path ${file} leaves the model directory`);
  }
  return join(directory, relative);
}
