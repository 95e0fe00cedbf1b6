import * as tf from '@tensorflow/tfjs-core';
import {
  CallbackRunner,
  CheckpointError,
  Rng,
  asVectorEnv,
  explainedVariance,
  type ActOptions,
  type AnyEnv,
  type Checkpoint,
  type CheckpointStore,
  type JsonObject,
  type Metrics,
  type TrainReport,
  type TrainingState,
  type VectorEnv,
} from '@tfrl/core';
import { RolloutBuffer } from '@tfrl/replay';
import { actionSize, actionSpec, actionSpecToJSON, toEnvActions, type ActionSpec } from '../common/action-spec.js';
import { ActorCritic } from '../common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import { ppoConfig, ppoSchedule, validatePpoConfig, type PpoConfig } from './config.js';
import { PpoLearner, type PpoStepResult } from './learner.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel, readModelSpec } from '../common/model-spec.js';

/** `algorithm` of PPO checkpoints. */
export const PPO_ALGORITHM = 'ppo';

/** What the networks are built for: taken from the env on the first `learn`. */
export interface PpoModelSpec {
  readonly observationSize: number;
  readonly action: ActionSpec;
}

/** Progress counters of a PPO agent. */
interface PpoCounters {
  steps: number;
  episodes: number;
  /** PPO updates: rollouts trained on. */
  iterations: number;
  /** Step at which the current run began and at which it ends (the schedules run over it). */
  runStart: number;
  runEnd: number;
}

/** The run in progress: episodes, the rollout being filled and V(final observation) of its truncated steps. */
interface PpoRun {
  readonly collection: Collection;
  readonly rollout: RolloutBuffer;
  /** [nSteps × numEnvs]: V(final observation) at truncated steps under same-step autoreset, 0 elsewhere. */
  readonly truncatedNextValues: Float32Array;
}

const COUNTERS = ['steps', 'episodes', 'iterations', 'runStart', 'runEnd'] as const;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) with the clipped surrogate, as
 * Stable-Baselines3 and CleanRL: N synchronous envs, rollouts of `nSteps` vector steps with
 * GAE(γ, λ), then `nEpochs` epochs of shuffled minibatches. Discrete (categorical) and Box
 * (diagonal Gaussian; actions clipped to the bounds for the env, the unclipped sample stored)
 * actions. Everything random draws from one Rng seeded by `config.seed`; a checkpoint, also one
 * taken in the middle of a rollout, holds everything a resumed run needs to continue bit for bit.
 */
export class PPO implements PolicyGradientAgent {
  readonly algorithm = PPO_ALGORITHM;
  readonly config: PpoConfig;
  private readonly rng: Rng;
  private spec: PpoModelSpec | null = null;
  private learner: PpoLearner | null = null;
  private run: PpoRun | null = null;
  private counters: PpoCounters = { steps: 0, episodes: 0, iterations: 0, runStart: 0, runEnd: 0 };

  /** Fields not given take {@link defaultPpoConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<PpoConfig> = {}) {
    this.config = ppoConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  /** Env steps taken over all runs. */
  get steps(): number {
    return this.counters.steps;
  }

  /** Gradient steps taken over all runs. */
  get updates(): number {
    return this.learner?.updates ?? 0;
  }

  /** PPO updates (rollouts trained on) over all runs. */
  get iterations(): number {
    return this.counters.iterations;
  }

  /** The actor-critic (null before the first `learn` or `load`). */
  get policy(): ActorCritic | null {
    return this.learner?.policy ?? null;
  }

  /**
   * The PPO loop: fill a rollout (acting on every sub-env at once), compute GAE, train on it for
   * `nEpochs` epochs; repeat until `totalSteps`. A rollout once begun is finished first.
   * Callbacks see every vector step (onStep), every rollout (onRolloutEnd) and every PPO update
   * (onUpdate, with the update's mean metrics); one returning false stops training.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('PPO', totalSteps);
    const env = asVectorEnv(options.env as AnyEnv<unknown>);
    const run = await this.startRun(env, continueRun);
    const { counters } = this;
    counters.runEnd = counters.steps + totalSteps;
    const first = runStart(counters, this.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (counters.steps < counters.runEnd || run.rollout.size > 0) {
      if (!(await this.collectRollout(env, run, runner))) break;
      const metrics = this.train(run);
      run.rollout.reset();
      if (!(await runner.update(this.trainingState(), metrics))) break;
    }
    return finishRun(runner, first, this.trainingState());
  }

  /**
   * The env action for one flat observation: the mode with `deterministic`, else a sample (drawn
   * from the agent's Rng). A number for Discrete actions, a Float32Array clipped to a Box's bounds.
   */
  act(observation: Float32Array, options: ActOptions = {}): number | Float32Array {
    const { action } = this.requireSpec('act');
    const raw = this.learner!.policy.act(observation, this.rng, options.deterministic ?? false).actions;
    const env = toEnvActions(action, raw);
    return action.kind === 'discrete' ? env[0]! : (env as Float32Array);
  }

  /** Saves everything a resumed run needs to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /**
   * The agent as a core checkpoint: config, counters, Rng state, model spec and episode
   * statistics in the manifest; blobs `net.<k>` (every variable), `adam.m`/`adam.v`, and for a run
   * in progress `rollout` (the RolloutBuffer's snapshot), `truncatedNextValues` and `observations`.
   */
  toCheckpoint(): Checkpoint {
    const spec = this.requireSpec('save');
    const learner = this.learner!;
    const { run } = this;
    const { updates, optimizer } = learner.getState();
    return writeAgentCheckpoint({
      algorithm: PPO_ALGORITHM,
      config: JSON.parse(JSON.stringify(this.config)) as JsonObject,
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates },
      variables: { net: learner.trainableVariables() },
      optimizers: { adam: optimizer },
      blobs:
        run === null
          ? {}
          : {
              rollout: { bytes: run.rollout.snapshot() },
              truncatedNextValues: { data: run.truncatedNextValues, shape: [this.config.nSteps, run.collection.numEnvs] },
              observations: { data: run.collection.observations, shape: [run.collection.numEnvs, spec.observationSize] },
            },
      extra: {
        model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject },
        collection: run === null ? null : run.collection.toJSON(),
      },
    });
  }

  /** An agent restored from a directory written by {@link PPO.save} (Node) or a store. */
  static async load(source: string | CheckpointStore): Promise<PPO> {
    return PPO.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link PPO.toCheckpoint}'s output; throws a CheckpointError when it does not fit. */
  static fromCheckpoint(cp: Checkpoint): PPO {
    const checkpoint = new AgentCheckpoint(cp, PPO_ALGORITHM);
    let config: PpoConfig;
    try {
      config = validatePpoConfig(checkpoint.config as unknown as PpoConfig);
    } catch (error) {
      throw new CheckpointError(`not a usable ${PPO_ALGORITHM} checkpoint`, [`config: ${(error as Error).message}`]);
    }
    const counters = checkpoint.counters([...COUNTERS, 'updates']);
    const extra = checkpoint.extra as { model?: { observationSize?: unknown; action?: unknown }; collection?: JsonObject | null };
    const spec = readModelSpec(extra.model, `not a usable ${PPO_ALGORITHM} checkpoint`);
    const agent = new PPO(config);
    try {
      const learner = agent.ensureModel(spec);
      const variables = learner.trainableVariables();
      checkpoint.restoreVariables('net', variables);
      learner.setState({ updates: counters.updates, optimizer: checkpoint.optimizer('adam', variables.reduce((n, v) => n + v.size, 0)) });
      if (extra.collection !== null && extra.collection !== undefined) {
        const numEnvs = extra.collection.numEnvs as number;
        const observations = checkpoint.float32('observations', [numEnvs, spec.observationSize]);
        let collection: Collection;
        try {
          collection = Collection.fromJSON(extra.collection, observations);
        } catch (error) {
          throw new CheckpointError(`not a usable ${PPO_ALGORITHM} checkpoint`, [`extra.collection: ${(error as Error).message}`]);
        }
        const run = agent.createRun(collection);
        try {
          run.rollout.restore(checkpoint.bytes('rollout'));
        } catch (error) {
          throw new CheckpointError(`not a usable ${PPO_ALGORITHM} checkpoint`, [`rollout: ${(error as Error).message}`]);
        }
        run.truncatedNextValues.set(checkpoint.float32('truncatedNextValues', [config.nSteps, numEnvs]));
        agent.run = run;
      }
      agent.counters = { steps: counters.steps, episodes: counters.episodes, iterations: counters.iterations, runStart: counters.runStart, runEnd: counters.runEnd };
      agent.rng.setState(checkpoint.rngState);
      return agent;
    } catch (error) {
      agent.dispose();
      throw error;
    }
  }

  /** Frees the networks' tensors. */
  dispose(): void {
    this.learner?.policy.dispose();
    this.learner = null;
    this.spec = null;
  }

  // ---------------------------------------------------------------------------------------------

  /** Builds the model on first use; starts a new run (env reset) or checks the env of a continued one. */
  private async startRun(env: VectorEnv<unknown, unknown>, continueRun: boolean | 'new-episodes'): Promise<PpoRun> {
    const spec: PpoModelSpec = { observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'PPO.learn') };
    this.ensureModel(spec);
    if (continueRun === true) {
      if (this.run === null) throw new Error('PPO.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'PPO.learn');
      return this.run;
    }
    this.run = this.createRun(await Collection.start(env, this.rng));
    if (continueRun !== 'new-episodes') this.counters.runStart = this.counters.steps;
    return this.run;
  }

  /** The actor-critic and its learner for `spec` (built once; later specs must match). */
  private ensureModel(spec: PpoModelSpec): PpoLearner {
    if (this.learner !== null && this.spec !== null) {
      assertSameModel('PPO', this.spec, spec);
      return this.learner;
    }
    const { config } = this;
    const policy = new ActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      sharedTrunk: config.sharedTrunk,
      withValue: true,
      logStdInit: config.logStdInit,
      rng: this.rng,
      name: 'ppo',
    });
    this.spec = spec;
    this.learner = new PpoLearner(policy, config);
    return this.learner;
  }

  /** A run over `collection`'s envs with an empty rollout. */
  private createRun(collection: Collection): PpoRun {
    const { config } = this;
    const { action, observationSize } = this.spec!;
    const rollout = new RolloutBuffer({
      steps: config.nSteps,
      numEnvs: collection.numEnvs,
      observationSize,
      actionSize: actionSize(action),
      actionDtype: action.kind === 'discrete' ? 'int32' : 'float32',
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
      autoresetMode: collection.autoresetMode,
      normalizeAdvantages: config.normalizeAdvantage ? 'minibatch' : false,
    });
    return { collection, rollout, truncatedNextValues: new Float32Array(config.nSteps * collection.numEnvs) };
  }

  /**
   * Adds vector steps until the rollout is full: act on all sub-envs in one forward pass, step
   * the env with the (clipped) env actions, store the raw actions. False when a callback stopped.
   */
  private async collectRollout(env: VectorEnv<unknown, unknown>, run: PpoRun, runner: CallbackRunner): Promise<boolean> {
    const { collection, rollout, truncatedNextValues } = run;
    const policy = this.learner!.policy;
    const { action } = this.spec!;
    while (!rollout.full) {
      const observations = collection.observations;
      const { actions, logProbs, values } = policy.act(observations, this.rng);
      const { step, finished } = await collection.step(env, toEnvActions(action, actions));
      const row = rollout.size * collection.numEnvs;
      if (collection.autoresetMode === 'same-step') this.bootstrapTruncated(step, truncatedNextValues.subarray(row, row + collection.numEnvs));
      rollout.add({ observations, actions, rewards: step.rewards, terminated: step.terminated, truncated: step.truncated, values: values!, logProbs });
      this.counters.steps += collection.numEnvs;
      this.counters.episodes += finished;
      if (runner.hasStepHooks && !(await runner.step(this.trainingState()))) return false;
    }
    return runner.rolloutEnd(this.trainingState());
  }

  /** V(final observation) of the sub-envs truncated in this step (same-step autoreset), 0 for the others. */
  private bootstrapTruncated(step: { truncated: Uint8Array; terminated: Uint8Array; finalObservations?: Float32Array }, out: Float32Array): void {
    out.fill(0);
    const { observationSize } = this.spec!;
    const rows: number[] = [];
    for (let e = 0; e < out.length; e++) if (step.truncated[e] !== 0 && step.terminated[e] === 0) rows.push(e);
    if (rows.length === 0) return;
    if (step.finalObservations === undefined) throw new Error('PPO.learn: a same-step vector env truncated an episode without finalObservations');
    const finals = new Float32Array(rows.length * observationSize);
    rows.forEach((e, k) => finals.set(step.finalObservations!.subarray(e * observationSize, (e + 1) * observationSize), k * observationSize));
    const values = this.learner!.policy.values(finals);
    rows.forEach((e, k) => (out[e] = values[k]!));
  }

  /** GAE on the full rollout, then `nEpochs` epochs of shuffled minibatches; the update's mean metrics. */
  private train(run: PpoRun): Metrics {
    const { config, counters } = this;
    const learner = this.learner!;
    const { rollout, collection } = run;
    const progress = counters.runEnd > counters.runStart ? (counters.steps - counters.runStart) / (counters.runEnd - counters.runStart) : 1;
    const learningRate = ppoSchedule(config.learningRateSchedule, config.learningRate, progress);
    const clipRange = ppoSchedule(config.clipRangeSchedule, config.clipRange, progress);
    rollout.computeReturnsAndAdvantages({
      lastValues: learner.policy.values(collection.observations),
      ...(collection.autoresetMode === 'same-step' ? { truncatedNextValues: run.truncatedNextValues } : {}),
    });
    const results: PpoStepResult[] = [];
    // The clip range ε must stay > 0 for the loss; at the run's very end a linear schedule reaches 0.
    const settings = { clipRange: Math.max(clipRange, 1e-8), learningRate, targetKl: config.targetKl };
    let epochs = 0;
    let stoppedOnKl = false;
    for (; epochs < config.nEpochs && !stoppedOnKl; epochs++) {
      for (const batch of rollout.minibatches(config.batchSize, this.rng)) {
        const result = learner.step(batch, settings);
        results.push(result);
        if (!result.applied) {
          stoppedOnKl = true; // approx KL > 1.5·targetKl: this minibatch was not applied (SB3)
          break;
        }
      }
    }
    counters.iterations++;
    const metrics: Metrics = {
      ...meanOf(results),
      explainedVariance: rolloutExplainedVariance(rollout),
      learningRate,
      clipRange,
      epochs,
      gradientSteps: results.length,
      stoppedOnKl: stoppedOnKl ? 1 : 0,
    };
    const logStd = learner.policy.logStd;
    if (logStd !== null) metrics.std = tf.tidy(() => tf.mean(tf.exp(logStd)).dataSync()[0]!);
    return metrics;
  }

  private requireSpec(who: string): PpoModelSpec {
    if (this.spec === null || this.learner === null) throw new Error(`PPO.${who}: the agent has no networks yet; call learn() or PPO.load() first`);
    return this.spec;
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }
}

/** Mean of each figure over the minibatches (the KL-stopped one included, as SB3 logs it). */
function meanOf(results: readonly PpoStepResult[]): Metrics {
  const keys = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm'] as const;
  const out: Metrics = {};
  for (const key of keys) {
    const values = results.map((r) => r[key]).filter((x) => !Number.isNaN(x));
    out[key] = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}

/** 1 − Var[R − V]/Var[R] over the rollout's real transitions (SB3's explained_variance). */
function rolloutExplainedVariance(rollout: RolloutBuffer): number {
  const values = rollout.column('value') as Float32Array;
  const { returns, valid } = rollout;
  const predicted: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < valid.length; i++) {
    if (valid[i] === 0) continue;
    predicted.push(values[i]!);
    targets.push(returns[i]!);
  }
  return explainedVariance(Float64Array.from(predicted), Float64Array.from(targets));
}


