import type { JsonValue, Metrics } from '@tfrl/core';
import type { EpisodeRecord, SessionSpec } from '../../src/session.js';

/** tfjs backends the page can train on. */
export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: 'init' }
  | { type: 'start'; spec: SessionSpec; backend: BackendName }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'save'; name: string }
  | { type: 'load'; name: string }
  | { type: 'export' }
  | { type: 'import'; files: [string, Uint8Array][] }
  | { type: 'play'; backend: BackendName }
  | { type: 'trace' };

/** What the page shows of an env at one instant. */
export interface Frame {
  env: string;
  observation: number[];
  /** GridWorld only: greedy action and value per state. */
  grid?: { actions: number[]; values: number[] };
}

/** Messages from the worker to the page. */
export type FromWorker =
  | { type: 'ready'; backends: BackendName[]; algorithms: { name: string; summary: string; actions: string[]; presets: string[]; defaults: Record<string, JsonValue>; nodeOnly: boolean }[]; envs: { id: string; actions: string }[] }
  | { type: 'started'; backend: BackendName; spec: SessionSpec }
  | { type: 'progress'; step: number; episodes: number; stepsPerSecond: number; recentReturn: number }
  | { type: 'episode'; episode: EpisodeRecord }
  | { type: 'update'; step: number; metrics: Metrics }
  | { type: 'frame'; frame: Frame }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'finished'; step: number; stopped: boolean; seconds: number }
  | { type: 'saved'; name: string; step: number }
  | { type: 'loaded'; name: string; spec: SessionSpec; step: number }
  | { type: 'exported'; fileName: string; bytes: Uint8Array }
  | { type: 'trace'; trace: Trace }
  | { type: 'error'; message: string };

/** The first TRACE_STEPS steps of a session's metrics: what the Node/page parity test compares. */
export interface Trace {
  updates: { step: number; metrics: Metrics }[];
  episodes: EpisodeRecord[];
}

export const TRACE_STEPS = 1_000;
