import {
  CheckpointError,
  EpisodeStatistics,
  assertValidCheckpoint,
  bytesFromBlob,
  createCheckpoint,
  typedArrayFromBlob,
  type AutoresetMode,
  type Checkpoint,
  type CheckpointBlobInput,
  type ExpectedBlob,
  type JsonObject,
  type RngState,
} from '@tfrl/core';
import { validateDqnConfig, type DqnConfig } from './config.js';

/** `algorithm` of DQN checkpoints. */
export const DQN_ALGORITHM = 'dqn';

/** What the network is built for: taken from the env on the first `learn`. */
export interface DqnModelSpec {
  observationSize: number;
  actions: number;
  /** The Discrete action space's `start`: env action = index + start. */
  actionStart: number;
  /** Whether observations carry action masks (stored beside them in replay). */
  masked: boolean;
}

/** Progress counters of an agent. */
export interface DqnCounters {
  steps: number;
  episodes: number;
  updates: number;
  /** Step at which the current run began and at which it ends (schedules run over it). */
  runStart: number;
  runEnd: number;
  /** Env steps collected since the last learning phase. */
  sinceTrain: number;
}

/** The episodes in progress when `learn` returned. */
export interface DqnCollection {
  numEnvs: number;
  autoresetMode: AutoresetMode;
  /** [numEnvs × observationSize] */
  observations: Float32Array;
  /** [numEnvs × actions], or null without masks. */
  masks: Float32Array | null;
  stats: EpisodeStatistics;
}

/** Everything a resumed agent needs, as plain data. */
export interface DqnSnapshot {
  config: DqnConfig;
  rngState: RngState;
  counters: DqnCounters;
  model: DqnModelSpec;
  /** One array per variable, with its shape: online then target net. */
  online: { data: Float32Array; shape: readonly number[] }[];
  target: { data: Float32Array; shape: readonly number[] }[];
  adam: { step: number; m: Float32Array; v: Float32Array };
  replay: { buffer: Uint8Array; adapter: Uint8Array | null };
  collection: DqnCollection | null;
}

/** The parts of a checkpoint readable before any network exists. */
export type DqnCheckpointHeader = Pick<DqnSnapshot, 'config' | 'rngState' | 'counters' | 'model'> & {
  collection: Omit<DqnCollection, 'observations' | 'masks'> | null;
  adamStep: number;
};

/** The config as JSON: every field but the `actionMask` function. */
function configJson(config: DqnConfig): JsonObject {
  const { actionMask: _function, ...rest } = config;
  return JSON.parse(JSON.stringify(rest)) as JsonObject;
}

/**
 * A core checkpoint of a DQN agent. Manifest: config, counters, Rng state, model spec and
 * episode statistics. Blobs: `online.<k>` and `target.<k>` per variable, `adam.m`, `adam.v`,
 * `replay` and `replay-windows` (the replay package's snapshots), `observations` and `masks`.
 */
export function writeDqnCheckpoint(snapshot: DqnSnapshot): Checkpoint {
  const { counters, collection } = snapshot;
  const blobs: Record<string, CheckpointBlobInput> = {};
  snapshot.online.forEach((v, k) => (blobs[`online.${k}`] = v));
  snapshot.target.forEach((v, k) => (blobs[`target.${k}`] = v));
  blobs['adam.m'] = snapshot.adam.m;
  blobs['adam.v'] = snapshot.adam.v;
  blobs.replay = { bytes: snapshot.replay.buffer };
  if (snapshot.replay.adapter !== null) blobs['replay-windows'] = { bytes: snapshot.replay.adapter };
  if (collection !== null) {
    blobs.observations = { data: collection.observations, shape: [collection.numEnvs, snapshot.model.observationSize] };
    if (collection.masks !== null) blobs.masks = { data: collection.masks, shape: [collection.numEnvs, snapshot.model.actions] };
  }
  return createCheckpoint({
    algorithm: DQN_ALGORITHM,
    config: configJson(snapshot.config),
    counters: { ...counters, adamStep: snapshot.adam.step },
    rngState: snapshot.rngState,
    blobs,
    extra: {
      model: { ...snapshot.model },
      collection:
        collection === null
          ? null
          : { numEnvs: collection.numEnvs, autoresetMode: collection.autoresetMode, stats: collection.stats.toJSON() as unknown as JsonObject },
    },
  });
}

function integerField(problems: string[], where: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) problems.push(`${where} must be an integer >= ${min}, got ${String(value)}`);
  return value as number;
}

/** Reads and checks the manifest of a DQN checkpoint; throws {@link CheckpointError} listing what is wrong. */
export function readDqnHeader(cp: Checkpoint): DqnCheckpointHeader {
  const context = 'not a usable DQN checkpoint';
  assertValidCheckpoint(cp, { algorithm: DQN_ALGORITHM }, context);
  const { manifest } = cp;
  let config: DqnConfig;
  try {
    config = validateDqnConfig(manifest.config as unknown as DqnConfig);
  } catch (error) {
    throw new CheckpointError(context, [`config: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const c = manifest.counters;
  const counters: DqnCounters = {
    steps: integerField(problems, 'counters.steps', c.steps, 0),
    episodes: integerField(problems, 'counters.episodes', c.episodes, 0),
    updates: integerField(problems, 'counters.updates', c.updates, 0),
    runStart: integerField(problems, 'counters.runStart', c.runStart, 0),
    runEnd: integerField(problems, 'counters.runEnd', c.runEnd, 0),
    sinceTrain: integerField(problems, 'counters.sinceTrain', c.sinceTrain, 0),
  };
  const adamStep = integerField(problems, 'counters.adamStep', c.adamStep, 0);
  const extra = (manifest.extra ?? {}) as { model?: Partial<DqnModelSpec>; collection?: Record<string, unknown> | null };
  const model: DqnModelSpec = {
    observationSize: integerField(problems, 'extra.model.observationSize', extra.model?.observationSize, 1),
    actions: integerField(problems, 'extra.model.actions', extra.model?.actions, 1),
    actionStart: integerField(problems, 'extra.model.actionStart', extra.model?.actionStart, Number.MIN_SAFE_INTEGER),
    masked: extra.model?.masked === true,
  };
  if (typeof extra.model?.masked !== 'boolean') problems.push(`extra.model.masked must be a boolean, got ${String(extra.model?.masked)}`);
  let collection: DqnCheckpointHeader['collection'] = null;
  if (extra.collection !== null && extra.collection !== undefined) {
    const numEnvs = integerField(problems, 'extra.collection.numEnvs', extra.collection.numEnvs, 1);
    const autoresetMode = extra.collection.autoresetMode as AutoresetMode;
    if (autoresetMode !== 'next-step' && autoresetMode !== 'same-step') problems.push(`extra.collection.autoresetMode is ${String(autoresetMode)}`);
    try {
      const stats = EpisodeStatistics.fromJSON(extra.collection.stats);
      collection = { numEnvs, autoresetMode, stats };
    } catch (error) {
      problems.push(`extra.collection.stats: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CheckpointError(context, problems);
  return { config, rngState: manifest.rngState, counters, model, collection, adamStep };
}

/**
 * The blobs of `cp` for a network with variable `shapes`; throws {@link CheckpointError} naming
 * every missing blob and every dtype or shape that differs (a checkpoint of another net).
 */
export function readDqnBlobs(cp: Checkpoint, header: DqnCheckpointHeader, shapes: readonly (readonly number[])[]): Omit<DqnSnapshot, keyof DqnCheckpointHeader | 'collection'> & {
  observations: Float32Array | null;
  masks: Float32Array | null;
} {
  const parameters = shapes.reduce((total, shape) => total + shape.reduce((a, b) => a * b, 1), 0);
  const expected: Record<string, ExpectedBlob> = { replay: { dtype: 'bytes' } };
  shapes.forEach((shape, k) => {
    expected[`online.${k}`] = { dtype: 'float32', shape };
    expected[`target.${k}`] = { dtype: 'float32', shape };
  });
  const adamShape = [header.adamStep > 0 ? parameters : 0];
  expected['adam.m'] = { dtype: 'float32', shape: adamShape };
  expected['adam.v'] = { dtype: 'float32', shape: adamShape };
  const run = header.collection;
  if (run !== null) {
    expected.observations = { dtype: 'float32', shape: [run.numEnvs, header.model.observationSize] };
    if (header.model.masked) expected.masks = { dtype: 'float32', shape: [run.numEnvs, header.model.actions] };
  }
  const problems: string[] = [];
  const extraOnline = Object.keys(cp.manifest.blobs).filter((name) => /^(online|target)\.\d+$/.test(name) && !(name in expected));
  for (const name of extraOnline) problems.push(`blob ${JSON.stringify(name)}: the network has only ${shapes.length} variables`);
  if (problems.length > 0) throw new CheckpointError('DQN checkpoint does not fit the network its config describes', problems);
  assertValidCheckpoint(cp, { algorithm: DQN_ALGORITHM, blobs: expected }, 'DQN checkpoint does not fit the network its config describes');
  const read = (name: string) => typedArrayFromBlob(cp, name, 'float32');
  return {
    online: shapes.map((shape, k) => ({ data: read(`online.${k}`), shape })),
    target: shapes.map((shape, k) => ({ data: read(`target.${k}`), shape })),
    adam: { step: header.adamStep, m: read('adam.m'), v: read('adam.v') },
    replay: { buffer: bytesFromBlob(cp, 'replay'), adapter: 'replay-windows' in cp.manifest.blobs ? bytesFromBlob(cp, 'replay-windows') : null },
    observations: run === null ? null : read('observations'),
    masks: run !== null && header.model.masked ? read('masks') : null,
  };
}
