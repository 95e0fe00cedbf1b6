// The page's training worker: tfjs, the env and the agent all live here, so the page stays
// responsive. It runs the same `runSession` as Node.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { checkpointFromFiles, checkpointToFiles, zipFiles, type Checkpoint, type JsonValue } from '@tfrl/core';
import { ALGORITHM_TABLE, type CliAgent } from '../../src/algorithms.js';
import { ObservedEnv, PAGE_ENVS, createSessionAgent, makeSessionEnv, runSession, type SessionSpec } from '../../src/session.js';
import { indexedDbCheckpointStore } from './idb-store.js';
import { TRACE_STEPS, type BackendName, type Frame, type FromWorker, type ToWorker, type Trace } from './protocol.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
tf.enableProdMode();

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

const FRAME_MS = 33;
const PROGRESS_MS = 200;
const GRID_MS = 500;

let agent: CliAgent | null = null;
let spec: SessionSpec | null = null;
let running = false;
let stopRequested = false;
let resumeGate: { promise: Promise<void>; open: () => void } | null = null;
let trace: Trace = { updates: [], episodes: [] };

async function useBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend does not start in this browser`);
  await tf.ready();
}

async function availableBackends(): Promise<BackendName[]> {
  const found: BackendName[] = [];
  for (const name of ['webgl', 'wasm', 'cpu'] as const) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        found.push(name);
      }
    } catch {
      // Not offered by this browser (e.g. no WebGL in a worker).
    }
  }
  await tf.setBackend(found.includes('wasm') ? 'wasm' : 'cpu');
  return found;
}

function setAgent(next: CliAgent | null): void {
  agent?.dispose();
  agent = next;
}

/** Greedy action and value of every GridWorld state (the page's arrows and heat-map). */
function gridOverlay(current: CliAgent, algorithm: string, size: number): Frame['grid'] {
  const entry = ALGORITHM_TABLE[algorithm]!;
  const actions: number[] = [];
  const values: number[] = [];
  for (let s = 0; s < size; s++) {
    const observation = new Float32Array(size);
    observation[s] = 1;
    actions.push(Number(current.act(observation, { deterministic: true })));
    values.push(entry.stateValue?.(current, observation) ?? Number.NaN);
  }
  return { actions, values };
}

function frameOf(env: string, observation: Float32Array, grid?: Frame['grid']): Frame {
  return { env, observation: Array.from(observation), ...(grid === undefined ? {} : { grid }) };
}

/** Lets messages in (pause, stop) and holds while paused. */
async function checkpointInLoop(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (resumeGate !== null) await resumeGate.promise;
}

async function train(nextSpec: SessionSpec, backend: BackendName): Promise<void> {
  await useBackend(backend);
  const created = createSessionAgent(nextSpec); // a RangeError names a bad config field
  setAgent(created);
  spec = nextSpec;
  trace = { updates: [], episodes: [] };
  running = true;
  stopRequested = false;
  post({ type: 'started', backend, spec: nextSpec });
  const started = performance.now();
  let lastYield = started;
  let lastFrame = 0;
  let lastProgress = 0;
  let lastGrid = 0;
  let grid: Frame['grid'];
  let lastObservation: Float32Array = new Float32Array(0);
  let episodes = 0;
  let recentReturn = Number.NaN;
  const isGrid = nextSpec.env.startsWith('GridWorld');
  try {
    const report = await runSession(created, nextSpec, {
      onUpdate(step, metrics) {
        if (step <= TRACE_STEPS) trace.updates.push({ step, metrics: { ...metrics } });
        post({ type: 'update', step, metrics });
      },
      onEpisode(episode) {
        episodes++;
        recentReturn = episode.return;
        if (episode.step <= TRACE_STEPS) trace.episodes.push(episode);
        post({ type: 'episode', episode });
      },
      async onStep(step, observation) {
        lastObservation = observation;
        const now = performance.now();
        if (now - lastFrame >= FRAME_MS) {
          lastFrame = now;
          // The greedy arrows and values change slowly: recompute them twice a second.
          if (isGrid && now - lastGrid >= GRID_MS) {
            grid = gridOverlay(created, nextSpec.algorithm, observation.length);
            lastGrid = now;
          }
          post({ type: 'frame', frame: frameOf(nextSpec.env, observation, grid) });
        }
        if (now - lastProgress >= PROGRESS_MS) {
          lastProgress = now;
          post({ type: 'progress', step, episodes, stepsPerSecond: step / ((now - started) / 1000), recentReturn });
        }
        if (now - lastYield >= 50 || resumeGate !== null) {
          lastYield = now;
          await checkpointInLoop();
        }
        return !stopRequested;
      },
    });
    if (isGrid) post({ type: 'frame', frame: frameOf(nextSpec.env, lastObservation, gridOverlay(created, nextSpec.algorithm, lastObservation.length)) });
    post({ type: 'progress', step: created.steps, episodes, stepsPerSecond: report.steps / Math.max(report.seconds, 1e-9), recentReturn });
    post({ type: 'finished', step: created.steps, stopped: report.stoppedEarly, seconds: report.seconds });
  } finally {
    running = false;
  }
}

/** Runs the agent greedily in its env, drawing every step, until stopped. */
async function play(backend: BackendName): Promise<void> {
  if (agent === null || spec === null) throw new Error('nothing to play: train, load or upload an agent first');
  await useBackend(backend);
  const current = agent;
  const env = new ObservedEnv(makeSessionEnv(spec.env), (episode) => post({ type: 'episode', episode }));
  running = true;
  stopRequested = false;
  post({ type: 'started', backend, spec });
  const isGrid = spec.env.startsWith('GridWorld');
  try {
    let observation = env.reset({ seed: 10_000 }).observation;
    let steps = 0;
    while (!stopRequested) {
      const action = current.act(observation, { deterministic: true });
      const result = env.step(action as never);
      observation = result.terminated || result.truncated ? env.reset().observation : result.observation;
      steps++;
      post({ type: 'frame', frame: frameOf(spec.env, observation, isGrid ? gridOverlay(current, spec.algorithm, observation.length) : undefined) });
      post({ type: 'progress', step: steps, episodes: 0, stepsPerSecond: 1000 / FRAME_MS, recentReturn: Number.NaN });
      await new Promise((resolve) => setTimeout(resolve, FRAME_MS));
      while (resumeGate !== null) await resumeGate.promise;
    }
    post({ type: 'finished', step: steps, stopped: true, seconds: 0 });
  } finally {
    running = false;
    env.close();
  }
}

/** The run directory the CLI writes (run.json + checkpoint/), as files. */
function runFiles(cp: Checkpoint, current: SessionSpec, steps: number): Map<string, Uint8Array> {
  const run = {
    version: 1,
    algorithm: current.algorithm,
    env: current.env,
    seed: current.seed,
    preset: current.preset ?? ALGORITHM_TABLE[current.algorithm]!.presets[0],
    steps: Math.max(steps, 1),
    evalEvery: 5_000,
    evalEpisodes: 10,
    logEvery: 1_000,
    overrides: current.config,
  };
  const files = new Map<string, Uint8Array>([['run.json', new TextEncoder().encode(`${JSON.stringify(run, null, 2)}\n`)]]);
  for (const [name, bytes] of checkpointToFiles(cp)) files.set(`checkpoint/${name}`, bytes);
  return files;
}

/** An uploaded run directory or archive: run.json and checkpoint/ (any leading folder ignored). */
function fromRunFiles(files: [string, Uint8Array][]): { cp: Checkpoint; spec: SessionSpec } {
  const runEntry = files.find(([path]) => path === 'run.json' || path.endsWith('/run.json'));
  if (runEntry === undefined) throw new Error('the upload has no run.json: pick the run directory tfrl train wrote (or a zip of it)');
  const prefix = runEntry[0].slice(0, runEntry[0].length - 'run.json'.length);
  const checkpoint = new Map<string, Uint8Array>();
  for (const [path, bytes] of files) if (path.startsWith(`${prefix}checkpoint/`)) checkpoint.set(path.slice(prefix.length + 'checkpoint/'.length), bytes);
  const run = JSON.parse(new TextDecoder().decode(runEntry[1])) as { version: number; algorithm: string; env: string; seed: number; preset: string; steps: number; overrides: Record<string, JsonValue> };
  if (run.version !== 1 || ALGORITHM_TABLE[run.algorithm] === undefined) throw new Error(`run.json: not a run this page can read (algorithm ${JSON.stringify(run.algorithm)})`);
  if (!(PAGE_ENVS as readonly string[]).includes(run.env)) throw new Error(`run.json: env ${run.env} is not one the page draws (${PAGE_ENVS.join(', ')})`);
  return { cp: checkpointFromFiles(checkpoint), spec: { algorithm: run.algorithm, env: run.env, seed: run.seed, preset: run.preset, config: run.overrides, steps: run.steps } };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const backends = await availableBackends();
      const algorithms = Object.values(ALGORITHM_TABLE).map((entry) => ({
        name: entry.name,
        summary: entry.summary,
        actions: [...entry.actions],
        presets: [...entry.presets],
        defaults: JSON.parse(JSON.stringify(entry.defaults)) as Record<string, JsonValue>,
        nodeOnly: entry.nodeOnly === true,
      }));
      const envs = PAGE_ENVS.map((id) => {
        const env = makeSessionEnv(id);
        const actions = env.actionSpace.toJSON().kind;
        env.close?.();
        return { id, actions };
      });
      post({ type: 'ready', backends, algorithms, envs });
      return;
    }
    case 'start':
      if (running) throw new Error('a session is running: stop it first');
      await train(message.spec, message.backend);
      return;
    case 'play':
      if (running) throw new Error('a session is running: stop it first');
      await play(message.backend);
      return;
    case 'pause':
      if (resumeGate === null) {
        let open = (): void => {};
        const promise = new Promise<void>((resolve) => (open = resolve));
        resumeGate = { promise, open };
        post({ type: 'paused' });
      }
      return;
    case 'resume':
      if (resumeGate !== null) {
        const gate = resumeGate;
        resumeGate = null;
        gate.open();
        post({ type: 'resumed' });
      }
      return;
    case 'stop':
      stopRequested = true;
      if (resumeGate !== null) {
        const gate = resumeGate;
        resumeGate = null;
        gate.open();
      }
      return;
    case 'save': {
      if (agent === null || spec === null) throw new Error('nothing to save: train or load an agent first');
      const current = spec;
      await indexedDbCheckpointStore(message.name, () => current as unknown as JsonValue).write(agent.toCheckpoint());
      post({ type: 'saved', name: message.name, step: agent.steps });
      return;
    }
    case 'load': {
      if (running) throw new Error('a session is running: stop it first');
      const store = indexedDbCheckpointStore(message.name);
      const saved = (await store.spec()) as unknown as SessionSpec;
      const loaded = ALGORITHM_TABLE[saved.algorithm]!.fromCheckpoint(await store.read());
      setAgent(loaded);
      spec = saved;
      post({ type: 'loaded', name: message.name, spec: saved, step: loaded.steps });
      return;
    }
    case 'export': {
      if (agent === null || spec === null) throw new Error('nothing to download: train or load an agent first');
      const bytes = zipFiles(runFiles(agent.toCheckpoint(), spec, agent.steps));
      post({ type: 'exported', fileName: `${spec.algorithm}-${spec.env}-seed${spec.seed}.zip`, bytes }, [bytes.buffer]);
      return;
    }
    case 'import': {
      if (running) throw new Error('a session is running: stop it first');
      const { cp, spec: uploaded } = fromRunFiles(message.files);
      const loaded = ALGORITHM_TABLE[uploaded.algorithm]!.fromCheckpoint(cp);
      setAgent(loaded);
      spec = uploaded;
      post({ type: 'loaded', name: 'upload', spec: uploaded, step: loaded.steps });
      return;
    }
    case 'trace':
      post({ type: 'trace', trace });
      return;
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
