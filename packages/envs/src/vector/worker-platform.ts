// The thin platform layer under AsyncVectorEnv: Node's worker_threads or the browser's Web
// Workers behind one interface. Node modules are loaded with dynamic imports of variable
// specifiers, so nothing Node-only is imported at load time or seen by browser bundlers.
import type { HostMessage, WorkerMessage } from './protocol.js';

/** What a started worker reports. */
export interface WorkerEvents {
  message(message: WorkerMessage): void;
  /** An uncaught error in the worker (the worker is then gone, or unusable). */
  error(error: Error): void;
  /** The worker stopped (Node only; browsers do not report it). */
  exit(code: number): void;
}

/** A started worker. */
export interface WorkerHandle {
  post(message: HostMessage, transfer?: Transferable[]): void;
  /** While false the worker does not keep a Node process alive. */
  setBusy(busy: boolean): void;
  terminate(): Promise<void>;
}

/** How AsyncVectorEnv starts workers where it runs. */
export interface WorkerPlatform {
  readonly name: 'node' | 'browser';
  /** Logical cores available. */
  readonly cores: number;
  /** True when SharedArrayBuffers can be posted to workers (browsers: only cross-origin isolated). */
  readonly sharedMemory: boolean;
  /** Starts the worker script at `url`, or the package's own `vector-worker.js` without one. */
  spawn(url: URL | string | undefined, events: WorkerEvents): WorkerHandle;
  /** An absolute URL for a module path or URL (Node: paths relative to the working directory). */
  resolveModule(module: string | URL): string;
}

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', handler: (message: WorkerMessage) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  on(event: 'exit', handler: (code: number) => void): void;
  on(event: 'messageerror', handler: (error: Error) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' &&
  typeof (globalThis as { window?: unknown }).window === 'undefined';

// A variable specifier keeps bundlers from resolving Node built-ins for the browser.
const nodeImport = <T>(specifier: string): Promise<T> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;

/** The platform AsyncVectorEnv runs on. */
export async function loadWorkerPlatform(): Promise<WorkerPlatform> {
  return isNode() ? loadNodePlatform() : browserPlatform();
}

async function loadNodePlatform(): Promise<WorkerPlatform> {
  const [{ Worker }, os, path, url] = await Promise.all([
    nodeImport<{ Worker: new (url: URL | string) => NodeWorker }>('node:worker_threads'),
    nodeImport<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os'),
    nodeImport<{ resolve(...paths: string[]): string }>('node:path'),
    nodeImport<{ pathToFileURL(path: string): URL }>('node:url'),
  ]);
  return {
    name: 'node',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    spawn(workerUrl, events) {
      const worker = new Worker(workerUrl ?? new URL('./vector-worker.js', import.meta.url));
      worker.on('message', (message) => events.message(message));
      worker.on('error', (error) => events.error(error));
      worker.on('messageerror', (error) => events.error(error));
      worker.on('exit', (code) => events.exit(code));
      worker.unref();
      return {
        post: (message, transfer) => worker.postMessage(message, transfer),
        setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
        terminate: async () => {
          await worker.terminate();
        },
      };
    },
    resolveModule(module) {
      if (module instanceof URL) return module.href;
      // A scheme of two or more letters (file:, https:, data:) is a URL; `C:\…` is a path.
      return /^[a-z][a-z\d+.-]+:/i.test(module) ? module : url.pathToFileURL(path.resolve(module)).href;
    },
  };
}

function browserPlatform(): WorkerPlatform {
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; location?: { href: string } };
  return {
    name: 'browser',
    cores: scope.navigator?.hardwareConcurrency ?? 1,
    sharedMemory: typeof SharedArrayBuffer === 'function' && scope.crossOriginIsolated === true,
    spawn(workerUrl, events) {
      // Written out in full so that bundlers (Vite, webpack 5) find and emit the worker script.
      const worker =
        workerUrl === undefined
          ? new Worker(new URL('./vector-worker.js', import.meta.url), { type: 'module' })
          : new Worker(workerUrl, { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => events.message(event.data));
      worker.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
        events.error(event.error instanceof Error ? event.error : new Error(`${event.message || 'worker failed to load or run'}${where}`));
      });
      worker.addEventListener('messageerror', () => events.error(new Error('a message from the worker could not be deserialized')));
      return {
        post: (message, transfer = []) => worker.postMessage(message, transfer),
        setBusy: () => {},
        terminate: async () => worker.terminate(),
      };
    },
    resolveModule(module) {
      return new URL(module, scope.location?.href).href;
    },
  };
}
