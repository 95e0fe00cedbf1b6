// Messages between AsyncVectorEnv and its workers, the same for worker_threads and Web Workers.
import type { AutoresetMode, Info, SpaceJSON } from '@tfrl/core';
import type { SerializedError, SubEnvPhase } from './sub-env-error.js';

/** How a worker builds its sub-envs. */
export type WorkerEnvSource =
  | { kind: 'registry'; id: string; options?: Record<string, unknown> }
  | { kind: 'module'; url: string; exportName: string; options?: Record<string, unknown> };

/**
 * SharedArrayBuffers holding every sub-env's rows; a worker works on the rows of its own
 * sub-envs. `progress[worker]` is the sub-env a worker is calling (−1 between calls), so a
 * worker that dies can be blamed on the right sub-env.
 */
export interface SharedBuffers {
  observations: SharedArrayBuffer; // f32 [numEnvs × observationSize]
  finalObservations: SharedArrayBuffer | null; // f32 [numEnvs × observationSize], same-step only
  rewards: SharedArrayBuffer; // f64 [numEnvs]
  terminated: SharedArrayBuffer; // u8 [numEnvs]
  truncated: SharedArrayBuffer; // u8 [numEnvs]
  actions: SharedArrayBuffer; // i32 or f32 [numEnvs × actionSize]
}

/** Host → worker. Every message but `attach` is answered with a `done` or `failed` of its id. */
export type HostMessage =
  | { type: 'init'; id: number; worker: number; firstIndex: number; count: number; autoresetMode: AutoresetMode; source: WorkerEnvSource }
  | { type: 'attach'; shared: SharedBuffers | null; progress: SharedArrayBuffer | null }
  | { type: 'reset'; id: number; seed?: number; mask?: Uint8Array; options?: Record<string, unknown> }
  /** `actions` only without shared memory: the worker's rows. */
  | { type: 'step'; id: number; actions?: Int32Array | Float32Array }
  | { type: 'close'; id: number };

/** What `init` answers. */
export interface InitReply {
  observationSpace: SpaceJSON;
  actionSpace: SpaceJSON;
}

/**
 * What `reset` and `step` answer. The arrays (the worker's rows) come only without shared
 * memory; `infos` is null when every info is empty.
 */
export interface BatchReply {
  infos: Info[] | null;
  observations?: Float32Array;
  rewards?: Float64Array;
  terminated?: Uint8Array;
  truncated?: Uint8Array;
  finalObservations?: Float32Array;
}

/** Worker → host. */
export type WorkerMessage =
  | { type: 'done'; id: number; reply: InitReply | BatchReply | null }
  | { type: 'failed'; id: number; envIndex: number | null; phase: SubEnvPhase | null; error: SerializedError };
