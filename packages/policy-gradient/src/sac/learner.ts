import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Metrics } from '@tfrl/core';
import { createAdam, createVariable, hardUpdate, polyakUpdate, variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import { restoreOptimizer, type AgentCheckpoint } from '../common/checkpoint.js';
import type { SacConfig } from './config.js';
import { sacActorLoss, sacCriticLoss, sacQTarget, sacTemperatureLoss } from './loss.js';
import { ContinuousQNetwork, SquashedGaussianActor } from './networks.js';
import { checkOffPolicyBatch, type OffPolicyBatch, type OffPolicyLearner } from './off-policy.js';

/** Sizes a {@link SacLearner} is built for. */
export interface SacLearnerSpec {
  readonly observationSize: number;
  /** Numbers per (flattened Box) action. */
  readonly actionSize: number;
}

/** The settings the learner reads. */
export type SacLearnerConfig = Pick<
  SacConfig,
  'learningRate' | 'gamma' | 'tau' | 'targetUpdateInterval' | 'hiddenSizes' | 'activation' | 'initialEntropyCoefficient' | 'autoEntropy' | 'targetEntropy' | 'logStdMin' | 'logStdMax'
>;

/**
 * One SAC update per call (Haarnoja et al. 2018b, as SB3): with α = exp(log α) of the start of
 * the update,
 *  1. critics: y = r + γ(1 − d)(min Q'(s', a') − α log π(a'|s')), a' ~ π(·|s') fresh;
 *     one Adam step on ½Σ_i mean((Q_i(s, a) − y)²) for both critics together;
 *  2. actor: one Adam step on mean(α log π(ã|s) − min_i Q_i(s, ã)), ã = tanh(μ + σε) reparameterised;
 *  3. temperature: one Adam step on −log α·mean(log π(ã|s) + H̄) with the actor's log π of step 2;
 *  4. every `targetUpdateInterval` updates, Polyak averaging of the target critics.
 * The noise ε comes from `rng`. Each step checks its loss before writing: a non-finite critic loss
 * (a bad batch) throws with every weight untouched.
 */
export class SacLearner implements OffPolicyLearner {
  readonly actor: SquashedGaussianActor;
  readonly critic1: ContinuousQNetwork;
  readonly critic2: ContinuousQNetwork;
  readonly target1: ContinuousQNetwork;
  readonly target2: ContinuousQNetwork;
  /** log α, a scalar variable. */
  readonly logAlpha: tf.Variable;
  readonly targetEntropy: number;
  private readonly spec: SacLearnerSpec;
  private readonly config: SacLearnerConfig;
  private readonly rng: Rng;
  private readonly actorOptimizer: Optimizer<AdamState>;
  private readonly criticOptimizer: Optimizer<AdamState>;
  private readonly alphaOptimizer: Optimizer<AdamState>;
  private readonly actorVariables: tf.Variable[];
  private readonly criticVariables: tf.Variable[];
  private readonly targetVariables: tf.Variable[];
  private count = 0;

  /** Draws the initial weights from `rng`, which then draws the policy noise of every update. */
  constructor(spec: SacLearnerSpec, config: SacLearnerConfig, rng: Rng, name = 'sac') {
    this.spec = spec;
    this.config = config;
    this.rng = rng;
    const { observationSize, actionSize } = spec;
    const { hiddenSizes, activation } = config;
    const q = { observationSize, actionSize, hiddenSizes, activation };
    this.actor = new SquashedGaussianActor({ ...q, logStdMin: config.logStdMin, logStdMax: config.logStdMax, name: `${name}/actor` }, rng);
    this.critic1 = new ContinuousQNetwork({ ...q, name: `${name}/critic1` }, rng);
    this.critic2 = new ContinuousQNetwork({ ...q, name: `${name}/critic2` }, rng);
    // The targets start as copies (their own initial draws are overwritten, so they use a throwaway Rng).
    const scratch = Rng.fromSeed(0);
    this.target1 = new ContinuousQNetwork({ ...q, name: `${name}/critic1_target` }, scratch);
    this.target2 = new ContinuousQNetwork({ ...q, name: `${name}/critic2_target` }, scratch);
    this.actorVariables = this.actor.trainableVariables();
    this.criticVariables = [...this.critic1.trainableVariables(), ...this.critic2.trainableVariables()];
    this.targetVariables = [...this.target1.trainableVariables(), ...this.target2.trainableVariables()];
    hardUpdate(this.targetVariables, this.criticVariables);
    this.logAlpha = createVariable(Float32Array.of(Math.log(config.initialEntropyCoefficient)), [], `${name}/log_alpha`);
    this.targetEntropy = config.targetEntropy ?? -actionSize;
    const adam = () => createAdam({ learningRate: config.learningRate });
    this.actorOptimizer = adam();
    this.criticOptimizer = adam();
    this.alphaOptimizer = adam();
  }

  get updates(): number {
    return this.count;
  }

  /** One SAC update on `batch` (actions in [−1, 1]); returns its metrics. */
  update(batch: OffPolicyBatch): Metrics {
    const { observationSize: o, actionSize: d } = this.spec;
    const size = checkOffPolicyBatch('SacLearner', batch, o, d);
    const { gamma } = this.config;
    const kept: { logProbs?: tf.Tensor1D } = {};
    try {
      return tf.tidy(() => {
        const observations = tf.tensor2d(batch.observations, [size, o]);
        const actions = tf.tensor2d(batch.actions, [size, d]);
        const alpha = tf.exp(this.logAlpha) as tf.Scalar;
        // 1. Both critics in one step.
        const targets = tf.tidy(() => {
          const next = tf.tensor2d(batch.nextObservations, [size, o]);
          const { action: nextActions, logProb: nextLogProbs } = this.actor.distribution(next).sampleWithLogProb(this.rng);
          return sacQTarget({
            rewards: tf.tensor1d(batch.rewards),
            terminated: tf.tensor1d(Float32Array.from(batch.terminated)),
            nextQ1: this.target1.apply(next, nextActions),
            nextQ2: this.target2.apply(next, nextActions),
            nextLogProbs,
            alpha,
            gamma,
          });
        });
        const critic = variableGrads(
          () => sacCriticLoss({ q1: this.critic1.apply(observations, actions), q2: this.critic2.apply(observations, actions), targets }),
          this.criticVariables,
        );
        const criticLoss = finiteLoss(critic.value, 'critic', this.count);
        const criticGradNorm = this.criticOptimizer.step(this.criticVariables, this.criticVariables.map((v) => critic.grads[v.name]));
        // 2. The actor through the updated critics.
        const actor = variableGrads(() => {
          const { action, logProb } = this.actor.distribution(observations).sampleWithLogProb(this.rng);
          kept.logProbs = tf.keep(logProb);
          return sacActorLoss({ logProbs: logProb, q1: this.critic1.apply(observations, action), q2: this.critic2.apply(observations, action), alpha });
        }, this.actorVariables);
        const actorLoss = finiteLoss(actor.value, 'actor', this.count);
        this.actorOptimizer.step(this.actorVariables, this.actorVariables.map((v) => actor.grads[v.name]));
        // 3. The temperature, with the log π the actor step saw.
        const metrics: Metrics = { criticLoss, actorLoss, criticGradNorm };
        if (this.config.autoEntropy) {
          const logProbs = kept.logProbs!;
          const temperature = variableGrads(
            () => sacTemperatureLoss({ logAlpha: this.logAlpha as tf.Scalar, logProbs, targetEntropy: this.targetEntropy }),
            [this.logAlpha],
          );
          metrics.temperatureLoss = finiteLoss(temperature.value, 'temperature', this.count);
          this.alphaOptimizer.step([this.logAlpha], [temperature.grads[this.logAlpha.name]]);
        }
        metrics.entropyCoefficient = Math.exp(this.logAlpha.dataSync()[0]!);
        this.count++;
        // 4. The target critics.
        if (this.count % this.config.targetUpdateInterval === 0) polyakUpdate(this.targetVariables, this.criticVariables, this.config.tau);
        return metrics;
      });
    } finally {
      kept.logProbs?.dispose();
    }
  }

  /** α = exp(log α) now. */
  get entropyCoefficient(): number {
    return Math.exp(this.logAlpha.dataSync()[0]!);
  }

  variableGroups(): Record<string, tf.Variable[]> {
    return { actor: this.actorVariables, critic: this.criticVariables, target: this.targetVariables, temperature: [this.logAlpha] };
  }

  optimizerStates(): Record<string, AdamState> {
    return { actorAdam: this.actorOptimizer.getState(), criticAdam: this.criticOptimizer.getState(), temperatureAdam: this.alphaOptimizer.getState() };
  }

  restore(checkpoint: AgentCheckpoint, updates: number): void {
    for (const [group, variables] of Object.entries(this.variableGroups())) checkpoint.restoreVariables(group, variables);
    restoreOptimizer(this.actorOptimizer, checkpoint, 'actorAdam', this.actorVariables);
    restoreOptimizer(this.criticOptimizer, checkpoint, 'criticAdam', this.criticVariables);
    restoreOptimizer(this.alphaOptimizer, checkpoint, 'temperatureAdam', [this.logAlpha]);
    this.count = updates;
  }

  dispose(): void {
    for (const net of [this.actor, this.critic1, this.critic2, this.target1, this.target2]) net.dispose();
    this.logAlpha.dispose();
  }
}

/** The loss as a number; throws (before any write of that step) when it is not finite. */
export function finiteLoss(value: tf.Scalar, what: string, updates: number): number {
  const loss = value.dataSync()[0]!;
  if (!Number.isFinite(loss)) throw new Error(`non-finite ${what} loss (${loss}) at update ${updates + 1}: refusing to apply the update`);
  return loss;
}
