import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

/** A backend `initBackend` can try, in its default order of preference. */
export type BackendCandidate = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The candidates in the order `initBackend` tries them: fastest first. */
export const BACKEND_CANDIDATES: readonly BackendCandidate[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The tfjs backend name that ends up active (both tfjs-node packages register `tensorflow`). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Loads a module by specifier; the default is a dynamic `import()`. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Use this backend only (throws when it cannot start); wins over `TFRL_BACKEND`. */
  prefer?: BackendCandidate;
  /** How backend packages are loaded; tests inject fakes. Default: dynamic `import()`. */
  loader?: ModuleLoader;
  /** Where `TFRL_BACKEND` is read from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One backend `initBackend` tried and what came of it. */
export interface BackendAttempt {
  name: string;
  reason: string;
}

/** What {@link initBackend} settled on. */
export interface InitBackendResult {
  /** The active tfjs backend (`tf.getBackend()`). */
  name: BackendName;
  /** True when TensorFlow runs on a CUDA device. */
  gpu: boolean;
  /** Every backend tried, in order, with why it was skipped; the last entry is the one chosen. */
  tried: BackendAttempt[];
}

interface CandidateInfo {
  specifier: string;
  backend: BackendName;
  install: string;
}

const CANDIDATES: Record<BackendCandidate, CandidateInfo> = {
  'tensorflow-gpu': {
    specifier: '@tensorflow/tfjs-node-gpu',
    backend: 'tensorflow',
    install: 'needs Linux x64, an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1',
  },
  tensorflow: {
    specifier: '@tensorflow/tfjs-node',
    backend: 'tensorflow',
    install: 'downloads a prebuilt libtensorflow for Linux, macOS and Windows on x64',
  },
  wasm: { specifier: '@tensorflow/tfjs-backend-wasm', backend: 'wasm', install: 'no native code' },
  cpu: { specifier: '@tensorflow/tfjs-backend-cpu', backend: 'cpu', install: 'pure JavaScript' },
};

/** Thrown inside an attempt when the package itself is absent (as opposed to broken). */
class NotInstalledError extends Error {}

/**
 * Starts the fastest TensorFlow.js backend present: `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, then `@tensorflow/tfjs-backend-wasm` (SIMD; threads are off in Node,
 * tfjs-backend-wasm disables them there), then `@tensorflow/tfjs-backend-cpu`. A package that
 * is missing or whose native binding fails is recorded in `tried` and skipped. `prefer` or
 * the `TFRL_BACKEND` variable forces one backend; forcing one that cannot start throws an
 * Error saying how to install it.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<InitBackendResult> {
  const loader = options.loader ?? defaultLoader;
  const forced = forcedCandidate(options);
  const order = forced === undefined ? BACKEND_CANDIDATES : [forced.candidate];
  const tried: BackendAttempt[] = [];
  for (const candidate of order) {
    try {
      const { gpu, note } = await attempt(candidate, loader);
      tried.push({ name: candidate, reason: note });
      return { name: CANDIDATES[candidate].backend, gpu, tried };
    } catch (error) {
      const notInstalled = error instanceof NotInstalledError;
      const reason = notInstalled
        ? `not installed; ${installHint(candidate)}`
        : `installed but failed to start: ${messageOf(error)}`;
      tried.push({ name: candidate, reason });
      if (forced !== undefined) {
        const state = notInstalled ? 'is not installed' : `failed to start (${messageOf(error)})`;
        throw new Error(`${forced.source} asked for '${candidate}', which ${state}. Install it: ${installHint(candidate)}`);
      }
    }
  }
  const summary = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new Error(`No TensorFlow.js backend could start (${summary}). Install one: ${installHint('cpu')}`);
}

/** The npm command (with its requirements) that installs a candidate's package. */
export function installHint(candidate: BackendCandidate): string {
  const info = CANDIDATES[candidate];
  return `npm install ${info.specifier}@${tf.version_core} (${info.install})`;
}

async function attempt(candidate: BackendCandidate, loader: ModuleLoader): Promise<{ gpu: boolean; note: string }> {
  const { specifier, backend } = CANDIDATES[candidate];
  const registeredBefore = tf.findBackendFactory(backend) != null;
  try {
    let module: unknown;
    try {
      module = await loader(specifier);
    } catch (error) {
      if (isNotFoundFor(error, specifier)) throw new NotInstalledError(messageOf(error));
      throw error;
    }
    let note = 'selected';
    if (candidate === 'wasm') note = await prepareWasm(module);
    if (tf.findBackendFactory(backend) == null) {
      throw new Error(`${specifier} loaded but registered no '${backend}' backend (two copies of tfjs-core?)`);
    }
    // setBackend resolves false (with a console warning) when the backend's factory fails.
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') resolved false`);
    const active = tf.getBackend();
    if (active !== backend) throw new Error(`tf.setBackend('${backend}') succeeded but tf.getBackend() is '${active}'`);
    if (candidate !== 'tensorflow-gpu') return { gpu: false, note };
    // tfjs-node-gpu silently runs on the CPU when TensorFlow finds no usable CUDA device.
    const onGpu = (tf.backend() as unknown as { isUsingGpuDevice?: unknown }).isUsingGpuDevice !== false;
    return onGpu
      ? { gpu: true, note }
      : { gpu: false, note: `${note}; ${specifier} found no CUDA device, so TensorFlow runs on the CPU` };
  } catch (error) {
    // A half-started backend would shadow the next package registering the same name.
    if (!registeredBefore && tf.findBackendFactory(backend) != null) tf.removeBackend(backend);
    throw error;
  }
}

/** Points tfjs-backend-wasm at the .wasm files inside its own package folder (no network). */
async function prepareWasm(module: unknown): Promise<string> {
  const setWasmPaths = exportOf(module, 'setWasmPaths');
  if (typeof setWasmPaths !== 'function') throw new Error('@tensorflow/tfjs-backend-wasm has no setWasmPaths export');
  const packageJson = localRequire().resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const distDir = packageJson.slice(0, -'package.json'.length) + 'dist/';
  (setWasmPaths as (prefix: string) => void)(distDir);
  const simd = await flag('WASM_HAS_SIMD_SUPPORT');
  const threads = await flag('WASM_HAS_MULTITHREAD_SUPPORT');
  const threadsNote = threads
    ? 'threads on'
    : tf.env().get('IS_NODE')
      ? 'threads off (tfjs-backend-wasm disables them in Node)'
      : 'threads off (needs cross-origin isolation for SharedArrayBuffer)';
  return `selected; SIMD ${simd ? 'on' : 'off (unsupported)'}, ${threadsNote}`;
}

async function flag(name: string): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return false; // flag not registered (a fake module in tests)
  }
}

function forcedCandidate(options: InitBackendOptions): { candidate: BackendCandidate; source: string } | undefined {
  if (options.prefer !== undefined) return { candidate: validCandidate(options.prefer, 'prefer'), source: 'prefer' };
  const fromEnv = (options.env ?? process.env)['TFRL_BACKEND']?.trim().toLowerCase();
  if (!fromEnv) return undefined;
  return { candidate: validCandidate(fromEnv, 'TFRL_BACKEND'), source: 'TFRL_BACKEND' };
}

function validCandidate(value: string, source: string): BackendCandidate {
  if ((BACKEND_CANDIDATES as readonly string[]).includes(value)) return value as BackendCandidate;
  throw new Error(`${source}='${value}' is not a backend; use one of: ${BACKEND_CANDIDATES.join(', ')}`);
}

/**
 * True when `error` says `specifier` itself is missing, as Node's ESM (`Cannot find package`),
 * CJS (`Cannot find module`) or Vite/vitest (`Could not resolve`) resolvers word it — and not a
 * file or dependency inside it (a missing `tfjs_binding.node` means installed but broken).
 */
function isNotFoundFor(error: unknown, specifier: string): boolean {
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`\\b(cannot find (module|package)|could not resolve|failed to resolve)\\b[^'"]{0,40}['"]${escaped}['"]`, 'i');
  return pattern.test(messageOf(error));
}

function exportOf(module: unknown, name: string): unknown {
  const record = module as Record<string, unknown> | null;
  return record?.[name] ?? (record?.['default'] as Record<string, unknown> | undefined)?.[name];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function localRequire(): NodeJS.Require {
  // tsup's shims give the CJS build an import.meta.url.
  return createRequire(import.meta.url);
}

const defaultLoader: ModuleLoader = (specifier) => import(specifier);
