// Test-only: checks and builders the agents' tests of this package share (not exported from the
// package; vitest imports it from the *.test.ts files).
import { CheckpointError, MultiDiscrete, Rng, evalCallback, evaluatePolicy, memoryCheckpointStore, type Checkpoint, type CheckpointStore, type Env, type TrainReport } from '@tfrl/core';
import { CartPoleVectorEnv, makeEnv } from '@tfrl/envs';
import { expectNoTensorLeak, weightsOf } from '@tfrl/testing';
import { expect } from 'vitest';
import { ActorCritic } from './common/actor-critic.js';
import type { PolicyGradientAgent, PolicyGradientLearnOptions } from './common/agent.js';

/** An agent class of this package: `new Agent(config)`, `Agent.load`, `Agent.fromCheckpoint`. */
export interface AgentClass<C, T extends PolicyGradientAgent> {
  new (config?: Partial<C>): T;
  load(source: string | CheckpointStore): Promise<T>;
  fromCheckpoint(cp: Checkpoint): T;
}

/** An agent whose policy (and value) networks are one {@link ActorCritic} (`network`). */
export type NetworkAgent = PolicyGradientAgent & { readonly network: ActorCritic | null };

/** The trainable weights of `agent.network`, flattened. */
export function networkWeights(agent: NetworkAgent): Float32Array {
  return weightsOf(agent.network!.trainableVariables());
}

/** `run(seed)` twice with seed 1 and once with seed 2: the same seed gives the same result, another seed another. */
export async function expectSameSeedSameRun<T>(run: (seed: number) => Promise<T>): Promise<void> {
  const a = await run(1);
  expect(await run(1)).toEqual(a);
  expect(await run(2)).not.toEqual(a);
}

/** An ActorCritic for CartPole-shaped data (4 inputs, Discrete(2)) with `config`'s layers. */
export function cartPoleNetwork(
  config: { hiddenSizes: readonly number[]; activation: ActorCritic['config']['activation'] },
  options: { sharedTrunk: boolean; withValue: boolean },
  seed = 0,
): ActorCritic {
  return new ActorCritic({
    observationSize: 4,
    action: { kind: 'discrete', n: 2, start: 0 },
    hiddenSizes: config.hiddenSizes,
    activation: config.activation,
    sharedTrunk: options.sharedTrunk,
    withValue: options.withValue,
    logStdInit: 0,
    rng: Rng.fromSeed(seed),
    name: 'test',
  });
}

/**
 * Trains one agent straight for `total` steps and another (same config, seed 7) that saves in
 * its `onStep` at step `at`, is loaded and continues for the rest: both end with the same
 * counters, weights and action.
 */
export async function expectResumeEqualsStraightRun<C, T extends NetworkAgent>(
  Agent: AgentClass<C, T>,
  config: Partial<C>,
  makeTrainEnv: () => unknown,
  total: number,
  at: number,
): Promise<void> {
  const straight = new Agent({ ...config, seed: 7 });
  await straight.learn({ env: makeTrainEnv() as never, totalSteps: total });

  const store = memoryCheckpointStore();
  const env = makeTrainEnv();
  const first = new Agent({ ...config, seed: 7 });
  const report = await first.learn({
    env: env as never,
    totalSteps: total,
    callbacks: [{ onStep: async (state) => (state.step === at ? (await first.save(store), false) : true) }],
  });
  expect(report).toMatchObject({ steps: at, stoppedEarly: true });
  first.dispose();
  const resumed = await Agent.load(store);
  expect(resumed.steps).toBe(at);
  await resumed.learn({ env: env as never, totalSteps: total - at, continueRun: true });
  expect(resumed.steps).toBe(total);
  expect(resumed.updates).toBe(straight.updates);
  expect(resumed.updates).toBeGreaterThan(0);
  expect(networkWeights(resumed)).toEqual(networkWeights(straight));
  const observation = new Float32Array(resumed.network!.config.observationSize).fill(0.1);
  expect(resumed.act(observation)).toEqual(straight.act(observation));
  straight.dispose();
  resumed.dispose();
}

/** `continueRun: 'new-episodes'` after fromCheckpoint keeps counters and weights on a fresh env; `true` then needs the env of the run. */
export async function expectNewEpisodesContinue<C, T extends NetworkAgent>(Agent: AgentClass<C, T>, config: Partial<C>): Promise<void> {
  const agent = new Agent({ ...config });
  await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 200 });
  const resumed = Agent.fromCheckpoint(agent.toCheckpoint());
  expect(networkWeights(resumed)).toEqual(networkWeights(agent));
  const report = await resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 3 }), totalSteps: 150, continueRun: 'new-episodes' });
  expect(report.steps).toBe(150);
  expect(resumed.steps).toBe(350);
  await expect(resumed.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 10, continueRun: true })).rejects.toThrow(/continueRun needs the env of the run/);
  agent.dispose();
  resumed.dispose();
}

/** CartPole: actions in {0, 1}, the mode deterministically; Pendulum with a wide σ: torques within [−2, 2]. */
export async function expectActsOnCartPoleAndPendulum<C extends { logStdInit: number }, T extends PolicyGradientAgent>(Agent: AgentClass<C, T>, config: Partial<C>): Promise<void> {
  const cartPole = new Agent(config);
  await cartPole.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: 20 });
  const observation = Float32Array.of(0.01, 0.02, -0.03, 0.04);
  const action = cartPole.act(observation);
  expect([0, 1]).toContain(action);
  const greedy = cartPole.act(observation, { deterministic: true });
  for (let i = 0; i < 5; i++) expect(cartPole.act(observation, { deterministic: true })).toBe(greedy);

  const pendulum = new Agent({ ...config, logStdInit: 2 });
  await pendulum.learn({ env: makeEnv('Pendulum-v1') as never, totalSteps: 10 });
  for (let i = 0; i < 20; i++) {
    const torque = pendulum.act(Float32Array.of(1, 0, 0)) as Float32Array;
    expect(torque).toBeInstanceOf(Float32Array);
    expect(Math.abs(torque[0]!)).toBeLessThanOrEqual(2);
  }
  cartPole.dispose();
  pendulum.dispose();
}

/** An env with CartPole's observations and a MultiDiscrete([2, 2]) action space (no agent here takes it). */
export function multiDiscreteCartPole(): Env<unknown, unknown> {
  const cartPole = makeEnv('CartPole-v1');
  return {
    observationSpace: cartPole.observationSpace,
    actionSpace: new MultiDiscrete([2, 2]),
    reset: (options?: { seed?: number }) => cartPole.reset(options),
    step: () => {
      throw new Error('not reached');
    },
  } as unknown as Env<unknown, unknown>;
}

/**
 * Acting before learning, NaN observations, wrong sizes, a Box env after a Discrete run, a
 * MultiDiscrete env, γ = 2 and negative totalSteps all throw (`name` and `configName` appear in
 * the messages).
 */
export async function expectRejectsBadInput<C extends { gamma: number }, T extends PolicyGradientAgent>(
  Agent: AgentClass<C, T>,
  config: Partial<C>,
  name: string,
  configName: string,
): Promise<void> {
  expect(() => new Agent().act(new Float32Array(4))).toThrow(`call learn() or ${name}.load() first`);
  const agent = new Agent(config);
  await agent.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: 10 });
  expect(() => agent.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/not finite/);
  expect(() => agent.act(new Float32Array(3))).toThrow('the observation has 3 values, the policy takes 4');
  await expect(agent.learn({ env: makeEnv('Pendulum-v1') as never, totalSteps: 10 })).rejects.toThrow(TypeError);
  await expect(new Agent().learn({ env: multiDiscreteCartPole() as never, totalSteps: 1 })).rejects.toThrow(/needs a Discrete or Box action space/);
  expect(() => new Agent({ gamma: 2 } as Partial<C>)).toThrow(`${configName}: gamma must be in [0, 1], got 2`);
  await expect(agent.learn({ env: makeEnv('CartPole-v1') as never, totalSteps: -1 })).rejects.toThrow(RangeError);
  agent.dispose();
}

/** After a first `learn` on `env`: act (sampled and deterministic) and a continued `learn` of `continueSteps` leak no tensor. */
export async function expectActAndLearnLeakFree(
  agent: PolicyGradientAgent,
  env: PolicyGradientLearnOptions['env'],
  observation: Float32Array,
  continueSteps: number,
): Promise<void> {
  await expectNoTensorLeak(() => agent.act(observation));
  await expectNoTensorLeak(() => agent.act(observation, { deterministic: true }));
  await expectNoTensorLeak(() => agent.learn({ env, totalSteps: continueSteps, continueRun: true }));
}

/** `cp` with its manifest changed by `change`. */
export function withManifest(cp: Checkpoint, change: (m: Checkpoint['manifest']) => Checkpoint['manifest']): Checkpoint {
  return { ...cp, manifest: change(cp.manifest) };
}

/** What every ActorCritic-based checkpoint refuses: another algorithm, other shapes, a bad counter or config, no model spec. */
export function commonCorruptions(cp: Checkpoint): [string, Checkpoint, RegExp][] {
  return [
    ['another algorithm', withManifest(cp, (m) => ({ ...m, algorithm: 'ppo' })), /algorithm/],
    ['other hidden sizes', withManifest(cp, (m) => ({ ...m, config: { ...m.config, hiddenSizes: [16] } })), /does not match/],
    ['a bad counter', withManifest(cp, (m) => ({ ...m, counters: { ...m.counters, steps: -3 } })), /counters.steps must be an integer >= 0/],
    ['a bad config', withManifest(cp, (m) => ({ ...m, config: { ...m.config, gamma: 3 } })), /gamma must be in/],
    ['no model spec', withManifest(cp, (m) => ({ ...m, extra: { ...m.extra, model: null } })), /extra.model/],
  ];
}

/** Each case's checkpoint makes `fromCheckpoint` throw a CheckpointError whose message matches. */
export function expectCheckpointErrors(fromCheckpoint: (cp: Checkpoint) => { dispose(): void }, cases: [string, Checkpoint, RegExp][]): void {
  for (const [name, bad, message] of cases) {
    const error = (() => {
      try {
        fromCheckpoint(bad).dispose();
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error, name).toBeInstanceOf(CheckpointError);
    expect((error as Error).message, name).toMatch(message);
  }
}

/** Options of {@link learnUntilMean}. */
export interface LearnUntilMeanOptions {
  env: PolicyGradientLearnOptions['env'];
  evalEnv: Env<Float32Array, unknown>;
  totalSteps: number;
  /** Evaluate (deterministically, core's evalCallback) each time the step counter passes a multiple of this. */
  everySteps: number;
  episodes: number;
  /** The first episode seed of every evaluation round. */
  seed: number;
  /** Training stops at the first round whose mean return is ≥ this. */
  threshold: number;
}

/** Trains `agent` until an evaluation round reaches `threshold`; the report and every round's (rounded) mean. */
export async function learnUntilMean(agent: PolicyGradientAgent, options: LearnUntilMeanOptions): Promise<{ report: TrainReport; evaluations: number[] }> {
  const { env, evalEnv, totalSteps, everySteps, episodes, seed, threshold } = options;
  const evaluations: number[] = [];
  const report = await agent.learn({
    env,
    totalSteps,
    callbacks: [
      evalCallback({
        env: evalEnv,
        policy: agent,
        everySteps,
        episodes,
        seed,
        onResult: (result) => (evaluations.push(Math.round(result.meanReturn)), result.meanReturn < threshold),
      }),
    ],
  });
  return { report, evaluations };
}

/**
 * {@link learnUntilMean}, then: training stopped early (a round reached the threshold) and a
 * fresh deterministic evaluation of the same episodes still reaches it. Disposes the agent.
 */
export async function expectLearnsTo(agent: PolicyGradientAgent, options: LearnUntilMeanOptions): Promise<void> {
  const { report, evaluations } = await learnUntilMean(agent, options);
  expect(report.stoppedEarly, `evaluations: ${evaluations.join(', ')}`).toBe(true);
  expect(evaluatePolicy(options.evalEnv, agent, { episodes: options.episodes, seed: options.seed }).meanReturn).toBeGreaterThanOrEqual(options.threshold);
  agent.dispose();
}

/** The off-policy agents' short Pendulum-v1 run: {@link expectLearnsTo} a mean ≥ −800 (5 episodes every 500 steps) within 4,000 steps. */
export function pendulumLearningRun(agent: PolicyGradientAgent): Promise<void> {
  return expectLearnsTo(agent, { env: makeEnv('Pendulum-v1'), evalEnv: makeEnv('Pendulum-v1'), totalSteps: 4_000, everySteps: 500, episodes: 5, seed: 10_000, threshold: -800 });
}

/** {@link expectSameSeedSameRun} of 300 steps on 2 CartPole sub-envs, comparing the network weights. */
export async function expectSameSeedSameCartPoleRun<C, T extends NetworkAgent>(Agent: AgentClass<C, T>, config: Partial<C>): Promise<void> {
  await expectSameSeedSameRun(async (seed) => {
    const agent = new Agent({ ...config, seed });
    const report = await agent.learn({ env: new CartPoleVectorEnv({ numEnvs: 2 }), totalSteps: 300 });
    expect(report.steps).toBe(300);
    expect(report.updates).toBeGreaterThan(0);
    const w = networkWeights(agent);
    agent.dispose();
    return w;
  });
}

/** 100 steps on 2 CartPole sub-envs, then {@link expectActAndLearnLeakFree} (60 more steps) and a leak-free fromCheckpoint. */
export async function expectCartPoleLeakFree<C, T extends PolicyGradientAgent>(Agent: AgentClass<C, T>, config: Partial<C>): Promise<void> {
  const agent = new Agent(config);
  const env = new CartPoleVectorEnv({ numEnvs: 2 });
  await agent.learn({ env, totalSteps: 100 });
  await expectActAndLearnLeakFree(agent, env, Float32Array.of(0.01, -0.02, 0.03, 0.04), 60);
  await expectNoTensorLeak(() => Agent.fromCheckpoint(agent.toCheckpoint()).dispose());
  agent.dispose();
}

/** A learner of `network` throws on `badBatch` (a non-finite loss) and writes no weight. */
export function expectNonFiniteLossThrows<B>(learner: { update(batch: B): unknown; readonly updates: number }, network: ActorCritic, badBatch: B): void {
  const before = weightsOf(network.trainableVariables());
  expect(() => learner.update(badBatch)).toThrow(/non-finite loss/);
  expect(weightsOf(network.trainableVariables())).toEqual(before);
  expect(learner.updates).toBe(0);
  network.dispose();
}

/** 31 updates on `batch`: the last value loss is below the first one divided by `factor`. */
export function expectValueLossFalls<B>(learner: { update(batch: B): { valueLoss?: number } }, network: ActorCritic, batch: B, factor: number): void {
  const first = learner.update(batch).valueLoss!;
  let last = first;
  for (let i = 0; i < 30; i++) last = learner.update(batch).valueLoss!;
  expect(last).toBeLessThan(first / factor);
  network.dispose();
}

/** The on-policy agents' short CartPole-v1 run: {@link expectLearnsTo} `threshold` (10 episodes every 5,000 steps, seeds from 10,000) within 40,000 steps on `numEnvs` sub-envs. */
export function cartPoleLearningRun(agent: PolicyGradientAgent, numEnvs: number, threshold: number): Promise<void> {
  return expectLearnsTo(agent, { env: new CartPoleVectorEnv({ numEnvs }), evalEnv: makeEnv('CartPole-v1'), totalSteps: 40_000, everySteps: 5_000, episodes: 10, seed: 10_000, threshold });
}

/** A checkpoint of `agent` after 12 steps on Pendulum-v1 (e.g. another algorithm's, to be refused); disposes the agent. */
export async function pendulumCheckpoint(agent: PolicyGradientAgent): Promise<Checkpoint> {
  await agent.learn({ env: makeEnv('Pendulum-v1'), totalSteps: 12 });
  const cp = agent.toCheckpoint();
  agent.dispose();
  return cp;
}
