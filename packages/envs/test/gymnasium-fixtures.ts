import { readFileSync } from 'node:fs';
import type { Env } from '@tfrl/core';
import type { ClassicControlResetOptions } from '@tfrl/envs';

/** One recorded step of a Gymnasium 1.4 episode (see fixtures/gymnasium/README.md). */
export interface GymnasiumStep {
  action: number | number[];
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** One recorded Gymnasium 1.4 episode: the state after reset, then every step until it ended. */
export interface GymnasiumEpisode {
  env: string;
  seed: number;
  /** `env.unwrapped.state` right after `reset(seed)`. */
  state0: number[];
  obs0: number[];
  steps: GymnasiumStep[];
}

/** The episodes recorded for the env `id` (e.g. 'CartPole-v1'). */
export function loadGymnasiumEpisodes(id: string): GymnasiumEpisode[] {
  const text = readFileSync(new URL(`./fixtures/gymnasium/${id}.jsonl`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as GymnasiumEpisode);
}

/** How far a replay drifted from the recording, and what did not match. */
export interface ReplayReport {
  /** Largest |ours − theirs| / max(1, |theirs|) over every observation element. */
  maxObservationError: number;
  /** Largest |ours − theirs| / max(1, |theirs|) over every reward. */
  maxRewardError: number;
  steps: number;
  /** Human-readable mismatches (observation error over `observationTolerance`, reward over `rewardTolerance`, flags). */
  mismatches: string[];
}

/** Tolerances of {@link replayGymnasiumEpisode}: absolute below 1, relative above. */
export interface ReplayTolerances {
  observation?: number;
  reward?: number;
}

const relativeError = (ours: number, theirs: number): number => Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs));

/**
 * Replays `episode` in `env` (one made with `makeEnv`, so the TimeLimit is there): resets to
 * `state0`, feeds every recorded action (continuous ones as a Float32Array, as Gymnasium got
 * them) and compares observations, rewards and both flags step by step.
 */
export function replayGymnasiumEpisode(env: Env, episode: GymnasiumEpisode, tolerances: ReplayTolerances = {}): ReplayReport {
  const observationTolerance = tolerances.observation ?? 1e-5;
  const rewardTolerance = tolerances.reward ?? 1e-6;
  const mismatches: string[] = [];
  const report = { maxObservationError: 0, maxRewardError: 0, steps: 0, mismatches };
  const compareObservation = (observation: unknown, expected: number[], where: string): void => {
    const values = observation as Float32Array;
    if (!(values instanceof Float32Array) || values.length !== expected.length) {
      mismatches.push(`${where}: observation ${String(observation)} is not a Float32Array of length ${expected.length}`);
      return;
    }
    expected.forEach((theirs, i) => {
      const error = relativeError(values[i]!, theirs);
      report.maxObservationError = Math.max(report.maxObservationError, error);
      if (!(error <= observationTolerance)) mismatches.push(`${where}: observation[${i}] ${values[i]} vs ${theirs}`);
    });
  };
  const resetOptions: ClassicControlResetOptions = { state: episode.state0 };
  compareObservation(env.reset(resetOptions).observation, episode.obs0, 'reset');
  for (const [t, recorded] of episode.steps.entries()) {
    if (mismatches.length > 10) break;
    const action = typeof recorded.action === 'number' ? recorded.action : Float32Array.from(recorded.action);
    const result = env.step(action);
    report.steps++;
    const where = `step ${t}`;
    compareObservation(result.observation, recorded.obs, where);
    const rewardError = relativeError(result.reward, recorded.reward);
    report.maxRewardError = Math.max(report.maxRewardError, rewardError);
    if (!(rewardError <= rewardTolerance)) mismatches.push(`${where}: reward ${result.reward} vs ${recorded.reward}`);
    if (result.terminated !== recorded.terminated) mismatches.push(`${where}: terminated ${result.terminated} vs ${recorded.terminated}`);
    if (result.truncated !== recorded.truncated) mismatches.push(`${where}: truncated ${result.truncated} vs ${recorded.truncated}`);
  }
  return report;
}
