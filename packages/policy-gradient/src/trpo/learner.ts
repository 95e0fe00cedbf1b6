import * as tf from '@tensorflow/tfjs-core';
import type { Metrics, Rng } from '@tfrl/core';
import { CategoricalDistribution, DiagGaussian, assertFinite, createAdam, variableGrads, type AdamState, type Optimizer } from '@tfrl/core/nn';
import type { RolloutBuffer } from '@tfrl/replay';
import { ActionDistribution, actionTensor, type ActorCritic } from '../common/index.js';
import type { TrpoConfig } from './config.js';
import { PolicyFisher } from './fisher.js';
import { backtrackingLineSearch, conjugateGradient, naturalStepScale, type LineSearchResult } from './natural-gradient.js';

/**
 * TRPO's surrogate objective L(θ) = mean(π_θ(a|s)/π_old(a|s) · Â) (Schulman et al. 2015, eq. 14),
 * to maximise, from log-probabilities [batch]; equals mean(Â) at θ = θ_old.
 */
export function surrogateObjective(logProbs: tf.Tensor1D, oldLogProbs: tf.Tensor1D, advantages: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(tf.exp(tf.sub(logProbs, oldLogProbs)), advantages)) as tf.Scalar);
}

/** One policy batch: the valid rows of a rollout. */
export interface TrpoPolicyBatch {
  readonly rows: number;
  /** [rows × observationSize] */
  readonly observations: Float32Array;
  /** [rows × actionSize]: indices (Discrete) or raw Gaussian samples (Box). */
  readonly actions: Int32Array | Float32Array;
  /** Â [rows] (normalised or not). */
  readonly advantages: Float32Array;
}

/** What a policy step did, as metrics. */
export interface TrpoPolicyStep {
  /** Mean KL(π_old ‖ π_new) of the accepted step (0 without one). */
  readonly kl: number;
  /** β^k of the accepted step (0 without one). */
  readonly stepFraction: number;
  /** 1 when a step was taken (the line search succeeded, or NPG), else 0. */
  readonly lineSearchSuccess: number;
  /** Fractions tried. */
  readonly lineSearchIterations: number;
  /** L(θ_new) − L(θ_old). */
  readonly surrogateImprovement: number;
  /** L(θ_old) = mean(Â). */
  readonly surrogate: number;
  /** ‖g‖ of the surrogate's gradient. */
  readonly gradNorm: number;
  /** √(2δ / sᵀFs): the full step's length along the CG direction s ≈ F⁻¹g. */
  readonly stepScale: number;
  /** CG iterations run and their final squared residual. */
  readonly cgIterations: number;
  readonly cgResidual: number;
}

/** Reads the variables into one flat float64 vector. */
function readFlat(variables: readonly tf.Variable[]): Float64Array {
  const out = new Float64Array(variables.reduce((n, v) => n + v.size, 0));
  let offset = 0;
  for (const v of variables) {
    out.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Writes θ = base + scale·direction (rounded to float32) into the variables. */
function writeFlat(variables: readonly tf.Variable[], base: Float64Array, direction: Float64Array | null = null, scale = 0): void {
  const values = new Float32Array(base.length);
  for (let i = 0; i < values.length; i++) values[i] = direction === null ? base[i]! : base[i]! + scale * direction[i]!;
  tf.tidy(() => {
    let offset = 0;
    for (const v of variables) {
      v.assign(tf.tensor(values.subarray(offset, offset + v.size), v.shape));
      offset += v.size;
    }
  });
}

function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * TRPO's update (Schulman et al. 2015, as sb3-contrib): a natural-gradient step of the policy in
 * a KL trust region, then Adam on the separate value function. Tensors stay inside.
 */
export class TrpoLearner {
  readonly policy: ActorCritic;
  readonly config: TrpoConfig;
  readonly valueOptimizer: Optimizer<AdamState>;
  private policySteps = 0;

  constructor(policy: ActorCritic, config: TrpoConfig) {
    if (policy.trunk !== null || policy.valueNet === null) throw new TypeError('TrpoLearner: needs an ActorCritic with separate policy and value networks');
    this.policy = policy;
    this.config = config;
    this.valueOptimizer = createAdam({ learningRate: config.valueLearningRate, ...(config.valueMaxGradNorm === null ? {} : { maxGradNorm: config.valueMaxGradNorm }) });
  }

  /** Policy updates done (one per rollout). */
  get updates(): number {
    return this.policySteps;
  }

  set updates(value: number) {
    this.policySteps = value;
  }

  /**
   * g = ∇L(θ_old); s ≈ F⁻¹g by CG on Fisher-vector products; full step √(2δ/sᵀFs)·s; then the
   * backtracking line search (TRPO) or the full step taken as it is (NPG). Throws before writing
   * any weight when the surrogate or its gradient is not finite.
   */
  policyUpdate(batch: TrpoPolicyBatch): TrpoPolicyStep {
    const { policy, config } = this;
    const variables = policy.policyVariables();
    const { rows } = batch;
    const size = policy.config.observationSize;
    const inputs = tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations, [rows, size]);
      const actions = actionTensor(policy.config.action, batch.actions, rows);
      const advantages = tf.tensor1d(batch.advantages);
      const { inner } = policy.distribution(observations);
      // π_old's parameters and log-probabilities, as constants.
      const old = inner instanceof CategoricalDistribution ? [tf.clone(inner.logits)] : [tf.clone(inner.mean), tf.clone(inner.logStd)];
      const oldLogProbs = policy.distribution(observations).logProb(actions);
      return { observations, actions, advantages, old, oldLogProbs };
    });
    const { observations, actions, advantages, old, oldLogProbs } = inputs;
    const oldDistribution = (): ActionDistribution =>
      new ActionDistribution(old.length === 1 ? new CategoricalDistribution(old[0] as tf.Tensor2D) : new DiagGaussian(old[0] as tf.Tensor2D, old[1] as tf.Tensor1D));
    try {
      const gradient = tf.tidy(() => {
        const { value, grads } = variableGrads(
          () => surrogateObjective(policy.distribution(observations).logProb(actions), oldLogProbs, advantages),
          variables,
        );
        return [value, tf.concat(variables.map((v) => tf.reshape(grads[v.name]!, [-1])))];
      });
      const surrogate = assertFinite(gradient[0]!, 'TRPO surrogate objective');
      const g = Float64Array.from(gradient[1]!.dataSync());
      gradient.forEach((t) => t.dispose());
      const gradNorm = Math.sqrt(dotProduct(g, g));
      assertFinite(gradNorm, 'TRPO policy gradient norm');
      const none = { kl: 0, stepFraction: 0, lineSearchSuccess: 0, lineSearchIterations: 0, surrogateImprovement: 0, surrogate, gradNorm, stepScale: 0, cgIterations: 0, cgResidual: 0 };
      if (gradNorm === 0) return none;

      const fisher = new PolicyFisher(policy, batch.observations, config.cgDamping);
      let direction: Float64Array;
      let sFs: number;
      let cg: { iterations: number; residualNormSquared: number };
      try {
        const solved = conjugateGradient((v) => fisher.product(v), g, { iterations: config.cgIterations, residualTolerance: config.cgResidualTolerance });
        direction = solved.x;
        cg = solved;
        sFs = dotProduct(direction, fisher.product(direction));
      } finally {
        fisher.dispose();
      }
      const stepScale = naturalStepScale(config.maxKl, sFs);

      const start = readFlat(variables);
      const evaluate = (fraction: number) => {
        writeFlat(variables, start, direction, fraction * stepScale);
        const measured = tf.tidy(() => {
          const distribution = policy.distribution(observations);
          const objective = surrogateObjective(distribution.logProb(actions), oldLogProbs, advantages);
          return tf.stack([objective, tf.mean(oldDistribution().kl(distribution))]);
        });
        const [objective, kl] = measured.dataSync();
        measured.dispose();
        return { improvement: objective! - surrogate, kl: kl! };
      };
      let result: LineSearchResult;
      if (config.lineSearch) {
        result = backtrackingLineSearch(evaluate, { maxKl: config.maxKl, shrinkFactor: config.lineSearchShrink, maxIterations: config.lineSearchMaxIterations });
        if (!result.accepted) writeFlat(variables, start);
      } else {
        const point = evaluate(1);
        if (!Number.isFinite(point.kl) || !Number.isFinite(point.improvement)) {
          writeFlat(variables, start);
          throw new Error(`non-finite loss (KL ${point.kl}, improvement ${point.improvement}) in NPG step: refusing to apply the update`);
        }
        result = { accepted: true, fraction: 1, iterations: 1, ...point };
      }
      this.policySteps++;
      return {
        kl: result.kl,
        stepFraction: result.fraction,
        lineSearchSuccess: result.accepted ? 1 : 0,
        lineSearchIterations: result.iterations,
        surrogateImprovement: result.improvement,
        surrogate,
        gradNorm,
        stepScale,
        cgIterations: cg.iterations,
        cgResidual: cg.residualNormSquared,
      };
    } finally {
      tf.dispose([observations, actions, advantages, ...old, oldLogProbs]);
    }
  }

  /**
   * `valueEpochs` passes of Adam over shuffled minibatches of the rollout, minimising
   * mean((V(s) − R)²); returns the mean loss. Throws before a step when a loss is not finite.
   */
  valueUpdate(buffer: RolloutBuffer, rng: Rng): number {
    const valueNet = this.policy.valueNet!;
    const variables = valueNet.trainableVariables();
    const size = this.policy.config.observationSize;
    let total = 0;
    let count = 0;
    for (let epoch = 0; epoch < this.config.valueEpochs; epoch++) {
      for (const batch of buffer.minibatches(this.config.valueBatchSize, rng)) {
        const out = tf.tidy(() => {
          const obs = tf.tensor2d(batch.observations, [batch.size, size]);
          const returns = tf.tensor1d(batch.returns);
          const { value, grads } = variableGrads(() => tf.mean(tf.squaredDifference(this.policy.value(obs), returns)) as tf.Scalar, variables);
          return [value, ...variables.map((v) => grads[v.name]!)];
        });
        try {
          total += assertFinite(out[0]!, 'TRPO value loss');
          count++;
          this.valueOptimizer.step(variables, out.slice(1));
        } finally {
          tf.dispose(out);
        }
      }
    }
    return count > 0 ? total / count : 0;
  }

  /** Both steps on a computed rollout, as metrics. */
  update(buffer: RolloutBuffer, rng: Rng): Metrics {
    const policyStep = this.policyUpdate(policyBatch(buffer, this.policy));
    const valueLoss = this.valueUpdate(buffer, rng);
    return { ...policyStep, valueLoss };
  }
}

/** The valid rows of a computed rollout, in order, as a {@link TrpoPolicyBatch}. */
export function policyBatch(buffer: RolloutBuffer, policy: ActorCritic): TrpoPolicyBatch {
  const valid = buffer.valid;
  const size = policy.config.observationSize;
  const actionWidth = buffer.actionSize;
  let rows = 0;
  for (const v of valid) rows += v;
  const obsColumn = buffer.column('observation') as Float32Array;
  const actionColumn = buffer.column('action') as Int32Array | Float32Array;
  const observations = new Float32Array(rows * size);
  const actions = actionColumn instanceof Int32Array ? new Int32Array(rows * actionWidth) : new Float32Array(rows * actionWidth);
  const advantages = new Float32Array(rows);
  for (let i = 0, k = 0; i < valid.length; i++) {
    if (valid[i] === 0) continue;
    observations.set(obsColumn.subarray(i * size, (i + 1) * size), k * size);
    actions.set(actionColumn.subarray(i * actionWidth, (i + 1) * actionWidth), k * actionWidth);
    advantages[k] = buffer.advantages[i]!;
    k++;
  }
  return { rows, observations, actions, advantages };
}
