import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvLogger, JsonlLogger, evaluatePolicy, textProgressBar, type Callback, type Env, type EvaluationResult, type Policy } from '@tfrl/core';
import { directoryCheckpointStore, fileSink } from '@tfrl/core/node';
import { SyncVectorEnv, makeEnv } from '@tfrl/envs';
import type { JsonValue } from '@tfrl/core';
import { ALGORITHMS, ALGORITHM_TABLE, type AlgorithmEntry, type CliAgent } from '../algorithms.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';
/** Evaluation episode i is reset with seed EVAL_SEED + i, so evaluations are repeatable. */
export const EVAL_SEED = 10_000;

/** What `train` records in run.json so `resume` and `eval` can rebuild the run. */
export interface RunSpec {
  version: 1;
  /** A key of ALGORITHM_TABLE. */
  algorithm: string;
  env: string;
  seed: number;
  /** One of the algorithm's presets. */
  preset: string;
  /** Total env steps the run aims for (raised by `resume --steps`). */
  steps: number;
  evalEvery: number;
  evalEpisodes: number;
  logEvery: number;
  /** Config fields set from flags. */
  overrides: Record<string, JsonValue>;
  /** Sub-envs trained on (default: the algorithm's). */
  envs?: number;
}

type EvalEnv = Env<Float32Array, unknown>;

export const runFile = (dir: string): string => join(dir, 'run.json');
export const checkpointDir = (dir: string): string => join(dir, 'checkpoint');

/** The agent a run's checkpoint holds. */
export async function loadAgent(run: RunSpec, dir: string): Promise<CliAgent> {
  const cp = await directoryCheckpointStore(checkpointDir(dir)).read();
  return algorithmOf(run).fromCheckpoint(cp);
}

/** The table entry of a run's algorithm. */
export function algorithmOf(run: Pick<RunSpec, 'algorithm'>): AlgorithmEntry {
  const entry = ALGORITHM_TABLE[run.algorithm];
  if (entry === undefined) throw new UsageError(`unknown algorithm '${run.algorithm}': choose one of ${ALGORITHMS.join(', ')}`);
  return entry;
}

/** A new agent for a run; a config validation error becomes a one-line UsageError. */
export function createAgent(run: RunSpec): CliAgent {
  try {
    return algorithmOf(run).create({ ...run.overrides, seed: run.seed }, run.preset);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

export async function readRun(dir: string): Promise<RunSpec> {
  let text: string;
  try {
    text = await readFile(runFile(dir), 'utf8');
  } catch {
    throw new UsageError(`no run at '${dir}': ${runFile(dir)} is missing (create one with 'tfrl train')`);
  }
  const run = JSON.parse(text) as RunSpec;
  if (run.version !== 1 || !ALGORITHMS.includes(run.algorithm)) {
    throw new UsageError(`${runFile(dir)}: not a run this tfrl can read`);
  }
  return run;
}

export async function writeRun(dir: string, run: RunSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(runFile(dir), `${JSON.stringify(run, null, 2)}\n`);
}

export function formatEval(result: EvaluationResult): string {
  return `${result.meanReturn.toFixed(2)} ± ${result.stdReturn.toFixed(2)}`;
}

export function evaluate(run: Pick<RunSpec, 'algorithm'>, agent: CliAgent, env: EvalEnv, episodes: number): EvaluationResult {
  const policy = algorithmOf(run).evaluationPolicy?.(agent) ?? (agent as Policy<Float32Array, unknown>);
  return evaluatePolicy(env, policy, { episodes, seed: EVAL_SEED, deterministic: true });
}

export const makeEvalEnv = (id: string): EvalEnv => makeEnv(id) as unknown as EvalEnv;

/**
 * Trains `agent` up to `run.steps` total env steps (carrying on its last run with `continueRun`),
 * logging to metrics.jsonl / metrics.csv (appended to when continuing), evaluating and saving a
 * checkpoint every `evalEvery` steps and at the end.
 */
export async function trainRun(agent: CliAgent, run: RunSpec, dir: string, continueRun: boolean, io: CliIo): Promise<void> {
  const entry = algorithmOf(run);
  const env = (entry.trainEnv?.(run.env) ?? makeTrainEnv(run.env, run.envs ?? entry.numEnvs)) as never;
  const evalEnv = makeEvalEnv(run.env);
  const jsonlSink = fileSink(join(dir, 'metrics.jsonl'), { append: continueRun });
  const csvSink = fileSink(join(dir, 'metrics.csv'), { append: continueRun });
  const jsonl = new JsonlLogger(jsonlSink);
  const csv = new CsvLogger(csvSink);
  const log = (step: number, metrics: Record<string, number>): void => {
    jsonl.log(step, metrics);
    csv.log(step, metrics);
  };
  const bar = textProgressBar({ write: (text) => io.stderr.write(text), overwrite: io.stderr.isTTY === true });
  let lastUpdate: Record<string, number> = {};
  let lastSaved = -1;
  const started = { step: agent.steps, time: performance.now() };
  const save = async (step: number): Promise<void> => {
    await agent.save(checkpointDir(dir));
    lastSaved = step;
  };
  // Vector envs advance several steps at a time: log and evaluate when a multiple is crossed.
  const next = { log: nextMultiple(agent.steps, run.logEvery), evaluation: nextMultiple(agent.steps, run.evalEvery) };
  const callback: Callback = {
    onUpdate(_state, metrics) {
      lastUpdate = {};
      for (const [key, value] of Object.entries(metrics)) if (key !== 'step' && typeof value === 'number') lastUpdate[key] = value;
    },
    async onStep(state) {
      bar.update({ step: state.step, recentReturn: state.recentReturn, episodes: state.episodes });
      if (state.step >= next.log) {
        next.log = nextMultiple(state.step, run.logEvery);
        const seconds = (performance.now() - started.time) / 1000;
        const exploration = (agent as { explorationRate?: unknown }).explorationRate;
        log(state.step, {
          ...lastUpdate,
          episodes: state.episodes,
          updates: state.updates,
          recent_return: state.recentReturn,
          steps_per_second: seconds > 0 ? (state.step - started.step) / seconds : Number.NaN,
          ...(typeof exploration === 'number' ? { exploration_rate: exploration } : {}),
        });
      }
      if (state.step >= next.evaluation) {
        next.evaluation = nextMultiple(state.step, run.evalEvery);
        const result = evaluate(run, agent, evalEnv, run.evalEpisodes);
        log(state.step, { eval_mean_return: result.meanReturn, eval_std_return: result.stdReturn, eval_mean_length: result.meanLength });
        io.stdout.write(`${io.stderr.isTTY === true ? '\n' : ''}step ${state.step}: eval ${formatEval(result)}\n`);
        await save(state.step);
      }
      return true;
    },
  };
  const remaining = Math.max(0, run.steps - agent.steps);
  bar.start(run.steps, agent.steps);
  try {
    // A checkpoint holds the agent's side of the run, not the env's: a resumed run starts new
    // episodes and carries on the schedules, replay buffer and counters as saved.
    await agent.learn({ ...entry.learnOptions?.(), env, totalSteps: remaining, callbacks: [callback], continueRun: continueRun ? 'new-episodes' : false });
    bar.end();
    const seconds = (performance.now() - started.time) / 1000;
    const steps = agent.steps - started.step;
    io.stdout.write(`${steps} steps in ${seconds.toFixed(1)} s (${Math.round(steps / Math.max(seconds, 1e-9))} steps/s)\n`);
    if (lastSaved !== agent.steps) await save(agent.steps);
    io.stdout.write(`saved ${checkpointDir(dir)} at step ${agent.steps}\n`);
  } finally {
    await Promise.allSettled([jsonl.close(), csv.close()]);
    await (env as { close?: () => unknown }).close?.();
    evalEnv.close?.();
  }
}

/** The first multiple of `every` above `step`. */
function nextMultiple(step: number, every: number): number {
  return (Math.floor(step / every) + 1) * every;
}

/** One env, or a SyncVectorEnv of `numEnvs` when more than one. */
export function makeTrainEnv(id: string, numEnvs: number): Env<unknown, unknown> | SyncVectorEnv<unknown, unknown> {
  return numEnvs === 1 ? makeEnv(id) : new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => makeEnv(id)));
}
