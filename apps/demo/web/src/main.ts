import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { unzipFiles, type JsonValue } from '@tfrl/core';
import type { SessionSpec } from '../../src/session.js';
import { buildConfigForm, readConfigForm } from './form.js';
import type { BackendName, FromWorker, ToWorker, Trace } from './protocol.js';
import { drawFrame } from './render.js';
import './style.css';

type Ready = Extract<FromWorker, { type: 'ready' }>;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element as T;
};

const ui = {
  env: $<HTMLSelectElement>('env'),
  algorithm: $<HTMLSelectElement>('algorithm'),
  preset: $<HTMLSelectElement>('preset'),
  seed: $<HTMLInputElement>('seed'),
  steps: $<HTMLInputElement>('steps'),
  backend: $<HTMLSelectElement>('backend'),
  config: $<HTMLDivElement>('config'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  stop: $<HTMLButtonElement>('stop'),
  play: $<HTMLButtonElement>('play'),
  saveName: $<HTMLInputElement>('save-name'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLButtonElement>('load'),
  download: $<HTMLButtonElement>('download'),
  uploadZip: $<HTMLInputElement>('upload-zip'),
  uploadDir: $<HTMLInputElement>('upload-dir'),
  error: $<HTMLParagraphElement>('error'),
  status: $<HTMLParagraphElement>('status'),
  canvas: $<HTMLCanvasElement>('env-canvas'),
  step: $<HTMLElement>('step'),
  sps: $<HTMLElement>('sps'),
  episodes: $<HTMLElement>('episodes'),
  lastReturn: $<HTMLElement>('last-return'),
  activeBackend: $<HTMLElement>('active-backend'),
};

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

let ready: Ready | null = null;
let running = false;
let paused = false;
let hasAgent = false;
let episodeCount = 0;
const traceWaiters: ((trace: Trace) => void)[] = [];

// ---- charts --------------------------------------------------------------------------------
const chartWidth = (): number => Math.min(760, Math.max(320, ui.canvas.parentElement!.clientWidth - 10));
const returns: [number[], number[]] = [[], []];
const losses: [number[], number[]] = [[], []];
const returnChart = new uPlot(
  { title: 'Episode return', width: chartWidth(), height: 200, scales: { x: { time: false } }, series: [{ label: 'step' }, { label: 'return', stroke: '#2563eb' }] },
  returns,
  $('return-chart'),
);
const lossChart = new uPlot(
  { title: 'Loss', width: chartWidth(), height: 200, scales: { x: { time: false } }, series: [{ label: 'step' }, { label: 'loss', stroke: '#dc2626' }] },
  losses,
  $('loss-chart'),
);
let chartsDirty = false;
const pendingLoss = { sum: 0, count: 0, step: 0 };
setInterval(() => {
  if (pendingLoss.count > 0) {
    losses[0].push(pendingLoss.step);
    losses[1].push(pendingLoss.sum / pendingLoss.count);
    pendingLoss.sum = 0;
    pendingLoss.count = 0;
    chartsDirty = true;
  }
  if (chartsDirty) {
    returnChart.setData(returns);
    lossChart.setData(losses);
    chartsDirty = false;
  }
}, 250);

function resetCharts(): void {
  for (const series of [returns, losses]) {
    series[0].length = 0;
    series[1].length = 0;
  }
  chartsDirty = true;
}

// ---- form ----------------------------------------------------------------------------------
function currentAlgorithm(): Ready['algorithms'][number] {
  return ready!.algorithms.find((a) => a.name === ui.algorithm.value)!;
}

function fillAlgorithms(): void {
  const envActions = ready!.envs.find((e) => e.id === ui.env.value)!.actions;
  const previous = ui.algorithm.value;
  ui.algorithm.replaceChildren(
    ...ready!.algorithms.map((a) => {
      const option = new Option(a.nodeOnly ? `${a.name} (Node only)` : a.name, a.name);
      option.disabled = a.nodeOnly || !a.actions.includes(envActions);
      option.title = a.nodeOnly
        ? `${a.name} runs its workers as Node worker threads: use 'tfrl train ${a.name}'`
        : option.disabled
          ? `${a.name} needs ${a.actions.join(' or ')} actions`
          : a.summary;
      return option;
    }),
  );
  const usable = ready!.algorithms.filter((a) => !a.nodeOnly && a.actions.includes(envActions)).map((a) => a.name);
  ui.algorithm.value = usable.includes(previous) ? previous : usable[0] ?? '';
  fillAlgorithmDetails();
}

function fillAlgorithmDetails(): void {
  const algorithm = currentAlgorithm();
  ui.preset.replaceChildren(...algorithm.presets.map((p) => new Option(p, p)));
  buildConfigForm(ui.config, algorithm.defaults);
}

function integerInput(input: HTMLInputElement, name: string, min: number): number {
  const value = Number(input.value.trim());
  if (input.value.trim() === '' || !Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got '${input.value}'`);
  return value;
}

function sessionFromForm(): SessionSpec {
  const algorithm = currentAlgorithm();
  return {
    algorithm: algorithm.name,
    env: ui.env.value,
    seed: integerInput(ui.seed, 'seed', 0),
    preset: ui.preset.value,
    config: readConfigForm(ui.config, algorithm.defaults),
    steps: integerInput(ui.steps, 'steps', 1),
  };
}

// ---- state ---------------------------------------------------------------------------------
function refreshButtons(): void {
  const idle = ready !== null && !running;
  ui.start.disabled = !idle;
  ui.play.disabled = !idle || !hasAgent;
  ui.pause.disabled = !running || paused;
  ui.resume.disabled = !running || !paused;
  ui.stop.disabled = !running;
  ui.save.disabled = !hasAgent || (running && !paused);
  ui.load.disabled = !idle;
  ui.download.disabled = !hasAgent || (running && !paused);
  ui.uploadZip.disabled = !idle;
  ui.uploadDir.disabled = !idle;
}

function showError(message: string): void {
  ui.error.textContent = message;
}

function status(text: string): void {
  ui.status.textContent = text;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready':
      ready = message;
      ui.env.replaceChildren(...message.envs.map((e) => new Option(e.id, e.id)));
      ui.backend.replaceChildren(...message.backends.map((b) => new Option(b, b)));
      ui.backend.value = message.backends.includes('wasm') ? 'wasm' : message.backends[0]!;
      fillAlgorithms();
      status(`Ready. Backends: ${message.backends.join(', ')}.`);
      break;
    case 'started':
      running = true;
      paused = false;
      ui.activeBackend.textContent = message.backend;
      status(`Running ${message.spec.algorithm} on ${message.spec.env}, seed ${message.spec.seed}.`);
      break;
    case 'progress':
      ui.step.textContent = String(message.step);
      ui.sps.textContent = Number.isFinite(message.stepsPerSecond) ? Math.round(message.stepsPerSecond).toLocaleString('en') : '–';
      break;
    case 'episode':
      episodeCount++;
      ui.episodes.textContent = String(episodeCount);
      ui.lastReturn.textContent = message.episode.return.toFixed(1);
      returns[0].push(message.episode.step);
      returns[1].push(message.episode.return);
      chartsDirty = true;
      break;
    case 'update': {
      const loss = message.metrics['loss'] ?? message.metrics['policyLoss'] ?? message.metrics['actorLoss'] ?? message.metrics['criticLoss'];
      if (loss !== undefined && Number.isFinite(loss)) {
        pendingLoss.sum += loss;
        pendingLoss.count++;
        pendingLoss.step = message.step;
      }
      break;
    }
    case 'frame':
      drawFrame(ui.canvas, message.frame);
      break;
    case 'paused':
      paused = true;
      status('Paused.');
      break;
    case 'resumed':
      paused = false;
      status('Running.');
      break;
    case 'finished':
      running = false;
      paused = false;
      hasAgent = true;
      status(message.stopped ? `Stopped at step ${message.step}.` : `Finished ${message.step} steps in ${message.seconds.toFixed(1)} s.`);
      break;
    case 'saved':
      status(`Saved '${message.name}' (step ${message.step}) in this browser.`);
      break;
    case 'loaded':
      hasAgent = true;
      status(`Loaded '${message.name}': ${message.spec.algorithm} on ${message.spec.env}, trained ${message.step} steps. Press Play to watch it.`);
      ui.env.value = message.spec.env;
      fillAlgorithms();
      ui.algorithm.value = message.spec.algorithm;
      fillAlgorithmDetails();
      ui.seed.value = String(message.spec.seed);
      break;
    case 'exported': {
      const url = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = message.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status(`Downloaded ${message.fileName}: unzip it and run 'tfrl eval <folder>'.`);
      break;
    }
    case 'trace':
      traceWaiters.splice(0).forEach((resolve) => resolve(message.trace));
      break;
    case 'error':
      showError(message.message);
      if (!running) status('Ready.');
      break;
  }
  refreshButtons();
};
worker.onerror = (event) => showError(`worker failed: ${event.message}`);

// ---- controls ------------------------------------------------------------------------------
ui.env.addEventListener('change', fillAlgorithms);
ui.algorithm.addEventListener('change', fillAlgorithmDetails);
ui.start.addEventListener('click', () => {
  showError('');
  let spec: SessionSpec;
  try {
    spec = sessionFromForm();
  } catch (error) {
    showError((error as Error).message);
    return;
  }
  resetCharts();
  episodeCount = 0;
  ui.episodes.textContent = '0';
  send({ type: 'start', spec, backend: ui.backend.value as BackendName });
});
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.resume.addEventListener('click', () => send({ type: 'resume' }));
ui.stop.addEventListener('click', () => send({ type: 'stop' }));
ui.play.addEventListener('click', () => {
  showError('');
  resetCharts();
  send({ type: 'play', backend: ui.backend.value as BackendName });
});
ui.save.addEventListener('click', () => send({ type: 'save', name: ui.saveName.value.trim() || 'my-agent' }));
ui.load.addEventListener('click', () => {
  showError('');
  send({ type: 'load', name: ui.saveName.value.trim() || 'my-agent' });
});
ui.download.addEventListener('click', () => send({ type: 'export' }));

async function upload(files: [string, Uint8Array][]): Promise<void> {
  showError('');
  send({ type: 'import', files }, files.map(([, bytes]) => bytes.buffer));
}
ui.uploadZip.addEventListener('change', async () => {
  const file = ui.uploadZip.files?.[0];
  if (file === undefined) return;
  try {
    const entries = await unzipFiles(new Uint8Array(await file.arrayBuffer()));
    await upload([...entries]);
  } catch (error) {
    showError(`${file.name}: ${(error as Error).message}`);
  }
  ui.uploadZip.value = '';
});
ui.uploadDir.addEventListener('change', async () => {
  const files = [...(ui.uploadDir.files ?? [])];
  const entries = await Promise.all(files.map(async (f) => [f.webkitRelativePath || f.name, new Uint8Array(await f.arrayBuffer())] as [string, Uint8Array]));
  await upload(entries);
  ui.uploadDir.value = '';
});

// A small hook for the end-to-end test: the metrics of the first steps, to compare with Node.
(window as unknown as { tfrl: { trace(): Promise<Trace>; config(): Record<string, JsonValue> } }).tfrl = {
  trace: () =>
    new Promise<Trace>((resolve) => {
      traceWaiters.push(resolve);
      send({ type: 'trace' });
    }),
  config: () => readConfigForm(ui.config, currentAlgorithm().defaults),
};

refreshButtons();
send({ type: 'init' });
