import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, type Checkpoint, type JsonObject, type RngState } from '@tfrl/core';
import type { AdamState, RmsPropState } from '@tfrl/core/nn';
import { actionSpecToJSON, type ActionSpec } from '../common/action-spec.js';
import { AgentCheckpoint, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import type { OptimizerState } from '../common/gradient-step.js';
import { readModelSpec } from '../common/model-spec.js';
import { a2cConfig, type A2cConfig } from './config.js';

const ALGORITHM = 'a2c';
const CONTEXT = `not a usable ${ALGORITHM} checkpoint`;

/** What the networks were built for. */
export interface A2cModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpec;
}

/** Progress counters of an A2C agent. */
export interface A2cCounters {
  /** Env steps over all runs. */
  steps: number;
  /** Episodes finished over all runs. */
  episodes: number;
  /** Gradient updates over all runs. */
  updates: number;
  /** `steps` when the current run began (schedules run from here)… */
  runStart: number;
  /** …to here. */
  runEnd: number;
}

const COUNTERS = ['steps', 'episodes', 'updates', 'runStart', 'runEnd'] as const;

/** The run in progress as saved: episodes in flight and the partial rollout. */
export interface A2cSavedRun {
  readonly collection: Collection;
  /** {@link RolloutBuffer.snapshot} bytes. */
  readonly rollout: Uint8Array;
  /** [nSteps × numEnvs] */
  readonly truncatedNextValues: Float32Array;
}

/** Everything {@link writeA2cCheckpoint} stores. */
export interface A2cCheckpointInput {
  readonly config: A2cConfig;
  readonly spec: A2cModelSpec;
  readonly rngState: RngState;
  readonly counters: A2cCounters;
  /** The ActorCritic's variables (trainableVariables order). */
  readonly variables: readonly tf.Variable[];
  /** The state of `config.optimizer`. */
  readonly optimizer: OptimizerState;
  readonly run: A2cSavedRun | null;
}

/**
 * The package's checkpoint layout (`writeAgentCheckpoint`): blobs `policy.<k>` (weights), `adam.m/v`
 * (or `rmsprop.squareAverage/momentumBuffer/gradAverage`),
 * and with a run in progress `observations` (in flight), `rollout` (the partial rollout) and
 * `truncatedNextValues`; the model spec and episode statistics in `extra`.
 */
export function writeA2cCheckpoint(input: A2cCheckpointInput): Checkpoint {
  const { run, spec } = input;
  const extra: JsonObject = { model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject } };
  if (run !== null) extra.collection = run.collection.toJSON();
  return writeAgentCheckpoint({
    algorithm: ALGORITHM,
    config: input.config as unknown as JsonObject,
    rngState: input.rngState,
    counters: { ...input.counters },
    variables: { policy: input.variables },
    optimizers: { [input.config.optimizer]: input.optimizer },
    blobs:
      run === null
        ? {}
        : {
            observations: Float32Array.from(run.collection.observations),
            rollout: { bytes: run.rollout },
            truncatedNextValues: Float32Array.from(run.truncatedNextValues),
          },
    extra,
  });
}

/** A checked view of an A2C checkpoint: header fields read at once, blobs on demand (each check throws a CheckpointError). */
export interface A2cCheckpointReader {
  readonly config: A2cConfig;
  readonly spec: A2cModelSpec;
  readonly counters: A2cCounters;
  readonly rngState: RngState;
  restoreVariables(variables: readonly tf.Variable[]): void;
  /** The state of `config.optimizer` for `variables`. */
  optimizer(variables: readonly tf.Variable[]): OptimizerState;
  run(): A2cSavedRun | null;
  /** `error` as a CheckpointError (others, e.g. a rollout snapshot of another shape, are wrapped). */
  wrap(error: unknown): unknown;
}

/** Reads and checks the header of an A2C checkpoint (algorithm, config, model spec, counters). */
export function readA2cCheckpoint(cp: Checkpoint): A2cCheckpointReader {
  const checkpoint = new AgentCheckpoint(cp, ALGORITHM);
  const fail = (problem: string): never => {
    throw new CheckpointError(CONTEXT, [problem]);
  };
  let config: A2cConfig;
  try {
    config = a2cConfig(checkpoint.config as unknown as Partial<A2cConfig>);
  } catch (error) {
    return fail(`config: ${(error as Error).message}`);
  }
  const spec = readModelSpec(checkpoint.extra.model, CONTEXT);
  const counters = checkpoint.counters(COUNTERS);
  const wrap = (error: unknown): unknown => (error instanceof CheckpointError ? error : new CheckpointError(CONTEXT, [(error as Error).message]));
  return {
    config,
    spec,
    counters,
    rngState: checkpoint.rngState,
    restoreVariables: (variables) => checkpoint.restoreVariables('policy', variables),
    optimizer(variables) {
      const size = variables.reduce((n, v) => n + v.size, 0);
      return config.optimizer === 'rmsprop'
        ? checkpoint.optimizerState<RmsPropState>('rmsprop', size, ['squareAverage', 'momentumBuffer', 'gradAverage'])
        : checkpoint.optimizerState<AdamState>('adam', size, ['m', 'v']);
    },
    run() {
      const json = checkpoint.extra.collection;
      if (json === undefined) return null;
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('extra.collection must be an object');
      const numEnvs = (json as JsonObject).numEnvs;
      if (!Number.isInteger(numEnvs) || (numEnvs as number) < 1) return fail(`extra.collection.numEnvs must be an integer >= 1, got ${String(numEnvs)}`);
      const rows = numEnvs as number;
      const observations = checkpoint.float32('observations', [rows * spec.observationSize]);
      let collection: Collection;
      try {
        collection = Collection.fromJSON(json as JsonObject, observations);
      } catch (error) {
        return fail(`extra.collection: ${(error as Error).message}`);
      }
      return {
        collection,
        rollout: checkpoint.bytes('rollout'),
        truncatedNextValues: checkpoint.float32('truncatedNextValues', [config.nSteps * rows]),
      };
    },
    wrap,
  };
}

