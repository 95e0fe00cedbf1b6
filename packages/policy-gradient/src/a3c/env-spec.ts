import type { Env } from '@tfrl/core';

/**
 * An env that each A3C worker builds for itself: `module` (a file path, relative to the working
 * directory, or a URL) exports a factory `(options, { index }) => Env` (or a promise of one, or
 * an Env class constructed with the same arguments) under `export` (default: the default export).
 * `options` must be structured-cloneable (it is posted to the workers).
 */
export interface A3cEnvSpec {
  readonly module: string | URL;
  readonly export?: string;
  readonly options?: unknown;
}

/** True when `value` looks like an {@link A3cEnvSpec} (not an Env or VectorEnv instance). */
export function isA3cEnvSpec(value: unknown): value is A3cEnvSpec {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (typeof v.module === 'string' || v.module instanceof URL) && typeof v.step !== 'function' && typeof v.reset !== 'function';
}

/** An env spec as posted to a worker: an absolute URL. */
export interface ResolvedEnvSpec {
  readonly url: string;
  readonly exportName: string;
  readonly options: unknown;
}

// A variable specifier keeps browser bundlers from resolving Node built-ins.
const nodeImport = <T>(specifier: string): Promise<T> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;

/** Resolves a path against the working directory into a file URL; URLs stay as they are. */
export async function resolveEnvSpec(spec: A3cEnvSpec): Promise<ResolvedEnvSpec> {
  const exportName = spec.export ?? 'default';
  if (spec.module instanceof URL) return { url: spec.module.href, exportName, options: spec.options };
  // A scheme of two or more letters (file:, https:, data:) is a URL; `C:\…` is a path.
  if (/^[a-z][a-z\d+.-]+:/i.test(spec.module)) return { url: spec.module, exportName, options: spec.options };
  const [path, url] = await Promise.all([
    nodeImport<{ resolve(...paths: string[]): string }>('node:path'),
    nodeImport<{ pathToFileURL(path: string): URL }>('node:url'),
  ]);
  return { url: url.pathToFileURL(path.resolve(spec.module)).href, exportName, options: spec.options };
}

const isClass = (fn: unknown): boolean => typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));

/** Imports the module and builds env `index` with its factory; throws a TypeError naming a missing export. */
export async function buildEnv(spec: ResolvedEnvSpec, index: number): Promise<Env<unknown, unknown>> {
  const module = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec.url)) as Record<string, unknown>;
  const factory = module[spec.exportName];
  if (typeof factory !== 'function') throw new TypeError(`A3C: module ${spec.url} has no export '${spec.exportName}' that is an env factory or class`);
  const context = { index };
  const env = isClass(factory)
    ? new (factory as new (options: unknown, context: { index: number }) => Env<unknown, unknown>)(spec.options, context)
    : await (factory as (options: unknown, context: { index: number }) => Env<unknown, unknown> | Promise<Env<unknown, unknown>>)(spec.options, context);
  if (typeof env?.step !== 'function' || typeof env.reset !== 'function' || env.observationSpace === undefined || env.actionSpace === undefined) {
    throw new TypeError(`A3C: export '${spec.exportName}' of ${spec.url} did not return an Env (with reset, step, observationSpace, actionSpace)`);
  }
  return env;
}
