import type { Env, JsonValue, Metrics, ResetOptions, ResetResult, StepResult, TrainReport } from '@tfrl/core';
import { OneHotObservation, SyncVectorEnv, makeEnv } from '@tfrl/envs';
import { ALGORITHM_TABLE, type CliAgent } from './algorithms.js';

/** The envs the page offers (GridWorld is fed to networks one-hot, as the book does). */
export const PAGE_ENVS = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'Pendulum-v1', 'GridWorld-v0'] as const;

/** What a training session is: the same in Node and in the page's worker. */
export interface SessionSpec {
  algorithm: string;
  env: string;
  seed: number;
  /** One of the algorithm's presets; default its first. */
  preset?: string;
  /** Config fields that differ from the algorithm's defaults. */
  config: Record<string, JsonValue>;
  /** Env steps to train for. */
  steps: number;
  /** Sub-envs (default: the algorithm's). */
  envs?: number;
}

/** One finished training episode. */
export interface EpisodeRecord {
  step: number;
  return: number;
  length: number;
}

/** What a session reports while it runs; every hook is optional. */
export interface SessionHooks {
  /** After every update, with its metrics. */
  onUpdate?(step: number, metrics: Metrics): void;
  /** At the end of every training episode. */
  onEpisode?(episode: EpisodeRecord): void;
  /** After every env step: the step count and the observation the agent now sees. */
  onStep?(step: number, observation: Float32Array): void | boolean | Promise<void | boolean>;
}

/** An env the page and the parity test train on: GridWorld one-hot, everything else as registered. */
export function makeSessionEnv(id: string): Env<Float32Array, unknown> {
  const env = makeEnv(id) as unknown as Env<unknown, unknown>;
  return (id.startsWith('GridWorld') ? new OneHotObservation(env as Env<number, unknown>) : env) as Env<Float32Array, unknown>;
}

/** A new agent for `spec`; throws a RangeError naming a bad config field. */
export function createSessionAgent(spec: SessionSpec): CliAgent {
  const entry = ALGORITHM_TABLE[spec.algorithm];
  if (entry === undefined) throw new RangeError(`unknown algorithm '${spec.algorithm}': choose one of ${Object.keys(ALGORITHM_TABLE).join(', ')}`);
  return entry.create({ ...spec.config, seed: spec.seed }, spec.preset ?? entry.presets[0]!);
}

/**
 * An env that reports what happens in it: episode returns and lengths, and the latest
 * observation (what the page draws). The agent trains on it like on any env.
 */
export class ObservedEnv<A> implements Env<Float32Array, A> {
  readonly observationSpace;
  readonly actionSpace;
  private episodeReturn = 0;
  private episodeLength = 0;
  latest: Float32Array = new Float32Array(0);

  /** `counter` counts steps over every env sharing it (the sub-envs of one vector env). */
  constructor(
    private readonly env: Env<Float32Array, A>,
    private readonly onEpisode: (episode: EpisodeRecord) => void,
    private readonly counter: { steps: number } = { steps: 0 },
  ) {
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
  }

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    const result = this.env.reset(options);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.latest = result.observation;
    return result;
  }

  step(action: A): StepResult<Float32Array> {
    const result = this.env.step(action);
    this.counter.steps++;
    this.episodeReturn += result.reward;
    this.episodeLength++;
    this.latest = result.observation;
    if (result.terminated || result.truncated) this.onEpisode({ step: this.counter.steps, return: this.episodeReturn, length: this.episodeLength });
    return result;
  }

  close(): void {
    this.env.close?.();
  }
}

/**
 * Trains `agent` on `spec.env` for `spec.steps` steps (or until a hook returns false), calling
 * the hooks. The same function runs in Node and in the page's Web Worker, so the same seed on
 * the same backend gives the same metrics in both.
 */
export async function runSession(agent: CliAgent, spec: SessionSpec, hooks: SessionHooks = {}): Promise<TrainReport> {
  const numEnvs = spec.envs ?? ALGORITHM_TABLE[spec.algorithm]?.numEnvs ?? 1;
  const counter = { steps: 0 };
  const observed = Array.from({ length: numEnvs }, () => new ObservedEnv(makeSessionEnv(spec.env), (episode) => hooks.onEpisode?.(episode), counter));
  const env = numEnvs === 1 ? observed[0]! : new SyncVectorEnv(observed.map((sub) => () => sub));
  try {
    return await agent.learn({
      env: env as never,
      totalSteps: spec.steps,
      callbacks: [
        {
          onUpdate: (state, metrics) => {
            hooks.onUpdate?.(state.step, metrics);
            return true;
          },
          onStep: async (state) => (await hooks.onStep?.(state.step, observed[0]!.latest)) !== false,
        },
      ],
    });
  } finally {
    await env.close();
  }
}
