import {
  CallbackRunner,
  CheckpointError,
  Rng,
  type ActOptions,
  type Checkpoint,
  type CheckpointStore,
  type JsonObject,
  type Metrics,
  type TrainReport,
  type TrainingState,
} from '@tfrl/core';
import { actionSpec, actionSpecFromJSON, actionSpecToJSON, toEnvActions, type ActionSpec, type ActionSpecJSON } from '../common/action-spec.js';
import type { ActorCritic } from '../common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, writeAgentCheckpoint } from '../common/checkpoint.js';
import { a3cConfig, type A3cConfig } from './config.js';
import { buildEnv, isA3cEnvSpec, resolveEnvSpec, type A3cEnvSpec, type ResolvedEnvSpec } from './env-spec.js';
import { assignFlat, createA3cNetwork, parameterCount, readFlat, type A3cModelSpec, type A3cWorkerSetup } from './learner.js';
import { deserializeError, type A3cStartMessage, type A3cWorkerMessage } from './protocol.js';
import { CONTROL, SharedState, statsPerParameter } from './shared.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint } from '../common/training.js';

/** Options of {@link A3C.learn}. */
export interface A3cLearnOptions extends Omit<PolicyGradientLearnOptions, 'env'> {
  /**
   * The env every worker builds for itself: an {@link A3cEnvSpec} (a module exporting a factory).
   * Env instances cannot be shared between threads and are refused with a TypeError.
   */
  env: A3cEnvSpec | PolicyGradientLearnOptions['env'];
  /** The worker script; default `a3c-worker.js` next to the package's built `index.js`. */
  workerUrl?: URL | string;
}

/** Counters of an A3C agent (checkpointed). */
interface A3cCounters {
  steps: number;
  episodes: number;
  updates: number;
  /** The learning-rate schedule spans steps [runStart, runEnd). */
  runStart: number;
  runEnd: number;
}

interface Model {
  spec: A3cModelSpec;
  action: ActionSpec;
  /** The main thread's copy θ_local of the global θ, for `act` and checkpoints. */
  network: ActorCritic;
  shared: SharedState;
}

const RECENT = 100;

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message', handler: (message: A3cWorkerMessage) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  on(event: 'exit', handler: (code: number) => void): void;
  terminate(): Promise<number>;
}

// A variable specifier keeps browser bundlers from resolving Node built-ins.
const nodeImport = <T>(specifier: string): Promise<T> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;

/**
 * Asynchronous Advantage Actor-Critic (Mnih et al. 2016, Algorithm S3). `learn` starts
 * `numWorkers` worker threads; each builds its own env from an env spec and its own copy of the
 * actor-critic network, and loops: copy the global parameters θ, act for up to t_max steps,
 * compute n-step returns, and apply its gradient to θ with the shared optimizer (RMSProp's
 * statistics g, or Adam's moments, shared too). θ, the statistics and the step counter live in
 * one SharedArrayBuffer; updates are lock-free (Hogwild!) as in the paper.
 *
 * Determinism: the workers interleave as the OS schedules them, so a run is NOT reproducible
 * from its seed (each worker's actions and env seeds are: their Rng streams are spawned from the
 * agent's Rng). A checkpoint holds θ, the optimizer statistics, the counters and the Rng state;
 * a loaded agent acts as the saved one did and continues training (its episodes restart: the
 * envs live in the workers, which end with each `learn`).
 */
export class A3C implements PolicyGradientAgent<number | Float32Array> {
  readonly algorithm = 'a3c';
  readonly config: A3cConfig;
  private readonly rng: Rng;
  private model: Model | null = null;
  private counters: A3cCounters = { steps: 0, episodes: 0, updates: 0, runStart: 0, runEnd: 0 };
  private recentReturns: number[] = [];
  /** True when the shared θ may have moved since the local copy was taken. */
  private stale = false;
  private running = false;

  /** Fields not given take {@link defaultA3cConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<A3cConfig> = {}) {
    this.config = a3cConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  /** Env steps taken over all runs and workers (live during `learn`). */
  get steps(): number {
    return this.counters.steps + (this.running ? this.model!.shared.steps : 0);
  }

  /** Updates applied to θ over all runs and workers (live during `learn`). */
  get updates(): number {
    return this.counters.updates + (this.running ? this.model!.shared.updates : 0);
  }

  /** The local copy of the actor-critic (null before `learn` or `load`); synced by `act` and `toCheckpoint`. */
  get network(): ActorCritic | null {
    return this.model?.network ?? null;
  }

  /**
   * Algorithm S3 in `numWorkers` threads until they took `totalSteps` env steps together. The
   * main thread only spawns the workers, relays their reports to the callbacks (onUpdate and
   * onStep once per worker update, in arrival order) and waits; a callback returning false stops
   * every worker after its current step. Rejects with the worker index and the worker's error
   * (as `cause`) when a worker fails; the workers are always terminated.
   */
  async learn(options: A3cLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('A3C', totalSteps);
    if (this.running) throw new Error('A3C.learn: already learning');
    if (!isA3cEnvSpec(options.env)) {
      throw new TypeError(
        'A3C.learn: env must be an env spec { module, export?, options? } naming a module whose export builds an Env; each worker thread builds its own env, and an Env instance cannot be shared between threads',
      );
    }
    const envSpec = await resolveEnvSpec(options.env);
    const model = await this.modelFor(envSpec);
    if (continueRun !== false && this.counters.runEnd === 0) throw new Error('A3C.learn: continueRun needs a run to continue (learn or load first)');
    const { counters, config } = this;
    if (continueRun === false) counters.runStart = counters.steps;
    counters.runEnd = counters.steps + totalSteps;
    const { shared } = model;
    shared.beginRun(totalSteps);
    const setups: A3cWorkerSetup[] = Array.from({ length: config.numWorkers }, (_, index) => ({
      index,
      config,
      model: model.spec,
      buffer: shared.buffer,
      paramCount: shared.paramCount,
      rngState: this.rng.spawn().getState(),
      schedule: { offset: counters.steps - counters.runStart, span: counters.runEnd - counters.runStart },
    }));
    const first = runStart(counters, counters.updates);
    const runner = new CallbackRunner(callbacks);
    this.running = true;
    try {
      await runner.trainingStart(this.trainingState());
      if (totalSteps > 0 && !runner.stopRequested) await this.runWorkers(setups, envSpec, options.workerUrl, runner);
    } finally {
      shared.requestStop();
      this.running = false;
      counters.steps += shared.steps;
      counters.updates += shared.updates;
      this.stale = true;
    }
    return finishRun(runner, first, this.trainingState());
  }

  /** The env action for one flat observation from the global θ: the mode with `deterministic`, else a sample (agent's Rng). */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const model = this.requireModel('act');
    const size = model.spec.observationSize;
    if (observation.length !== size) throw new RangeError(`A3C.act: expected an observation of ${size} values, got ${observation.length}`);
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(observation[i]!)) throw new RangeError(`A3C.act: observation[${i}] is ${observation[i]}; observations must be finite`);
    }
    this.syncLocal(model);
    const { actions } = model.network.act(Float32Array.from(observation), this.rng, options.deterministic ?? false);
    const envActions = toEnvActions(model.action, actions);
    return model.action.kind === 'discrete' ? envActions[0]! : (envActions as Float32Array);
  }

  /** Saves the agent to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /**
   * θ (as the `params` variable group), the shared optimizer statistics (blob `optimizer.stats`),
   * the counters (with the optimizer's step count), the Rng state and the recent returns. Taken
   * during `learn` (from a callback) it is a snapshot of θ as the workers are writing it.
   */
  toCheckpoint(): Checkpoint {
    const model = this.requireModel('save');
    this.syncLocal(model);
    const { shared } = model;
    return writeAgentCheckpoint({
      algorithm: this.algorithm,
      config: { ...this.config, hiddenSizes: [...this.config.hiddenSizes] } as unknown as JsonObject,
      rngState: this.rng.getState(),
      counters: { steps: this.steps, episodes: this.counters.episodes, updates: this.updates, runStart: this.counters.runStart, runEnd: this.counters.runEnd, optimizerSteps: Atomics.load(shared.control, CONTROL.optimizerSteps) },
      variables: { params: model.network.trainableVariables() },
      blobs: { 'optimizer.stats': { data: Float32Array.from(shared.stats), shape: [shared.stats.length] } },
      extra: { model: { observationSize: model.spec.observationSize, action: model.spec.action as unknown as JsonObject }, recentReturns: [...this.recentReturns] },
    });
  }

  /** An agent restored from a directory written by {@link A3C.save} (Node) or a store. */
  static async load(source: string | CheckpointStore): Promise<A3C> {
    return A3C.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link A3C.toCheckpoint}; throws a CheckpointError on a foreign or corrupt checkpoint. */
  static fromCheckpoint(cp: Checkpoint): A3C {
    const reader = new AgentCheckpoint(cp, 'a3c');
    const context = 'not a usable a3c checkpoint';
    let config: A3cConfig;
    try {
      config = a3cConfig(reader.config as unknown as Partial<A3cConfig>);
    } catch (error) {
      throw new CheckpointError(context, [(error as Error).message]);
    }
    const spec = readModelSpec(reader.extra.model, context);
    const counters = reader.counters(['steps', 'episodes', 'updates', 'runStart', 'runEnd', 'optimizerSteps'] as const);
    const agent = new A3C(config);
    try {
      const model = agent.ensureModel(spec);
      const variables = model.network.trainableVariables();
      reader.restoreVariables('params', variables);
      readFlat(variables, model.shared.params);
      model.shared.stats.set(reader.float32('optimizer.stats', [model.shared.stats.length]));
      Atomics.store(model.shared.control, CONTROL.optimizerSteps, counters.optimizerSteps);
      const { optimizerSteps: _, ...rest } = counters;
      agent.counters = rest;
      const recent = reader.extra.recentReturns;
      if (!Array.isArray(recent) || recent.some((x) => typeof x !== 'number')) throw new CheckpointError(context, ['extra.recentReturns must be an array of numbers']);
      agent.recentReturns = (recent as number[]).slice(-RECENT);
      agent.rng.setState(reader.rngState);
      agent.stale = false;
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }

  /** Frees the local network (the shared buffer is garbage-collected). */
  dispose(): void {
    this.model?.network.dispose();
    this.model = null;
  }

  // ---------------------------------------------------------------------------------------------

  /** Spawns the workers and relays their reports until all are done; rejects on the first failure. */
  private async runWorkers(setups: A3cWorkerSetup[], env: ResolvedEnvSpec, workerUrl: URL | string | undefined, runner: CallbackRunner): Promise<void> {
    const { Worker } = await nodeImport<{ Worker: new (url: URL | string) => NodeWorker }>('node:worker_threads');
    const url = workerUrl ?? new URL('./a3c-worker.js', import.meta.url);
    const shared = this.model!.shared;
    const workers: NodeWorker[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const finished = new Array<boolean>(setups.length).fill(false);
        let remaining = setups.length;
        let settled = false;
        let chain = Promise.resolve();
        const fail = (error: Error): void => {
          shared.requestStop();
          if (!settled) reject(error);
          settled = true;
        };
        for (const setup of setups) {
          const i = setup.index;
          const worker = new Worker(url);
          workers.push(worker);
          worker.on('message', (message) => {
            if (message.type === 'error') {
              const cause = deserializeError(message.error);
              fail(new Error(`A3C worker ${i} failed: ${cause.message}`, { cause }));
              return;
            }
            if (message.type === 'done') finished[i] = true;
            chain = chain
              .then(async () => {
                if (settled) return;
                if (message.type === 'rollout') await this.onRollout(message, runner, shared);
                else if (--remaining === 0) {
                  settled = true;
                  resolve();
                }
              })
              .catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
          });
          worker.on('error', (error) => fail(new Error(`A3C worker ${i} failed with an uncaught error: ${error.message}`, { cause: error })));
          worker.on('exit', (code) => {
            if (!finished[i]) fail(new Error(`A3C worker ${i} exited with code ${code} before finishing`));
          });
          worker.postMessage({ type: 'start', setup, env } satisfies A3cStartMessage);
        }
      });
    } finally {
      shared.requestStop();
      await Promise.allSettled(workers.map((w) => w.terminate()));
    }
  }

  /** One worker update: statistics, then onUpdate and onStep; a stop request reaches the workers. */
  private async onRollout(message: Extract<A3cWorkerMessage, { type: 'rollout' }>, runner: CallbackRunner, shared: SharedState): Promise<void> {
    for (const episode of message.episodes) {
      this.counters.episodes++;
      this.recentReturns.push(episode.return);
    }
    if (this.recentReturns.length > RECENT) this.recentReturns.splice(0, this.recentReturns.length - RECENT);
    this.stale = true;
    // Reports still queued after a stop (the workers run ahead of the callbacks) only count.
    if (runner.stopRequested) return;
    const metrics: Metrics = { ...message.metrics, worker: message.index };
    await runner.update(this.trainingState(), metrics);
    if (runner.hasStepHooks && !runner.stopRequested) await runner.step(this.trainingState());
    if (runner.stopRequested) shared.requestStop();
  }

  private trainingState(): TrainingState {
    const n = this.recentReturns.length;
    const recentReturn = n === 0 ? Number.NaN : this.recentReturns.reduce((a, b) => a + b, 0) / n;
    return { step: this.steps, episodes: this.counters.episodes, updates: this.updates, recentReturn };
  }

  /** Builds (or checks) the model from the spaces of one env built in this thread. */
  private async modelFor(envSpec: ResolvedEnvSpec): Promise<Model> {
    const probe = await buildEnv(envSpec, 0);
    try {
      const spec: A3cModelSpec = { observationSize: probe.observationSpace.flatDim, action: actionSpecToJSON(actionSpec(probe.actionSpace, 'A3C.learn')) };
      return this.ensureModel(spec);
    } finally {
      probe.close?.();
    }
  }

  /** The local network (weights drawn from the agent's Rng) and the shared state holding its θ. */
  private ensureModel(spec: A3cModelSpec): Model {
    if (this.model !== null) {
      const had = this.model.spec;
      if (had.observationSize !== spec.observationSize || JSON.stringify(had.action) !== JSON.stringify(spec.action)) {
        throw new TypeError(`A3C: the env has ${spec.observationSize} observation values and actions ${JSON.stringify(spec.action)}; the agent was built for ${had.observationSize} and ${JSON.stringify(had.action)}`);
      }
      return this.model;
    }
    const network = createA3cNetwork(this.config, spec, this.rng, 'a3c');
    const variables = network.trainableVariables();
    const shared = SharedState.create(parameterCount(variables), this.config.optimizer);
    readFlat(variables, shared.params);
    this.model = { spec, action: actionSpecFromJSON(spec.action), network, shared };
    return this.model;
  }

  /** θ_local ← θ when the workers may have moved θ. */
  private syncLocal(model: Model): void {
    if (!this.stale && !this.running) return;
    assignFlat(model.network.trainableVariables(), model.shared.params);
    this.stale = false;
  }

  private requireModel(who: string): Model {
    if (this.model === null) throw new Error(`A3C.${who}: the agent has no network yet; call learn() or A3C.load() first`);
    return this.model;
  }
}

/** The saved model spec, checked. */
function readModelSpec(json: unknown, context: string): A3cModelSpec {
  const spec = json as { observationSize?: unknown; action?: ActionSpecJSON } | undefined;
  const problems: string[] = [];
  if (!Number.isSafeInteger(spec?.observationSize) || (spec!.observationSize as number) < 1) problems.push(`extra.model.observationSize must be an integer >= 1, got ${String(spec?.observationSize)}`);
  const action = spec?.action;
  const ok =
    action !== undefined &&
    ((action.kind === 'discrete' && Number.isSafeInteger(action.n) && action.n >= 1 && Number.isSafeInteger(action.start)) ||
      (action.kind === 'box' && Array.isArray(action.shape) && Array.isArray(action.low) && Array.isArray(action.high)));
  if (!ok) problems.push(`extra.model.action is not an action space: ${JSON.stringify(action)}`);
  if (problems.length > 0) throw new CheckpointError(context, problems);
  return { observationSize: spec!.observationSize as number, action: action! };
}

/** Parameters per statistic slot of a config's optimizer (for tests and tools). */
export function a3cOptimizerStatsLength(config: A3cConfig, paramCount: number): number {
  return statsPerParameter(config.optimizer) * paramCount;
}
