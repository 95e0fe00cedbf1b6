import type { Metrics } from '@tfrl/core';
import type { ResolvedEnvSpec } from './env-spec.js';
import type { A3cEpisode, A3cWorkerSetup } from './learner.js';

/** The one message the host sends a worker: what to build; the worker then runs to the end. */
export interface A3cStartMessage {
  readonly type: 'start';
  readonly setup: A3cWorkerSetup;
  readonly env: ResolvedEnvSpec;
}

/** A serialised error of a worker. */
export interface A3cErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What a worker reports. */
export type A3cWorkerMessage =
  | { readonly type: 'rollout'; readonly index: number; readonly steps: number; readonly episodes: readonly A3cEpisode[]; readonly metrics: Metrics }
  | { readonly type: 'done'; readonly index: number }
  | { readonly type: 'error'; readonly index: number; readonly error: A3cErrorData };

export function serializeError(error: unknown): A3cErrorData {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  return { name: 'Error', message: String(error) };
}

/** The worker's error as an Error of the same name and message (stack from the worker). */
export function deserializeError(data: A3cErrorData): Error {
  const Ctor = ({ TypeError, RangeError, SyntaxError, ReferenceError } as Record<string, ErrorConstructor>)[data.name] ?? Error;
  const error = new Ctor(data.message);
  if (error.name !== data.name) error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
