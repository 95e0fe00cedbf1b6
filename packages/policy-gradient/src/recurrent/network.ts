import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfrl/core';
import { CategoricalDistribution, DiagGaussian, GruCell, createVariable, mlp, unroll, type LinearActivation, type Mlp } from '@tfrl/core/nn';
import { ActionDistribution } from '../common/actor-critic.js';
import type { ActionSpec } from '../common/action-spec.js';
import { distributionHead, sampleActions, scaleLastLayer } from '../common/sampling.js';

/** Configuration of a {@link RecurrentActorCritic}. */
export interface RecurrentActorCriticConfig {
  /** Numbers per (flattened) observation. */
  readonly observationSize: number;
  readonly action: ActionSpec;
  /** MLP encoder widths before the GRU ([]: the observation goes to the GRU). */
  readonly encoderSizes: readonly number[];
  /** GRU hidden size H. */
  readonly hiddenSize: number;
  /** MLP widths between the GRU and each head ([]: linear heads). */
  readonly headSizes: readonly number[];
  readonly activation: LinearActivation;
  /** One encoder + GRU for both heads (state width H), or one per head (state width 2H: actor | critic). */
  readonly sharedGru: boolean;
  /** Initial log σ of a Gaussian policy. */
  readonly logStdInit: number;
  /** Draws the initial weights. */
  readonly rng: Rng;
  /** Variable name prefix. */
  readonly name: string;
}

/** What {@link RecurrentActorCritic.unrollSequences} returns, rows time-major (`τ·batch + b`). */
export interface RecurrentForward {
  /** π(·|o_≤τ) per row  [time·batch]. */
  readonly distribution: ActionDistribution;
  /** V(o_≤τ) per row  [time·batch]. */
  readonly values: tf.Tensor1D;
  /** State after the last step  [batch, stateSize]. */
  readonly finalState: tf.Tensor2D;
}

/** What {@link RecurrentActorCritic.act} returns: typed arrays only. */
export interface RecurrentActResult {
  /** Raw policy actions [rows × actionSize]: Discrete indices (no `start`) or unclipped Gaussian samples. */
  readonly actions: Int32Array | Float32Array;
  /** log π(a|history) [rows]. */
  readonly logProbs: Float32Array;
  /** V(history) [rows]. */
  readonly values: Float32Array;
  /** The state after this step [rows × stateSize], to feed to the next. */
  readonly state: Float32Array;
}

/** One recurrent tower: optional MLP encoder, then a GRU. */
interface Tower {
  readonly encoder: Mlp | null;
  readonly gru: GruCell;
}

/**
 * Recurrent policy π(a | o_1…o_t) and value V(o_1…o_t): observation → optional MLP encoder →
 * GRU → MLP head, with a categorical (Discrete) or diagonal Gaussian (Box, learned
 * state-independent log σ) policy. The GRU state carried between steps is [actor | critic]
 * (2H wide) with separate towers, or the one shared tower's (H wide). A step with
 * `episodeStart` 1 zeroes the state before it, exactly as `unroll` does in training, so acting
 * step by step and unrolling stored sequences compute the same numbers.
 */
export class RecurrentActorCritic {
  readonly config: RecurrentActorCriticConfig;
  /** Width of the carried state: H (shared) or 2H. */
  readonly stateSize: number;
  readonly actor: Tower;
  /** The critic's tower (null when shared). */
  readonly critic: Tower | null;
  /** Logits or Gaussian means from the actor's GRU output. */
  readonly policyHead: Mlp;
  /** V from the critic's (or the shared) GRU output. */
  readonly valueHead: Mlp;
  /** Learned log σ [size] of a Gaussian policy; null for a categorical one. */
  readonly logStd: tf.Variable | null;

  constructor(config: RecurrentActorCriticConfig) {
    const { action, hiddenSize, headSizes, activation, sharedGru, rng, name } = config;
    this.config = config;
    this.stateSize = sharedGru ? hiddenSize : 2 * hiddenSize;
    this.actor = this.tower(`${name}/actor`);
    this.critic = sharedGru ? null : this.tower(`${name}/critic`);
    const common = { activation, rng, init: 'orthogonal' as const, inputSize: hiddenSize, hiddenSizes: headSizes };
    const policyOut = action.kind === 'discrete' ? action.n : action.size;
    this.policyHead = mlp({ ...common, outputSize: policyOut, name: `${name}/policy` });
    scaleLastLayer(this.policyHead, 0.01);
    this.valueHead = mlp({ ...common, outputSize: 1, name: `${name}/value` });
    this.logStd = action.kind === 'box' ? createVariable(new Float32Array(action.size).fill(config.logStdInit), [action.size], `${name}/log_std`) : null;
  }

  private tower(name: string): Tower {
    const { observationSize, encoderSizes, hiddenSize, activation, rng } = this.config;
    let encoder: Mlp | null = null;
    if (encoderSizes.length > 0) {
      const features = encoderSizes[encoderSizes.length - 1]!;
      encoder = mlp({ inputSize: observationSize, hiddenSizes: encoderSizes.slice(0, -1), outputSize: features, outputActivation: activation, activation, rng, init: 'orthogonal', name: `${name}/encoder` });
      scaleLastLayer(encoder, Math.SQRT2); // a hidden layer: gain √2 like the others
    }
    const gru = new GruCell({ inputSize: encoder?.outputSize ?? observationSize, hiddenSize, rng, name: `${name}/gru` });
    return { encoder, gru };
  }

  /**
   * Runs sequences: observations [time, batch, observationSize], the state before the first step
   * [batch, stateSize], episode starts [time, batch] (1 zeroes the state before that step).
   * Create tensors: call inside `tf.tidy` or a gradient function.
   */
  unrollSequences(observations: tf.Tensor3D, state: tf.Tensor2D, starts: tf.Tensor2D): RecurrentForward {
    const [time, batch] = observations.shape;
    const h = this.config.hiddenSize;
    const flat = tf.reshape(observations, [time * batch, this.config.observationSize]) as tf.Tensor2D;
    const run = (tower: Tower, initial: tf.Tensor2D): { outputs: tf.Tensor2D; final: tf.Tensor2D } => {
      const x = tower.encoder === null ? flat : tower.encoder.apply(flat);
      const { outputs, finalState } = unroll(tower.gru, tf.reshape(x, [time, batch, x.shape[1]]) as tf.Tensor3D, initial, starts);
      return { outputs: tf.reshape(outputs, [time * batch, h]) as tf.Tensor2D, final: finalState };
    };
    let actorOut: tf.Tensor2D;
    let criticOut: tf.Tensor2D;
    let finalState: tf.Tensor2D;
    if (this.critic === null) {
      const shared = run(this.actor, state);
      [actorOut, criticOut, finalState] = [shared.outputs, shared.outputs, shared.final];
    } else {
      const [actorState, criticState] = tf.split(state, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const a = run(this.actor, actorState);
      const c = run(this.critic, criticState);
      [actorOut, criticOut, finalState] = [a.outputs, c.outputs, tf.concat([a.final, c.final], 1)];
    }
    const head = this.policyHead.apply(actorOut);
    const distribution = new ActionDistribution(this.logStd === null ? new CategoricalDistribution(head) : new DiagGaussian(head, this.logStd as tf.Tensor1D));
    const values = tf.reshape(this.valueHead.apply(criticOut), [-1]) as tf.Tensor1D;
    return { distribution, values, finalState };
  }

  /**
   * One step for `rows` sub-envs: observations [rows × observationSize], the state before it
   * [rows × stateSize] and episode starts [rows]. Actions are sampled with `rng` (categorical by
   * inverse CDF, Gaussian as μ + σ·ε), or the mode with `deterministic`. Tensors never leave.
   */
  act(observations: Float32Array, state: Float32Array, starts: ArrayLike<number>, rng: Rng, deterministic = false): RecurrentActResult {
    const rows = this.rowsOf(observations, state, starts, 'act');
    const [head, values, next] = this.readStep(observations, state, starts, rows, true);
    const logStd = this.logStd === null ? null : (this.logStd.dataSync() as Float32Array);
    return { ...sampleActions(this.config.action, head, logStd, rows, rng, deterministic), values, state: next };
  }

  /** V for one step of `rows` sub-envs (same inputs as {@link RecurrentActorCritic.act}). */
  values(observations: Float32Array, state: Float32Array, starts: ArrayLike<number>): Float32Array {
    const rows = this.rowsOf(observations, state, starts, 'values');
    return this.readStep(observations, state, starts, rows, false)[1];
  }

  /** One step read back: log-probabilities (categorical) or means (Gaussian), V and the next state. */
  private readStep(observations: Float32Array, state: Float32Array, starts: ArrayLike<number>, rows: number, withHead: boolean): [Float32Array, Float32Array, Float32Array] {
    const tensors = tf.tidy(() => {
      const { distribution, values, finalState } = this.unrollSequences(
        tf.tensor3d(observations, [1, rows, this.config.observationSize]),
        tf.tensor2d(state, [rows, this.stateSize]),
        tf.tensor2d(Float32Array.from(starts), [1, rows]),
      );
      if (!withHead) return [values];
      return [distributionHead(distribution), values, finalState];
    });
    const out = tensors.map((t) => Float32Array.from(t.dataSync() as Float32Array));
    tensors.forEach((t) => t.dispose());
    return withHead ? [out[0]!, out[1]!, out[2]!] : [new Float32Array(0), out[0]!, new Float32Array(0)];
  }

  private rowsOf(observations: Float32Array, state: Float32Array, starts: ArrayLike<number>, who: string): number {
    const { observationSize, name } = this.config;
    const rows = observations.length / observationSize;
    if (!Number.isInteger(rows) || rows < 1) {
      throw new RangeError(`RecurrentActorCritic(${name}).${who}: ${observations.length} observation values are not rows of ${observationSize}`);
    }
    if (state.length !== rows * this.stateSize) throw new RangeError(`RecurrentActorCritic(${name}).${who}: state must hold ${rows} × ${this.stateSize} values, got ${state.length}`);
    if (starts.length !== rows) throw new RangeError(`RecurrentActorCritic(${name}).${who}: starts must hold ${rows} values, got ${starts.length}`);
    for (let i = 0; i < observations.length; i++) {
      if (!Number.isFinite(observations[i]!)) {
        throw new Error(`RecurrentActorCritic(${name}).${who}: observation value ${i % observationSize} of row ${Math.floor(i / observationSize)} is ${observations[i]}`);
      }
    }
    return rows;
  }

  /** Every variable once, in checkpoint order: actor tower, critic tower, policy head, log σ, value head. */
  trainableVariables(): tf.Variable[] {
    const tower = (t: Tower | null): tf.Variable[] => (t === null ? [] : [...(t.encoder?.trainableVariables() ?? []), ...t.gru.trainableVariables()]);
    return [
      ...tower(this.actor),
      ...tower(this.critic),
      ...this.policyHead.trainableVariables(),
      ...(this.logStd === null ? [] : [this.logStd]),
      ...this.valueHead.trainableVariables(),
    ];
  }

  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}
