import type { HostMessage, WorkerMessage } from './protocol.js';
import { SubEnvError, deserializeError, type SubEnvPhase } from './sub-env-error.js';
import type { WorkerHandle, WorkerPlatform } from './worker-platform.js';

/** The calls a pool makes; each but `attach` is answered. */
export type PoolCall = 'init' | 'reset' | 'step' | 'close';

interface Pending {
  call: PoolCall;
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

/** One worker and the contiguous sub-envs `firstIndex .. firstIndex + count − 1` it runs. */
export interface PoolWorker {
  readonly index: number;
  readonly firstIndex: number;
  readonly count: number;
  readonly handle: WorkerHandle;
  readonly pending: Map<number, Pending>;
}

const PHASE: Record<PoolCall, SubEnvPhase> = { init: 'create', reset: 'reset', step: 'step', close: 'close' };

/**
 * The workers of an AsyncVectorEnv: fans a call out to all of them and gathers the answers.
 * A worker that dies, errors outside a call, or misses the call's deadline is fatal: every
 * worker is terminated and every later call rejects with that first failure, so no call can
 * hang on a dead worker.
 */
export class WorkerPool {
  readonly workers: PoolWorker[];
  /** When set (shared memory), `progress[w]` is the sub-env worker w is calling, −1 between calls. */
  progress: Int32Array | null = null;
  private failure: Error | null = null;
  private terminating: Promise<void> | null = null;
  private nextId = 1;

  constructor(
    private readonly owner: string,
    platform: WorkerPlatform,
    workerUrl: URL | string | undefined,
    layout: readonly { firstIndex: number; count: number }[],
  ) {
    this.workers = [];
    try {
      for (const [index, { firstIndex, count }] of layout.entries()) {
        const pending = new Map<number, Pending>();
        const handle = platform.spawn(workerUrl, {
          message: (message) => this.onMessage(index, message),
          error: (error) => this.onDeath(index, 'failed with an uncaught error', error),
          exit: (code) => this.onDeath(index, `exited with code ${code}`, null),
        });
        this.workers.push({ index, firstIndex, count, handle, pending });
      }
    } catch (error) {
      void this.terminate();
      throw error;
    }
  }

  /** The fatal failure, once one happened. */
  get failed(): Error | null {
    return this.failure;
  }

  /** Posts a message that has no answer to worker `index`. */
  post(index: number, message: HostMessage, transfer: Transferable[] = []): void {
    this.workers[index]!.handle.post(message, transfer);
  }

  /**
   * Sends `call` to every worker (`message` builds each one's message with the call id) and
   * resolves with their answers in worker order. Waits for every worker before rejecting, so no
   * answer of this call arrives during the next one; rejects with the fatal failure if one
   * happened, else with the error of the lowest-numbered worker that failed.
   */
  async all<R>(
    call: PoolCall,
    message: (worker: PoolWorker, id: number) => [HostMessage, Transferable[]],
    timeoutMs?: number,
  ): Promise<R[]> {
    if (this.failure !== null) throw this.failure;
    if (this.terminating !== null) throw new Error(`${this.owner}: the vector env is closed`);
    const answers = this.workers.map(
      (worker) =>
        new Promise<R>((resolve, reject) => {
          const id = this.nextId++;
          worker.pending.set(id, { call, resolve: resolve as (reply: unknown) => void, reject });
          worker.handle.setBusy(true);
          const [msg, transfer] = message(worker, id);
          worker.handle.post(msg, transfer);
        }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const late = this.workers.find((worker) => [...worker.pending.values()].some((p) => p.call === call));
        if (late !== undefined) this.fail(late, `timed out after ${timeoutMs} ms`, null, call);
      }, timeoutMs);
    }
    const settled = await Promise.allSettled(answers);
    clearTimeout(timer);
    if (this.failure !== null) throw this.failure;
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected !== undefined) throw rejected.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
  }

  /** Terminates every worker (idempotent); calls still waiting reject. */
  terminate(): Promise<void> {
    this.terminating ??= (async () => {
      const closed = this.failure ?? new Error(`${this.owner}: the vector env was closed during the call`);
      for (const worker of this.workers) this.rejectAll(worker, closed);
      await Promise.all(this.workers.map((worker) => worker.handle.terminate().catch(() => undefined)));
    })();
    return this.terminating;
  }

  private onMessage(index: number, message: WorkerMessage): void {
    const worker = this.workers[index]!;
    const pending = worker.pending.get(message.id);
    if (pending === undefined) return; // answer to a call that already failed
    worker.pending.delete(message.id);
    if (worker.pending.size === 0) worker.handle.setBusy(false);
    if (message.type === 'done') {
      pending.resolve(message.reply);
      return;
    }
    const cause = deserializeError(message.error);
    if (message.envIndex !== null && message.phase !== null) {
      pending.reject(new SubEnvError(this.owner, message.envIndex, message.phase, cause));
    } else {
      pending.reject(new Error(`${this.owner}: worker ${index} (${this.range(worker)}) failed in ${pending.call}(): ${cause.message}`, { cause }));
    }
  }

  private onDeath(index: number, what: string, cause: Error | null): void {
    if (this.terminating !== null || this.failure !== null) return;
    const worker = this.workers[index]!;
    const call = [...worker.pending.values()][0]?.call ?? null;
    this.fail(worker, what, cause, call);
  }

  /** Records a fatal failure of `worker` (blaming the sub-env it was calling, if known) and shuts the pool down. */
  private fail(worker: PoolWorker, what: string, cause: Error | null, call: PoolCall | null): void {
    if (this.failure !== null) return;
    const during = call === null ? '' : ` during ${call}()`;
    const description = `worker ${worker.index} (${this.range(worker)}) ${what}${during}${cause === null ? '' : `: ${cause.message}`}`;
    const current = this.progress?.[worker.index] ?? -1;
    if (current >= 0 && call !== null) {
      const reason = new Error(description, cause === null ? undefined : { cause });
      // The worker's stack (of an uncaught error) is the one that points at the env's code.
      if (cause?.stack !== undefined) reason.stack = `Error: ${description}\n${cause.stack}`;
      this.failure = new SubEnvError(this.owner, current, PHASE[call], reason);
    } else {
      this.failure = new Error(`${this.owner}: ${description}`, cause === null ? undefined : { cause });
    }
    void this.terminate();
  }

  private rejectAll(worker: PoolWorker, error: Error): void {
    for (const pending of worker.pending.values()) pending.reject(error);
    worker.pending.clear();
  }

  private range(worker: PoolWorker): string {
    return worker.count === 1 ? `sub-env ${worker.firstIndex}` : `sub-envs ${worker.firstIndex}–${worker.firstIndex + worker.count - 1}`;
  }
}
