import {
  CallbackRunner,
  CheckpointError,
  Rng,
  asVectorEnv,
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
import {
  actionSize,
  actionSpec,
  actionSpecToJSON,
  toEnvActions,
  type ActionSpec,
  } from '../common/action-spec.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from '../common/agent.js';
import { AgentCheckpoint, resolveStore, writeAgentCheckpoint } from '../common/checkpoint.js';
import { Collection } from '../common/collection.js';
import { recurrentPpoConfig, type RecurrentPpoConfig } from './config.js';
import { RecurrentPpoLearner, gatherSequences, type RolloutColumns } from './learner.js';
import { RecurrentActorCritic } from './network.js';
import { RecurrentPolicy, type RecurrentState } from './policy.js';
import {
  advanceEpisodeFlags,
  resetEpisodeFlags,
  rolloutSequences,
  sequenceLayout,
  sequenceMinibatches,
  type EpisodeFlags,
} from './sequences.js';
import { checkTotalSteps, finishRun, runStart, saveCheckpoint, trainingState } from '../common/training.js';
import { assertSameModel, readModelSpec } from '../common/model-spec.js';

const ALGORITHM = 'recurrent-ppo';

/** Options of {@link RecurrentPPO.act}. */
export interface RecurrentPpoActOptions extends ActOptions {
  /**
   * The episode's recurrent state, read and moved on in place (see {@link RecurrentState}); by
   * default the agent's own evaluation state, which {@link RecurrentPPO.resetState} clears.
   */
  state?: RecurrentState;
}

/** What the network is built for. */
interface ModelSpec {
  observationSize: number;
  action: ActionSpec;
}

/** Counters a checkpoint keeps. */
interface Counters {
  steps: number;
  episodes: number;
  /** Rollouts trained on. */
  rollouts: number;
  /** Env steps at the start of the current run and where it ends (schedules). */
  runStart: number;
  runEnd: number;
}

/** A run in progress: episodes, their GRU states, the rollout being filled. */
interface Run {
  collection: Collection;
  /** GRU state before the next step per sub-env [numEnvs × stateSize]. */
  states: Float32Array;
  flags: EpisodeFlags;
  rollout: RolloutBuffer;
  /** V(final observation) at same-step truncations [nSteps × numEnvs] (NaN elsewhere); null under next-step autoreset. */
  truncatedNextValues: Float32Array | null;
}

/**
 * Recurrent PPO, as sb3-contrib's RecurrentPPO: PPO's clipped objective (Schulman et al. 2017)
 * with a GRU policy and value function for partially observed envs. While collecting, every
 * sub-env carries its GRU state, zeroed at episode starts; each rollout row stores the state
 * before its step and an episode-start flag. Training cuts each sub-env's rollout column into
 * sequences of `sequenceLength` steps, unrolls each from its stored state (episode starts zero
 * it again), and takes the PPO loss over the transition rows (padding and autoreset rows masked
 * out), in minibatches of sequences drawn with the agent's Rng.
 *
 * Evaluation must reset the GRU state at each new episode: core's `evaluatePolicy(env, agent)`
 * does (it calls {@link RecurrentPPO.resetState} after every env reset, and `act` without a
 * `state` uses the agent's own evaluation state); so does {@link evaluateRecurrentPolicy} with
 * {@link RecurrentPPO.policy} (a stateful policy of its own); by hand, call `resetState()`.
 */
export class RecurrentPPO implements PolicyGradientAgent {
  readonly algorithm = ALGORITHM;
  readonly config: RecurrentPpoConfig;
  private readonly rng: Rng;
  private spec: ModelSpec | null = null;
  private learner: RecurrentPpoLearner | null = null;
  private run: Run | null = null;
  private counters: Counters = { steps: 0, episodes: 0, rollouts: 0, runStart: 0, runEnd: 0 };
  private readonly evalState: RecurrentState = { hidden: null };

  /** Fields not given take {@link defaultRecurrentPpoConfig}'s values; throws a RangeError naming a bad field. */
  constructor(config: Partial<RecurrentPpoConfig> = {}) {
    this.config = recurrentPpoConfig(config);
    this.rng = Rng.fromSeed(this.config.seed);
  }

  /** Env steps taken over all runs. */
  get steps(): number {
    return this.counters.steps;
  }

  /** Gradient steps (minibatches) over all runs. */
  get updates(): number {
    return this.learner?.updates ?? 0;
  }

  /** The network (null before the first `learn` or `load`). */
  get network(): RecurrentActorCritic | null {
    return this.learner?.network ?? null;
  }

  /**
   * The loop: collect `nSteps` vector steps (acting on every sub-env with its GRU state), then
   * compute GAE and train `nEpochs` epochs on minibatches of sequences; repeat up to
   * `totalSteps`. Callbacks see every vector step (onStep) and every trained rollout (onUpdate);
   * one returning false stops.
   */
  async learn(options: PolicyGradientLearnOptions): Promise<TrainReport> {
    const { totalSteps, callbacks = [], continueRun = false } = options;
    checkTotalSteps('RecurrentPPO', totalSteps);
    const env = asVectorEnv(options.env as AnyEnv<number | Float32Array>);
    const run = await this.startRun(env, continueRun);
    const { counters } = this;
    counters.runEnd = counters.steps + totalSteps;
    const first = runStart(counters, this.updates);
    const runner = new CallbackRunner(callbacks);
    await runner.trainingStart(this.trainingState());
    while (!runner.stopRequested) {
      if (run.rollout.full) {
        await runner.update(this.trainingState(), this.train(run));
        continue;
      }
      if (counters.steps >= counters.runEnd) break;
      await this.collectStep(env, run);
      if (runner.hasStepHooks) await runner.step(this.trainingState());
    }
    return finishRun(runner, first, this.trainingState());
  }

  /**
   * The env action for one observation of an episode in progress, moving the recurrent state on:
   * `options.state`'s, or the agent's own evaluation state (clear it with
   * {@link RecurrentPPO.resetState} before each new episode). The mode with `deterministic`,
   * else a sample drawn with the agent's Rng.
   */
  act(observation: Float32Array, options: RecurrentPpoActOptions = {}): number | Float32Array {
    return this.actWith(observation, options.state ?? this.evalState, options.deterministic ?? false);
  }

  /** Forgets the evaluation state of {@link RecurrentPPO.act}: the next call starts an episode. */
  resetState(): void {
    this.evalState.hidden = null;
  }

  /** A fresh recurrent state for `act({ state })`: the next call starts an episode. */
  initialState(): RecurrentState {
    return { hidden: null };
  }

  /**
   * A stateful {@link RecurrentPolicy} over this agent's network with its own state, for
   * evaluation: `evaluateRecurrentPolicy(env, agent.policy())` resets it at every episode.
   */
  policy(): RecurrentPolicy {
    return new RecurrentPolicy((observation, state, deterministic) => this.actWith(observation, state, deterministic));
  }

  /** Saves everything a resumed run needs to a directory (Node) or a {@link CheckpointStore}. */
  async save(target: string | CheckpointStore): Promise<void> {
    await saveCheckpoint(target, () => this.toCheckpoint());
  }

  /**
   * The agent as a core checkpoint: weights, Adam state, Rng state, counters, and for a run in
   * progress the partial rollout, the observations in flight, each sub-env's GRU state and
   * episode flags, so a resumed run continues bit for bit.
   */
  toCheckpoint(): Checkpoint {
    const learner = this.requireLearner('save');
    const spec = this.spec!;
    const { run } = this;
    const blobs: Record<string, Uint8Array | Float32Array | { bytes: Uint8Array }> = {};
    let collection: JsonObject | null = null;
    if (run !== null) {
      collection = { ...run.collection.toJSON(), sameStep: run.truncatedNextValues !== null };
      blobs['run.rollout'] = { bytes: run.rollout.snapshot() };
      blobs['run.observations'] = Float32Array.from(run.collection.observations);
      blobs['run.states'] = Float32Array.from(run.states);
      blobs['run.starts'] = { bytes: Uint8Array.from(run.flags.starts) };
      blobs['run.pending'] = { bytes: Uint8Array.from(run.flags.pending) };
      if (run.truncatedNextValues !== null) blobs['run.truncatedNextValues'] = Float32Array.from(run.truncatedNextValues);
    }
    const { updates, optimizer } = learner.getState();
    return writeAgentCheckpoint({
      algorithm: ALGORITHM,
      config: { ...this.config, encoderSizes: [...this.config.encoderSizes], headSizes: [...this.config.headSizes] },
      rngState: this.rng.getState(),
      counters: { ...this.counters, updates },
      variables: { network: learner.network.trainableVariables() },
      optimizers: { adam: optimizer },
      blobs,
      extra: { model: { observationSize: spec.observationSize, action: actionSpecToJSON(spec.action) as unknown as JsonObject }, collection },
    });
  }

  /** An agent restored from a directory written by {@link RecurrentPPO.save} (Node) or a store. */
  static async load(source: string | CheckpointStore): Promise<RecurrentPPO> {
    return RecurrentPPO.fromCheckpoint(await (await resolveStore(source)).read());
  }

  /** An agent restored from {@link RecurrentPPO.toCheckpoint}'s output; throws a CheckpointError on a corrupt or foreign one. */
  static fromCheckpoint(cp: Checkpoint): RecurrentPPO {
    const checkpoint = new AgentCheckpoint(cp, ALGORITHM);
    let agent: RecurrentPPO;
    try {
      agent = new RecurrentPPO(checkpoint.config as Partial<RecurrentPpoConfig>);
    } catch (error) {
      throw new CheckpointError(`not a usable ${ALGORITHM} checkpoint`, [`config: ${error instanceof Error ? error.message : String(error)}`]);
    }
    const model = readModelSpec(checkpoint.extra.model, `not a usable ${ALGORITHM} checkpoint`);
    try {
      const counters = checkpoint.counters(['steps', 'episodes', 'updates', 'rollouts', 'runStart', 'runEnd'] as const);
      const learner = agent.ensureModel(model);
      const variables = learner.network.trainableVariables();
      checkpoint.restoreVariables('network', variables);
      const size = variables.reduce((n, v) => n + v.size, 0);
      learner.setState({ updates: counters.updates, optimizer: checkpoint.optimizer('adam', size) });
      const collection = checkpoint.extra.collection as JsonObject | null | undefined;
      if (collection !== null && collection !== undefined) agent.run = agent.restoreRun(checkpoint, collection);
      const { updates: _, ...rest } = counters;
      agent.counters = rest;
      agent.rng.setState(checkpoint.rngState);
      return agent;
    } catch (error) {
      agent.dispose();
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(`not a usable ${ALGORITHM} checkpoint`, [error instanceof Error ? error.message : String(error)]);
    }
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.learner?.network.dispose();
    this.learner = null;
  }

  // ---------------------------------------------------------------------------------------------

  private actWith(observation: Float32Array, state: RecurrentState, deterministic: boolean): number | Float32Array {
    const learner = this.requireLearner('act');
    const { network } = learner;
    const spec = this.spec!;
    if (!(observation instanceof Float32Array) || observation.length !== spec.observationSize) {
      throw new RangeError(`RecurrentPPO.act: expected a Float32Array of ${spec.observationSize} values, got ${describe(observation)}`);
    }
    const start = state.hidden === null ? 1 : 0;
    const hidden = state.hidden ?? new Float32Array(network.stateSize);
    if (hidden.length !== network.stateSize) throw new RangeError(`RecurrentPPO.act: state.hidden must hold ${network.stateSize} values, got ${hidden.length}`);
    const result = network.act(observation, hidden, [start], this.rng, deterministic);
    state.hidden = result.state;
    const env = toEnvActions(spec.action, result.actions);
    return spec.action.kind === 'discrete' ? env[0]! : (env as Float32Array);
  }

  /** Builds the model on first use; resets the env for a new run or checks it for a continued one. */
  private async startRun(env: VectorEnv<unknown, number | Float32Array>, continueRun: boolean | 'new-episodes'): Promise<Run> {
    const spec: ModelSpec = { observationSize: env.observationSize, action: actionSpec(env.singleActionSpace, 'RecurrentPPO.learn') };
    this.ensureModel(spec);
    if (continueRun === true) {
      if (this.run === null) throw new Error('RecurrentPPO.learn: continueRun needs a run to continue (learn or load first)');
      this.run.collection.checkContinues(env, 'RecurrentPPO.learn');
      return this.run;
    }
    const collection = await Collection.start(env, this.rng);
    const { numEnvs, autoresetMode } = env;
    const stateSize = this.learner!.network.stateSize;
    const previous = this.run;
    const reusable = previous !== null && previous.rollout.numEnvs === numEnvs && previous.rollout.autoresetMode === autoresetMode;
    const rollout = reusable ? previous.rollout : this.createRollout(numEnvs, autoresetMode);
    rollout.reset({ envReset: true });
    this.run = {
      collection,
      states: new Float32Array(numEnvs * stateSize),
      flags: resetEpisodeFlags(numEnvs),
      rollout,
      truncatedNextValues: autoresetMode === 'next-step' ? null : new Float32Array(this.config.nSteps * numEnvs).fill(Number.NaN),
    };
    if (continueRun !== 'new-episodes') this.counters.runStart = this.counters.steps;
    return this.run;
  }

  private createRollout(numEnvs: number, autoresetMode: 'next-step' | 'same-step' | 'disabled'): RolloutBuffer {
    const { config } = this;
    const spec = this.spec!;
    return new RolloutBuffer({
      steps: config.nSteps,
      numEnvs,
      observationSize: spec.observationSize,
      actionSize: actionSize(spec.action),
      actionDtype: spec.action.kind === 'discrete' ? 'int32' : 'float32',
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
      autoresetMode,
      extras: { state: { shape: [this.learner!.network.stateSize], dtype: 'float32' }, episodeStart: { shape: [], dtype: 'uint8' } },
    });
  }

  /** One action per sub-env (each with its GRU state), one vector step, its row in the rollout. */
  private async collectStep(env: VectorEnv<unknown, number | Float32Array>, run: Run): Promise<void> {
    const { network } = this.learner!;
    const spec = this.spec!;
    const { collection, flags } = run;
    const observations = collection.observations;
    const acted = network.act(observations, run.states, flags.starts, this.rng, false);
    const { step, finished } = await collection.step(env, toEnvActions(spec.action, acted.actions));
    const row = run.rollout.size;
    run.rollout.add({
      observations,
      actions: acted.actions,
      rewards: step.rewards,
      terminated: step.terminated,
      truncated: step.truncated,
      values: acted.values,
      logProbs: acted.logProbs,
      extras: { state: run.states, episodeStart: flags.starts },
    });
    if (run.truncatedNextValues !== null) this.recordTruncations(run, step, acted.state, row);
    advanceEpisodeFlags(flags, collection.autoresetMode, step.terminated, step.truncated);
    run.states = acted.state;
    this.counters.steps += collection.numEnvs;
    this.counters.episodes += finished;
  }

  /** Same-step autoreset: V(final observation), continuing the ended episode's state, at truncations. */
  private recordTruncations(run: Run, step: { truncated: Uint8Array; terminated: Uint8Array; finalObservations?: Float32Array }, states: Float32Array, row: number): void {
    const { numEnvs } = run.collection;
    const size = this.spec!.observationSize;
    const stateSize = this.learner!.network.stateSize;
    for (let e = 0; e < numEnvs; e++) {
      run.truncatedNextValues![row * numEnvs + e] = Number.NaN;
      if (step.truncated[e] === 0 || step.terminated[e] !== 0) continue;
      if (step.finalObservations === undefined) throw new Error('RecurrentPPO.learn: a same-step vector env must return finalObservations');
      const observation = step.finalObservations.subarray(e * size, (e + 1) * size);
      const value = this.learner!.network.values(Float32Array.from(observation), states.slice(e * stateSize, (e + 1) * stateSize), [0]);
      run.truncatedNextValues![row * numEnvs + e] = value[0]!;
    }
  }

  /** GAE over the full rollout, then `nEpochs` epochs of minibatches of sequences. */
  private train(run: Run): Metrics {
    const learner = this.learner!;
    const { config } = this;
    const { rollout, collection } = run;
    const lastValues = learner.network.values(collection.observations, run.states, run.flags.starts);
    rollout.computeReturnsAndAdvantages({ lastValues, ...(run.truncatedNextValues === null ? {} : { truncatedNextValues: run.truncatedNextValues }) });
    learner.learningRate = config.learningRateSchedule === 'linear' ? config.learningRate * (1 - this.progress()) : config.learningRate;
    const columns = this.columns(rollout);
    const spans = rolloutSequences(config.nSteps, rollout.numEnvs, config.sequenceLength);
    const sums: Record<string, number> = { loss: 0, policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradNorm: 0 };
    let steps = 0;
    let stoppedByKl = false;
    for (let epoch = 0; epoch < config.nEpochs && !stoppedByKl; epoch++) {
      for (const group of sequenceMinibatches(spans.length, config.numMinibatches, this.rng)) {
        const layout = sequenceLayout(Array.from(group, (i) => spans[i]!), rollout.numEnvs, rollout.valid);
        if (layout.lossPositions.length === 0) continue;
        const result = learner.step(gatherSequences(columns, layout, config.normalizeAdvantage));
        for (const key of Object.keys(sums)) sums[key]! += result[key as keyof typeof result];
        steps++;
        if (config.targetKl !== null && result.approxKl > 1.5 * config.targetKl) {
          stoppedByKl = true;
          break;
        }
      }
    }
    this.counters.rollouts++;
    const metrics: Metrics = { learningRate: learner.learningRate, explainedVariance: explainedVariance(columns.values, columns.returns, rollout.valid) };
    for (const [key, sum] of Object.entries(sums)) metrics[key] = steps > 0 ? sum / steps : Number.NaN;
    rollout.reset();
    return metrics;
  }

  private columns(rollout: RolloutBuffer): RolloutColumns {
    return {
      numEnvs: rollout.numEnvs,
      observationSize: rollout.observationSize,
      actionSize: rollout.actionSize,
      stateSize: this.learner!.network.stateSize,
      observations: rollout.column('observation') as Float32Array,
      actions: rollout.column('action') as Int32Array | Float32Array,
      logProbs: rollout.column('logProb') as Float32Array,
      values: rollout.column('value') as Float32Array,
      advantages: rollout.advantages,
      returns: rollout.returns,
      states: rollout.column('state') as Float32Array,
      episodeStarts: rollout.column('episodeStart') as Uint8Array,
    };
  }

  /** Run progress in [0, 1] for the schedule. */
  private progress(): number {
    const { steps, runStart, runEnd } = this.counters;
    return runEnd > runStart ? Math.min(1, Math.max(0, (steps - runStart) / (runEnd - runStart))) : 1;
  }

  private trainingState(): TrainingState {
    return trainingState(this.counters, this.updates, this.run?.collection);
  }

  /** Builds the network and learner on first use (drawing the weights from the Rng); checks the env against them later. */
  private ensureModel(spec: ModelSpec): RecurrentPpoLearner {
    if (this.learner !== null) {
      const had = this.spec!;
      assertSameModel('RecurrentPPO', had, spec);
      return this.learner;
    }
    const { config } = this;
    const network = new RecurrentActorCritic({
      observationSize: spec.observationSize,
      action: spec.action,
      encoderSizes: config.encoderSizes,
      hiddenSize: config.hiddenSize,
      headSizes: config.headSizes,
      activation: config.activation,
      sharedGru: config.sharedGru,
      logStdInit: config.logStdInit,
      rng: this.rng,
      name: 'recurrent_ppo',
    });
    this.spec = spec;
    this.learner = new RecurrentPpoLearner(network, config);
    return this.learner;
  }

  private restoreRun(checkpoint: AgentCheckpoint, json: JsonObject): Run {
    const spec = this.spec!;
    const stateSize = this.learner!.network.stateSize;
    const observations = checkpoint.float32('run.observations', [(json.numEnvs as number) * spec.observationSize]);
    const collection = Collection.fromJSON(json, observations);
    const { numEnvs, autoresetMode } = collection;
    const rollout = this.createRollout(numEnvs, autoresetMode);
    rollout.restore(checkpoint.bytes('run.rollout'));
    const starts = checkpoint.bytes('run.starts');
    const pending = checkpoint.bytes('run.pending');
    if (starts.length !== numEnvs || pending.length !== numEnvs) throw new CheckpointError(`not a usable ${ALGORITHM} checkpoint`, [`run.starts and run.pending must hold ${numEnvs} flags`]);
    const sameStep = autoresetMode !== 'next-step';
    return {
      collection,
      states: checkpoint.float32('run.states', [numEnvs * stateSize]),
      flags: { starts: Uint8Array.from(starts), pending: Uint8Array.from(pending) },
      rollout,
      truncatedNextValues: sameStep ? checkpoint.float32('run.truncatedNextValues', [this.config.nSteps * numEnvs]) : null,
    };
  }

  private requireLearner(who: string): RecurrentPpoLearner {
    if (this.learner === null) throw new Error(`RecurrentPPO.${who}: the agent has no network yet; call learn() or RecurrentPPO.load() first`);
    return this.learner;
  }
}

/** Fraction of the returns' variance the values explain, over valid rows: 1 − Var(R − V)/Var(R). */
export function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>, valid?: ArrayLike<number>): number {
  let n = 0;
  let sumR = 0;
  let sumD = 0;
  for (let i = 0; i < returns.length; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    n++;
    sumR += returns[i]!;
    sumD += returns[i]! - values[i]!;
  }
  if (n === 0) return Number.NaN;
  const [meanR, meanD] = [sumR / n, sumD / n];
  let varR = 0;
  let varD = 0;
  for (let i = 0; i < returns.length; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    varR += (returns[i]! - meanR) ** 2;
    varD += (returns[i]! - values[i]! - meanD) ** 2;
  }
  return varR === 0 ? Number.NaN : 1 - varD / varR;
}

function describe(value: unknown): string {
  if (value instanceof Float32Array) return `${value.length} values`;
  return value === null ? 'null' : typeof value === 'object' ? (value as object).constructor.name : typeof value;
}
