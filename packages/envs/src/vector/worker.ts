// Entry script of an AsyncVectorEnv worker (built to dist/vector-worker.js). It runs in a Node
// worker thread or a Web Worker, builds its share of the sub-envs and runs them with EnvBatch.
// Unlike the package's modules it acts on load: it is only ever started as a worker.
import type { Env, Info } from '@tfrl/core';
import { makeEnv } from '../registry.js';
import { EnvBatch, type EnvBatchOutputs } from './env-batch.js';
import type { BatchReply, HostMessage, InitReply, SharedBuffers, WorkerEnvSource, WorkerMessage } from './protocol.js';
import { SubEnvError, serializeError } from './sub-env-error.js';

const OWNER = 'AsyncVectorEnv';

/** The worker's side of the message channel, the same on both platforms. */
interface Endpoint {
  post(message: WorkerMessage, transfer: Transferable[]): void;
  listen(handler: (message: HostMessage) => void): void;
}

interface NodeParentPort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', handler: (message: HostMessage) => void): void;
}

async function connect(): Promise<Endpoint> {
  const scope = globalThis as unknown as {
    WorkerGlobalScope?: unknown;
    postMessage(message: unknown, transfer: Transferable[]): void;
    addEventListener(type: 'message', handler: (event: MessageEvent<HostMessage>) => void): void;
  };
  if (scope.WorkerGlobalScope !== undefined) {
    return {
      post: (message, transfer) => scope.postMessage(message, transfer),
      listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
    };
  }
  // A variable specifier keeps browser bundlers from trying to resolve the Node built-in.
  const specifier = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as { parentPort: NodeParentPort | null };
  if (parentPort === null) throw new Error('AsyncVectorEnv worker: not started as a worker thread');
  return {
    post: (message, transfer) => parentPort.postMessage(message, transfer),
    listen: (handler) => parentPort.on('message', handler),
  };
}

function isClass(fn: (...args: never[]) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** A function that builds sub-env `index` from `source`. */
async function envBuilder(source: WorkerEnvSource): Promise<(index: number) => Env> {
  if (source.kind === 'registry') return () => makeEnv(source.id, source.options ?? {}) as Env;
  const module = (await import(/* @vite-ignore */ /* webpackIgnore: true */ source.url)) as Record<string, unknown>;
  const factory = module[source.exportName];
  if (typeof factory !== 'function') {
    throw new TypeError(`${OWNER}: module ${source.url} has no export '${source.exportName}' that is a function or a class`);
  }
  const options = source.options ?? {};
  if (isClass(factory as () => unknown)) {
    const EnvClass = factory as new (options: unknown, context: { index: number }) => Env;
    return (index) => new EnvClass(options, { index });
  }
  const create = factory as (options: unknown, context: { index: number }) => Env;
  return (index) => create(options, { index });
}

/** Infos as sent: null when all are empty, which is the common case. */
function packInfos(infos: Info[]): Info[] | null {
  for (const info of infos) {
    for (const _key in info) return infos;
  }
  return null;
}

class WorkerState {
  private batch: EnvBatch | null = null;
  private shared = false;
  private out: EnvBatchOutputs | null = null;
  private actions: Int32Array | Float32Array | null = null;

  constructor(private readonly endpoint: Endpoint) {}

  async handle(message: HostMessage): Promise<void> {
    if (message.type === 'attach') {
      this.attach(message.shared, message.progress);
      return;
    }
    try {
      const [reply, transfer] = await this.answer(message);
      this.endpoint.post({ type: 'done', id: message.id, reply }, transfer);
    } catch (error) {
      const sub = error instanceof SubEnvError ? error : null;
      this.endpoint.post(
        {
          type: 'failed',
          id: message.id,
          envIndex: sub?.envIndex ?? null,
          phase: sub?.phase ?? null,
          error: serializeError(sub === null ? error : sub.cause),
        },
        [],
      );
    }
  }

  private async answer(message: Exclude<HostMessage, { type: 'attach' }>): Promise<[InitReply | BatchReply | null, Transferable[]]> {
    switch (message.type) {
      case 'init':
        return [await this.init(message), []];
      case 'reset': {
        const { batch, out } = this.ready();
        const infos = batch.reset(out.observations, message.seed, message.mask, message.options);
        return this.reply(infos, false);
      }
      case 'step': {
        const { batch, out } = this.ready();
        const actions = this.shared ? this.actions! : message.actions!;
        if (!this.shared) {
          out.rewards = new Float64Array(batch.count);
          out.terminated = new Uint8Array(batch.count);
          out.truncated = new Uint8Array(batch.count);
          if (out.finalObservations !== undefined) out.finalObservations = new Float32Array(batch.count * batch.observationSize);
        }
        const infos = batch.step(actions, out);
        return this.reply(infos, true);
      }
      case 'close':
        this.batch?.close();
        return [null, []];
    }
  }

  private async init(message: Extract<HostMessage, { type: 'init' }>): Promise<InitReply> {
    const build = await envBuilder(message.source);
    const envs: Env[] = [];
    for (let i = 0; i < message.count; i++) {
      const index = message.firstIndex + i;
      try {
        envs.push(build(index));
      } catch (error) {
        for (const env of envs) env.close?.();
        throw new SubEnvError(OWNER, index, 'create', error);
      }
    }
    this.batch = new EnvBatch(OWNER, envs, message.autoresetMode, message.firstIndex);
    this.batch.progressSlot = message.worker;
    return { observationSpace: this.batch.observationSpace.toJSON(), actionSpace: this.batch.actionSpace.toJSON() };
  }

  /** Views on the shared rows of this worker's sub-envs, or private arrays without shared memory. */
  private attach(shared: SharedBuffers | null, progress: SharedArrayBuffer | null): void {
    const batch = this.batch!;
    const { count, firstIndex, observationSize: size, actionSize } = batch;
    const sameStep = batch.autoresetMode === 'same-step';
    batch.progress = progress === null ? null : new Int32Array(progress);
    this.shared = shared !== null;
    if (shared === null) {
      this.out = {
        observations: new Float32Array(count * size),
        rewards: new Float64Array(count),
        terminated: new Uint8Array(count),
        truncated: new Uint8Array(count),
        finalObservations: sameStep ? new Float32Array(count * size) : undefined,
      };
      return;
    }
    const rows = (buffer: SharedArrayBuffer) => new Float32Array(buffer, firstIndex * size * 4, count * size);
    this.out = {
      observations: rows(shared.observations),
      rewards: new Float64Array(shared.rewards, firstIndex * 8, count),
      terminated: new Uint8Array(shared.terminated, firstIndex, count),
      truncated: new Uint8Array(shared.truncated, firstIndex, count),
      finalObservations: shared.finalObservations === null ? undefined : rows(shared.finalObservations),
    };
    const start = firstIndex * actionSize * 4;
    this.actions = batch.discreteActions
      ? new Int32Array(shared.actions, start, count * actionSize)
      : new Float32Array(shared.actions, start, count * actionSize);
  }

  private ready(): { batch: EnvBatch; out: EnvBatchOutputs } {
    if (this.batch === null || this.out === null) throw new Error(`${OWNER} worker: reset/step before init`);
    return { batch: this.batch, out: this.out };
  }

  private reply(infos: Info[], step: boolean): [BatchReply, Transferable[]] {
    const reply: BatchReply = { infos: packInfos(infos) };
    if (this.shared) return [reply, []];
    const out = this.out!;
    // The observations stay here (a masked reset keeps the other rows), so a copy goes out.
    reply.observations = out.observations.slice();
    const transfer: Transferable[] = [reply.observations.buffer];
    if (step) {
      reply.rewards = out.rewards;
      reply.terminated = out.terminated;
      reply.truncated = out.truncated;
      transfer.push(out.rewards.buffer, out.terminated.buffer, out.truncated.buffer);
      if (out.finalObservations !== undefined) {
        reply.finalObservations = out.finalObservations;
        transfer.push(out.finalObservations.buffer);
      }
    }
    return [reply, transfer];
  }
}

void connect().then((endpoint) => {
  const state = new WorkerState(endpoint);
  // One message at a time, in order, even while `init` awaits a module import.
  let queue = Promise.resolve();
  endpoint.listen((message) => {
    queue = queue.then(() => state.handle(message));
  });
});
