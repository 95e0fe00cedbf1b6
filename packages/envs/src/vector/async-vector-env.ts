import {
  VECTOR_ENV_API_VERSION,
  spaceFromJSON,
  spacesEqual,
  type AutoresetMode,
  type Info,
  type Space,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from '@tfrl/core';
import type { BatchReply, InitReply, SharedBuffers, WorkerEnvSource } from './protocol.js';
import { checkActions, checkAutoresetMode, checkResetOptions } from './vector-checks.js';
import { loadWorkerPlatform } from './worker-platform.js';
import { WorkerPool } from './worker-pool.js';

/**
 * Which env the workers build: a registered id (`makeEnv(id, options)` of this package's
 * registry in the worker; envs registered with `registerEnv` in the calling thread are not
 * there), or an export of a module the worker imports: a class constructed as
 * `new Export(options, { index })` or a function called as `Export(options, { index })`,
 * `index` being the sub-env's index. `options` must survive `structuredClone`.
 */
export type AsyncVectorEnvSource =
  | { id: string; options?: Record<string, unknown> }
  | {
      /** URL, or a file path (Node: relative to the working directory; browser: to the page). */
      module: string | URL;
      /** Default `'default'`. */
      exportName?: string;
      options?: Record<string, unknown>;
    };

/** What a module env factory receives after its options. */
export interface EnvFactoryContext {
  /** Index of the sub-env in the vector env. */
  index: number;
}

/** Options of {@link AsyncVectorEnv.create}. */
export interface AsyncVectorEnvOptions {
  /** Number of sub-envs. */
  numEnvs: number;
  /** The env each sub-env is. */
  env: AsyncVectorEnvSource;
  /** Worker threads; each runs a contiguous share of the sub-envs. Default min(numEnvs, available cores). */
  workers?: number;
  /** How finished sub-envs restart (see core's `AutoresetMode`). Default `'next-step'`. */
  autoresetMode?: AutoresetMode;
  /**
   * Milliseconds a call (create, reset, step, close) may take before it rejects and every
   * worker is terminated. Default: no limit for create, reset and step; 1 000 ms for close,
   * after which the workers are terminated anyway.
   */
  timeoutMs?: number;
  /**
   * Exchange observations, rewards, flags and actions through SharedArrayBuffers (false: copies
   * in messages). Default: where available (Node; browsers only when `crossOriginIsolated`).
   */
  sharedMemory?: boolean;
  /** The worker script; default the package's `vector-worker.js` next to the module that holds this class. */
  workerUrl?: string | URL;
}

const OWNER = 'AsyncVectorEnv';
const DEFAULT_CLOSE_TIMEOUT_MS = 1000;

/**
 * Gymnasium's `AsyncVectorEnv`: sub-envs in worker threads (Node `worker_threads`, Web Workers
 * in the browser), several per worker, stepped in parallel across workers. Same results as a
 * {@link SyncVectorEnv} of the same envs and seeds. Create it with `await
 * AsyncVectorEnv.create(options)` (the spaces come from the workers).
 *
 * A sub-env that throws rejects the call with a `SubEnvError` naming it and carrying the
 * original message and stack; reset before stepping on. A worker that dies or misses the
 * `timeoutMs` deadline rejects the call (naming the sub-env it was running when known),
 * terminates every worker and makes every later call reject. `close()` always terminates the
 * workers and may be called any number of times. Every call returns new arrays.
 */
export class AsyncVectorEnv<O = unknown, A = unknown> implements VectorEnv<O, A> {
  readonly apiVersion = VECTOR_ENV_API_VERSION;
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<O>;
  readonly singleActionSpace: Space<A>;
  readonly observationSize: number;
  readonly autoresetMode: AutoresetMode;
  /** Number of worker threads. */
  readonly numWorkers: number;
  /** True when the workers exchange data through SharedArrayBuffers, false when through copies. */
  readonly sharedMemory: boolean;
  private readonly pool: WorkerPool;
  private readonly timeoutMs: number | undefined;
  private readonly discreteActions: boolean;
  private readonly actionSize: number;
  /** Latest observations (shared, or the host's copy); a masked reset keeps the other rows. */
  private readonly observations: Float32Array;
  private readonly shared: {
    rewards: Float64Array;
    terminated: Uint8Array;
    truncated: Uint8Array;
    finalObservations: Float32Array | null;
    actions: Int32Array | Float32Array;
  } | null;
  /** Host-side view of the sub-envs' state, to refuse a call before any worker acts on it. */
  private readonly started: Uint8Array;
  private readonly ended: Uint8Array;
  private busy = false;
  private closing: Promise<void> | null = null;

  /** Starts the workers, builds the sub-envs in them and resolves once all are ready. */
  static async create<O = unknown, A = unknown>(options: AsyncVectorEnvOptions): Promise<AsyncVectorEnv<O, A>> {
    const { numEnvs, timeoutMs } = options;
    const autoresetMode = options.autoresetMode ?? 'next-step';
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`${OWNER}: numEnvs must be a positive integer, got ${numEnvs}`);
    checkAutoresetMode(OWNER, autoresetMode);
    if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
      throw new RangeError(`${OWNER}: workers must be a positive integer, got ${options.workers}`);
    }
    if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
      throw new RangeError(`${OWNER}: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
    }
    const platform = await loadWorkerPlatform();
    const sharedMemory = options.sharedMemory ?? platform.sharedMemory;
    if (sharedMemory && !platform.sharedMemory) {
      throw new Error(`${OWNER}: sharedMemory needs SharedArrayBuffer (in browsers, a cross-origin isolated page)`);
    }
    const source = workerSource(options.env, (module) => platform.resolveModule(module));
    const numWorkers = Math.min(options.workers ?? Math.max(1, platform.cores), numEnvs);
    const layout = Array.from({ length: numWorkers }, (_, w) => {
      // Contiguous shares whose sizes differ by at most one.
      const firstIndex = Math.floor((w * numEnvs) / numWorkers);
      return { firstIndex, count: Math.floor(((w + 1) * numEnvs) / numWorkers) - firstIndex };
    });
    const pool = new WorkerPool(OWNER, platform, options.workerUrl, layout);
    try {
      if (platform.sharedMemory) pool.progress = new Int32Array(new SharedArrayBuffer(4 * numWorkers)).fill(-1);
      const replies = await pool.all<InitReply>(
        'init',
        (worker, id) => [
          { type: 'init', id, worker: worker.index, firstIndex: worker.firstIndex, count: worker.count, autoresetMode, source },
          [],
        ],
        timeoutMs,
      );
      const observationSpace = spaceFromJSON(replies[0]!.observationSpace) as Space<O>;
      const actionSpace = spaceFromJSON(replies[0]!.actionSpace) as Space<A>;
      replies.forEach((reply, w) => {
        if (!spacesEqual(spaceFromJSON(reply.observationSpace), observationSpace) || !spacesEqual(spaceFromJSON(reply.actionSpace), actionSpace)) {
          throw new TypeError(`${OWNER}: the sub-envs of worker ${w} have other spaces than those of worker 0`);
        }
      });
      return new AsyncVectorEnv<O, A>({ numEnvs, autoresetMode, timeoutMs, sharedMemory, pool, observationSpace, actionSpace });
    } catch (error) {
      await pool.terminate();
      throw error;
    }
  }

  private constructor(init: {
    numEnvs: number;
    autoresetMode: AutoresetMode;
    timeoutMs: number | undefined;
    sharedMemory: boolean;
    pool: WorkerPool;
    observationSpace: Space<O>;
    actionSpace: Space<A>;
  }) {
    const { numEnvs, pool } = init;
    this.numEnvs = numEnvs;
    this.autoresetMode = init.autoresetMode;
    this.timeoutMs = init.timeoutMs;
    this.sharedMemory = init.sharedMemory;
    this.pool = pool;
    this.numWorkers = pool.workers.length;
    this.singleObservationSpace = init.observationSpace;
    this.singleActionSpace = init.actionSpace;
    const kind = init.actionSpace.kind;
    this.discreteActions = kind === 'discrete';
    this.actionSize = this.discreteActions ? 1 : init.actionSpace.flatDim;
    const size = (this.observationSize = init.observationSpace.flatDim);
    this.started = new Uint8Array(numEnvs);
    this.ended = new Uint8Array(numEnvs);
    if (!init.sharedMemory) {
      this.observations = new Float32Array(numEnvs * size);
      this.shared = null;
      for (const worker of pool.workers) pool.post(worker.index, { type: 'attach', shared: null, progress: sharedProgress(pool) });
      return;
    }
    const buffers: SharedBuffers = {
      observations: new SharedArrayBuffer(4 * numEnvs * size),
      finalObservations: this.autoresetMode === 'same-step' ? new SharedArrayBuffer(4 * numEnvs * size) : null,
      rewards: new SharedArrayBuffer(8 * numEnvs),
      terminated: new SharedArrayBuffer(numEnvs),
      truncated: new SharedArrayBuffer(numEnvs),
      actions: new SharedArrayBuffer(4 * numEnvs * this.actionSize),
    };
    this.observations = new Float32Array(buffers.observations);
    this.shared = {
      rewards: new Float64Array(buffers.rewards),
      terminated: new Uint8Array(buffers.terminated),
      truncated: new Uint8Array(buffers.truncated),
      finalObservations: buffers.finalObservations === null ? null : new Float32Array(buffers.finalObservations),
      actions: this.discreteActions ? new Int32Array(buffers.actions) : new Float32Array(buffers.actions),
    };
    for (const worker of pool.workers) pool.post(worker.index, { type: 'attach', shared: buffers, progress: sharedProgress(pool) });
  }

  /** Resets every sub-env (those where `mask` is non-zero with one); sub-env i gets seed `seed + i`. */
  async reset(options: VectorResetOptions = {}): Promise<VectorResetResult> {
    this.checkOpen();
    const { seed, mask } = options;
    checkResetOptions(OWNER, this.numEnvs, seed, mask);
    const replies = await this.call<BatchReply>('reset', (worker, id) => {
      const message: { type: 'reset'; id: number; seed?: number; mask?: Uint8Array; options?: Record<string, unknown> } = { type: 'reset', id };
      if (seed !== undefined) message.seed = seed;
      if (mask !== undefined) message.mask = Uint8Array.from(mask.subarray(worker.firstIndex, worker.firstIndex + worker.count));
      if (options.options !== undefined) message.options = options.options;
      return [message, []];
    });
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask === undefined || mask[i]) {
        this.started[i] = 1;
        this.ended[i] = 0;
      }
    }
    const infos = this.gather(replies, null);
    return { observations: this.observations.slice(), infos };
  }

  /** Steps every sub-env once; see core's `AutoresetMode` for what happens at episode ends. */
  async step(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    this.checkOpen();
    const { numEnvs, actionSize } = this;
    checkActions(OWNER, actions, this.discreteActions, numEnvs, actionSize);
    for (let i = 0; i < numEnvs; i++) {
      if (!this.started[i]) throw new Error(`${OWNER}.step: sub-env ${i} has not been reset (or its last call failed); call reset() first`);
      if (this.ended[i]) {
        throw new Error(`${OWNER}.step: the episode of sub-env ${i} has ended and autoresetMode is 'disabled'; reset it with reset({ mask })`);
      }
    }
    const shared = this.shared;
    const sameStep = this.autoresetMode === 'same-step';
    const result: VectorStepResult = {
      observations: this.observations, // replaced below
      rewards: new Float64Array(numEnvs),
      terminated: new Uint8Array(numEnvs),
      truncated: new Uint8Array(numEnvs),
      infos: [],
    };
    if (sameStep) result.finalObservations = new Float32Array(numEnvs * this.observationSize);
    if (shared !== null) shared.actions.set(actions);
    const replies = await this.call<BatchReply>('step', (worker, id) => {
      if (shared !== null) return [{ type: 'step', id }, []];
      const rows = actions.slice(worker.firstIndex * actionSize, (worker.firstIndex + worker.count) * actionSize);
      return [{ type: 'step', id, actions: rows }, [rows.buffer]];
    });
    if (shared !== null) {
      result.rewards.set(shared.rewards);
      result.terminated.set(shared.terminated);
      result.truncated.set(shared.truncated);
      if (sameStep) result.finalObservations!.set(shared.finalObservations!);
    }
    result.infos = this.gather(replies, result);
    result.observations = this.observations.slice();
    if (this.autoresetMode === 'disabled') {
      for (let i = 0; i < numEnvs; i++) this.ended[i] = result.terminated[i]! | result.truncated[i]!;
    }
    return result;
  }

  /**
   * Closes the sub-envs and terminates the workers, also after a failure; later calls return the
   * same promise. Rejects with the first sub-env whose `close` threw (the workers are gone anyway).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      let failure: unknown = null;
      if (this.pool.failed === null) {
        try {
          await this.pool.all('close', (_worker, id) => [{ type: 'close', id }, []], this.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        } catch (error) {
          // A worker that does not answer in time is terminated below like the others.
          if (error !== this.pool.failed) failure = error;
        }
      }
      await this.pool.terminate();
      if (failure !== null) throw failure;
    })();
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closing !== null) throw new Error(`${OWNER}: the vector env is closed`);
  }

  /** One call on every worker, one at a time. */
  private async call<R>(call: 'reset' | 'step', message: Parameters<WorkerPool['all']>[1]): Promise<R[]> {
    if (this.busy) throw new Error(`${OWNER}.${call}: another reset() or step() is still running; await it first`);
    this.busy = true;
    try {
      return await this.pool.all<R>(call, message, this.timeoutMs);
    } catch (error) {
      const envIndex = (error as { envIndex?: unknown }).envIndex;
      if (typeof envIndex === 'number') this.started[envIndex] = 0;
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Copies the workers' rows (copy mode) into the host arrays and returns all infos. */
  private gather(replies: BatchReply[], result: VectorStepResult | null): Info[] {
    const infos = new Array<Info>(this.numEnvs);
    const size = this.observationSize;
    this.pool.workers.forEach((worker, w) => {
      const reply = replies[w]!;
      const first = worker.firstIndex;
      for (let j = 0; j < worker.count; j++) infos[first + j] = reply.infos?.[j] ?? {};
      if (this.shared !== null) return;
      this.observations.set(reply.observations!, first * size);
      if (result === null) return;
      result.rewards.set(reply.rewards!, first);
      result.terminated.set(reply.terminated!, first);
      result.truncated.set(reply.truncated!, first);
      if (result.finalObservations !== undefined) result.finalObservations.set(reply.finalObservations!, first * size);
    });
    return infos;
  }
}

function sharedProgress(pool: WorkerPool): SharedArrayBuffer | null {
  return pool.progress === null ? null : (pool.progress.buffer as SharedArrayBuffer);
}

function workerSource(env: AsyncVectorEnvSource, resolveModule: (module: string | URL) => string): WorkerEnvSource {
  if (typeof env !== 'object' || env === null) throw new TypeError(`${OWNER}: env must be { id } or { module }`);
  if ('id' in env && typeof env.id === 'string') {
    return env.options === undefined ? { kind: 'registry', id: env.id } : { kind: 'registry', id: env.id, options: env.options };
  }
  if ('module' in env && (typeof env.module === 'string' || env.module instanceof URL)) {
    const source: WorkerEnvSource = { kind: 'module', url: resolveModule(env.module), exportName: env.exportName ?? 'default' };
    if (env.options !== undefined) source.options = env.options;
    return source;
  }
  throw new TypeError(`${OWNER}: env must be { id: string } or { module: string | URL }`);
}
