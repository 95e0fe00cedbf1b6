import * as tf from '@tensorflow/tfjs-core';
import { createAdam, type AdamState, type Optimizer } from '@tfrl/core/nn';
import { gradientStep, restoreLearnerState } from '../common/gradient-step.js';
import { actionTensor } from '../common/actor-critic.js';
import { ppoClipLoss, valueLoss } from '../ppo/loss.js';
import type { RecurrentPpoConfig } from './config.js';
import type { RecurrentActorCritic } from './network.js';
import type { SequenceLayout } from './sequences.js';

/** The stored columns of a rollout, rows `t·numEnvs + e` (views of a RolloutBuffer's columns). */
export interface RolloutColumns {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  /** Width of the stored GRU state. */
  readonly stateSize: number;
  /** o_t. [rows × observationSize] */
  readonly observations: Float32Array;
  /** a_t as drawn (Discrete indices or unclipped Gaussian samples). [rows × actionSize] */
  readonly actions: Int32Array | Float32Array;
  /** log π_old(a_t | history). [rows] */
  readonly logProbs: Float32Array;
  /** V_old(history). [rows] */
  readonly values: Float32Array;
  /** GAE advantages. [rows] */
  readonly advantages: Float32Array;
  /** Value targets. [rows] */
  readonly returns: Float32Array;
  /** The GRU state before step t (before the episode-start reset). [rows × stateSize] */
  readonly states: Float32Array;
  /** 1 where o_t is the first observation of an episode. [rows] */
  readonly episodeStarts: ArrayLike<number>;
}

/**
 * The tensors' contents of one minibatch of sequences, time-major (position `τ·batch + b`);
 * padding positions hold zeros. The loss is taken over `lossPositions` only.
 */
export interface SequenceMinibatch {
  readonly time: number;
  readonly batch: number;
  /** [time × batch × observationSize] */
  readonly observations: Float32Array;
  /** Episode starts [time × batch]. */
  readonly starts: Float32Array;
  /** Stored state before each sequence's first step [batch × stateSize]. */
  readonly initialState: Float32Array;
  /** Actions at every position [time × batch × actionSize]. */
  readonly actions: Int32Array | Float32Array;
  /** Positions the loss is taken over [n]; the arrays below follow this order. */
  readonly lossPositions: Int32Array;
  readonly oldLogProbs: Float32Array;
  readonly oldValues: Float32Array;
  /** Advantages, normalised over these n rows when asked. */
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

/**
 * Gathers a {@link SequenceMinibatch} from rollout columns by a {@link SequenceLayout}; with
 * `normalizeAdvantage` the advantages become (A − mean)/(std + 1e-8) over the loss rows
 * (population std, float64 sums).
 */
export function gatherSequences(columns: RolloutColumns, layout: SequenceLayout, normalizeAdvantage: boolean): SequenceMinibatch {
  const { observationSize: o, actionSize: k, stateSize: s } = columns;
  const { time, batch, rows, firstRows, lossRows } = layout;
  const positions = time * batch;
  const observations = new Float32Array(positions * o);
  const starts = new Float32Array(positions);
  const actions = columns.actions instanceof Int32Array ? new Int32Array(positions * k) : new Float32Array(positions * k);
  for (let p = 0; p < positions; p++) {
    const row = rows[p]!;
    if (row < 0) continue;
    observations.set(columns.observations.subarray(row * o, (row + 1) * o), p * o);
    actions.set(columns.actions.subarray(row * k, (row + 1) * k), p * k);
    starts[p] = columns.episodeStarts[row]! !== 0 ? 1 : 0;
  }
  const initialState = new Float32Array(batch * s);
  firstRows.forEach((row, b) => initialState.set(columns.states.subarray(row * s, (row + 1) * s), b * s));
  const pick = (column: Float32Array): Float32Array => Float32Array.from(lossRows, (row) => column[row]!);
  const advantages = pick(columns.advantages);
  if (normalizeAdvantage) normalizeInPlace(advantages);
  return {
    time,
    batch,
    observations,
    starts,
    initialState,
    actions,
    lossPositions: layout.lossPositions,
    oldLogProbs: pick(columns.logProbs),
    oldValues: pick(columns.values),
    advantages,
    returns: pick(columns.returns),
  };
}

/** x ← (x − mean)/(std + 1e-8), population std, sums in float64. */
export function normalizeInPlace(x: Float32Array): void {
  if (x.length === 0) return;
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let squares = 0;
  for (const v of x) squares += (v - mean) ** 2;
  const scale = 1 / (Math.sqrt(squares / x.length) + 1e-8);
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) * scale;
}

/**
 * log π(a|history) and V(history) at a minibatch's loss positions, recomputed by unrolling the
 * network over its sequences from their stored states (what the loss sees; before any update
 * they equal the values recorded while acting).
 */
export function evaluateSequences(network: RecurrentActorCritic, minibatch: SequenceMinibatch): { logProbs: Float32Array; values: Float32Array } {
  const [logProbs, values] = tf.tidy(() => {
    const out = forwardAtLossRows(network, minibatch);
    return [out.logProbs, out.values];
  });
  const result = { logProbs: Float32Array.from(logProbs!.dataSync()), values: Float32Array.from(values!.dataSync()) };
  logProbs!.dispose();
  values!.dispose();
  return result;
}

/** The unroll over a minibatch's sequences, gathered at the loss positions (tensors; call in tidy). */
function forwardAtLossRows(network: RecurrentActorCritic, mb: SequenceMinibatch): { logProbs: tf.Tensor1D; entropy: tf.Tensor1D; values: tf.Tensor1D } {
  const { observationSize, action } = network.config;
  const { time, batch } = mb;
  const { distribution, values } = network.unrollSequences(
    tf.tensor3d(mb.observations, [time, batch, observationSize]),
    tf.tensor2d(mb.initialState, [batch, network.stateSize]),
    tf.tensor2d(mb.starts, [time, batch]),
  );
  // Rows picked by a one-hot matrix product: tf.gather's gradient (UnsortedSegmentSum) has no wasm kernel.
  const select = tf.cast(tf.oneHot(tf.tensor1d(mb.lossPositions, 'int32'), time * batch), 'float32') as tf.Tensor2D;
  const pick = (x: tf.Tensor1D): tf.Tensor1D => tf.reshape(tf.matMul(select, tf.reshape(x, [-1, 1])), [-1]) as tf.Tensor1D;
  return {
    logProbs: pick(distribution.logProb(actionTensor(action, mb.actions, time * batch))),
    entropy: pick(distribution.entropy()),
    values: pick(values),
  };
}

/** The settings the learner reads. */
export type RecurrentPpoLearnerConfig = Pick<RecurrentPpoConfig, 'learningRate' | 'adamEpsilon' | 'maxGradNorm' | 'clipRange' | 'clipRangeVf' | 'entCoef' | 'vfCoef'>;

/** What {@link RecurrentPpoLearner.step} returns. */
export interface RecurrentPpoStepResult {
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  /** Mean entropy of π over the loss rows. */
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
}

/**
 * One PPO gradient step per call on a minibatch of sequences, by backpropagation through time:
 *
 *   L = −mean(min(r·Â, clip(r, 1 − ε, 1 + ε)·Â)) + c₁·mean((V − R)²) − c₂·mean(H[π])
 *
 * over the loss rows only (padding and autoreset rows masked out), every sequence unrolled from
 * its stored GRU state with episode starts zeroing the state. Adam over all variables with
 * global-norm clipping; a non-finite loss throws before any weight is written.
 */
export class RecurrentPpoLearner {
  readonly network: RecurrentActorCritic;
  private readonly config: RecurrentPpoLearnerConfig;
  private readonly optimizer: Optimizer<AdamState>;
  private readonly variables: tf.Variable[];
  private count = 0;

  constructor(network: RecurrentActorCritic, config: RecurrentPpoLearnerConfig) {
    this.network = network;
    this.config = config;
    this.variables = network.trainableVariables();
    this.optimizer = createAdam({ learningRate: config.learningRate, epsilon: config.adamEpsilon, maxGradNorm: config.maxGradNorm });
  }

  /** Gradient steps taken. */
  get updates(): number {
    return this.count;
  }

  /** The step size of the next step (schedules assign to it). */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  /** One gradient step on `minibatch`. */
  step(minibatch: SequenceMinibatch): RecurrentPpoStepResult {
    const { network, config, variables } = this;
    if (minibatch.lossPositions.length === 0) throw new RangeError('RecurrentPpoLearner.step: the minibatch has no loss rows');
    const step = gradientStep(
      this.optimizer,
      variables,
      (keep) => {
        const out = forwardAtLossRows(network, minibatch);
        const clip = ppoClipLoss({ logProbs: out.logProbs, oldLogProbs: tf.tensor1d(minibatch.oldLogProbs), advantages: tf.tensor1d(minibatch.advantages), clipRange: config.clipRange });
        const vLoss = valueLoss({ values: out.values, returns: tf.tensor1d(minibatch.returns), oldValues: tf.tensor1d(minibatch.oldValues), clipRange: config.clipRangeVf });
        const entropy = tf.mean(out.entropy) as tf.Scalar;
        keep(clip.loss, vLoss, entropy, clip.approxKl, clip.clipFraction);
        return tf.add(clip.loss, tf.sub(tf.mul(config.vfCoef, vLoss), tf.mul(config.entCoef, entropy))) as tf.Scalar;
      },
      'RecurrentPpoLearner',
      `step ${this.count + 1}`,
    );
    this.count++;
    const [policyLoss, vLoss, entropy, approxKl, clipFraction] = step.kept;
    return { loss: step.loss, policyLoss: policyLoss!, valueLoss: vLoss!, entropy: entropy!, approxKl: approxKl!, clipFraction: clipFraction!, gradNorm: step.gradNorm };
  }

  /** Step count and Adam state, for checkpoints (weights are saved separately). */
  getState(): { updates: number; optimizer: AdamState } {
    return { updates: this.count, optimizer: this.optimizer.getState() };
  }

  /** Restores {@link RecurrentPpoLearner.getState}'s output. */
  setState(state: { updates: number; optimizer: AdamState }): void {
    this.count = restoreLearnerState('RecurrentPpoLearner', state, this.optimizer);
  }
}
