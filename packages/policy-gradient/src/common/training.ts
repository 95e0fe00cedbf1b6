import type { CallbackRunner, CheckpointStore, Checkpoint, TrainReport, TrainingState } from '@tfrl/core';
import { resolveStore } from './checkpoint.js';
import type { Collection } from './collection.js';

/** Throws `<who>.learn: totalSteps must be an integer >= 0, got …` unless it is. */
export function checkTotalSteps(who: string, totalSteps: number): void {
  if (!Number.isInteger(totalSteps) || totalSteps < 0) throw new RangeError(`${who}.learn: totalSteps must be an integer >= 0, got ${totalSteps}`);
}

/** Where a `learn` call began: the counters then and the clock. */
export interface RunStart {
  readonly steps: number;
  readonly episodes: number;
  readonly updates: number;
  readonly time: number;
}

/** The counters at the start of a `learn` call, with the time. */
export function runStart(counters: { readonly steps: number; readonly episodes: number }, updates: number): RunStart {
  return { steps: counters.steps, episodes: counters.episodes, updates, time: performance.now() };
}

/** The callbacks' view of an agent: its counters and the recent mean return of the run (NaN without one). */
export function trainingState(counters: { readonly steps: number; readonly episodes: number }, updates: number, collection: Collection | undefined): TrainingState {
  return { step: counters.steps, episodes: counters.episodes, updates, recentReturn: collection?.recentReturn ?? Number.NaN };
}

/** Ends a `learn` call: `onTrainingEnd` with `end`, then the report of what the call did since `first`. */
export async function finishRun(runner: CallbackRunner, first: RunStart, end: TrainingState): Promise<TrainReport> {
  await runner.trainingEnd(end);
  return {
    steps: end.step - first.steps,
    episodes: end.episodes - first.episodes,
    updates: end.updates - first.updates,
    seconds: (performance.now() - first.time) / 1000,
    stoppedEarly: runner.stopRequested,
    recentReturn: end.recentReturn,
  };
}

/** Writes `checkpoint()` to `target` (a directory path or a store). */
export async function saveCheckpoint(target: string | CheckpointStore, checkpoint: () => Checkpoint): Promise<void> {
  await (await resolveStore(target)).write(checkpoint());
}
