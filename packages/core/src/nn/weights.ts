import * as tf from '@tensorflow/tfjs-core';
import { variableName } from './init.js';
import type { Module } from './module.js';

/** `format` written into saved artifacts. */
export const WEIGHTS_FORMAT = 'tfrl-weights';

/** Options of {@link saveWeights}. */
export interface SaveWeightsOptions {
  /** Stored as `userDefinedMetadata.modelName` and in the topology. Default 'tfrl'. */
  readonly modelName?: string;
}

/** Variables, or a module whose `trainableVariables()` are saved in order. */
export type WeightSource = readonly tf.Variable[] | Pick<Module, 'trainableVariables'>;

/**
 * Saves variables through a tf.io handler as `ModelArtifacts` {weightSpecs (name, shape, dtype),
 * weightData}. Names are those given to `createVariable` (without the suffix tfjs uniqueness
 * may add), so any instance built by the same code can load the file. A URL string is resolved
 * with `tf.io.getSaveHandlers` (file:// needs tfjs-node or `registerFileSystem()` from
 * '@tfrl/core/node').
 */
export async function saveWeights(
  variables: WeightSource,
  destination: string | tf.io.IOHandler,
  options: SaveWeightsOptions = {},
): Promise<tf.io.SaveResult> {
  const list = toList(variables);
  const names = uniqueNames(list, 'saveWeights');
  const handler = typeof destination === 'string' ? resolveHandler(destination, 'save') : destination;
  if (typeof handler.save !== 'function') throw new Error('saveWeights: the IOHandler has no save method');
  const { data, specs } = await tf.io.encodeWeights(list.map((tensor, i) => ({ name: names[i]!, tensor })));
  const modelName = options.modelName ?? 'tfrl';
  return handler.save({
    modelTopology: { format: WEIGHTS_FORMAT, modelName },
    format: WEIGHTS_FORMAT,
    generatedBy: 'tfrl',
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { modelName },
  });
}

/**
 * Loads weights saved by {@link saveWeights} into `variables`, in place. Every variable must
 * have a weight of the same name, shape and dtype and the file no extra weight; anything else
 * throws naming the mismatch, before any variable is touched (never a partial load).
 */
export async function loadWeights(variables: WeightSource, source: string | tf.io.IOHandler): Promise<void> {
  const list = toList(variables);
  const names = uniqueNames(list, 'loadWeights');
  const handler = typeof source === 'string' ? resolveHandler(source, 'load') : source;
  if (typeof handler.load !== 'function') throw new Error('loadWeights: the IOHandler has no load method');
  const artifacts = await handler.load();
  const specs = artifacts.weightSpecs;
  if (specs === undefined || artifacts.weightData === undefined) {
    throw new Error('loadWeights: the loaded artifacts have no weightSpecs/weightData');
  }
  const byName = new Map<string, tf.io.WeightsManifestEntry>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new Error(`loadWeights: the saved weights name "${spec.name}" twice`);
    byName.set(spec.name, spec);
  }
  for (let i = 0; i < list.length; i++) {
    const variable = list[i]!;
    const name = names[i]!;
    const spec = byName.get(name);
    if (spec === undefined) {
      throw new Error(`loadWeights: variable "${name}" has no saved weight (saved: ${specs.map((s) => s.name).join(', ')})`);
    }
    if (spec.dtype !== variable.dtype || !sameShape(spec.shape, variable.shape)) {
      throw new Error(
        `loadWeights: variable "${name}" is ${variable.dtype}[${variable.shape.join(', ')}] but the saved weight is ${spec.dtype}[${spec.shape.join(', ')}]`,
      );
    }
  }
  if (specs.length !== list.length) {
    const wanted = new Set(names);
    const extra = specs.filter((s) => !wanted.has(s.name)).map((s) => s.name);
    throw new Error(`loadWeights: the saved weights hold ${extra.map((n) => `"${n}"`).join(', ')}, which no variable takes`);
  }
  let decoded: tf.NamedTensorMap;
  try {
    decoded = tf.io.decodeWeights(artifacts.weightData, specs);
  } catch (error) {
    throw new Error(`loadWeights: could not decode the weight data: ${(error as Error).message}`);
  }
  try {
    tf.tidy(() => {
      for (let i = 0; i < list.length; i++) list[i]!.assign(decoded[names[i]!]!);
    });
  } finally {
    tf.dispose(decoded);
  }
}

function toList(variables: WeightSource): readonly tf.Variable[] {
  return 'trainableVariables' in variables ? variables.trainableVariables() : variables;
}

function uniqueNames(list: readonly tf.Variable[], fn: string): string[] {
  const names = list.map(variableName);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${fn}: two variables are named "${name}"; weight files match by name`);
    seen.add(name);
  }
  return names;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function resolveHandler(url: string, kind: 'save' | 'load'): tf.io.IOHandler {
  const handlers = kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length === 1) return handlers[0]!;
  if (handlers.length > 1) throw new Error(`${kind}Weights: several tf.io ${kind} handlers match "${url}"`);
  if (url.startsWith('file://')) {
    throw new Error(
      `${kind}Weights: no tf.io handler for "${url}": call registerFileSystem() from '@tfrl/core/node' first (or use @tensorflow/tfjs-node, which registers file://)`,
    );
  }
  throw new Error(`${kind}Weights: no tf.io ${kind} handler for "${url}"`);
}
