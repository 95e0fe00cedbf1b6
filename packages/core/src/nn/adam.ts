import * as tf from '@tensorflow/tfjs-core';
import { createAdamKernel, type AdamKernel } from '../internal/adam-kernel.js';
import { variableGrads } from './gradients.js';

/** Configuration of {@link createAdam}. */
export interface AdamConfig {
  /** Step size α; also settable later through `optimizer.learningRate` (schedules). */
  readonly learningRate: number;
  /** Decay of the first-moment average β₁. Default 0.9. */
  readonly beta1?: number;
  /** Decay of the second-moment average β₂. Default 0.999. */
  readonly beta2?: number;
  /** ε added to √v̂. Default 1e-8 (PyTorch; tf.train.adam uses 1e-7). */
  readonly epsilon?: number;
  /** Clip the global gradient norm: g ← g·c/(‖g‖ + 1e-6) when ‖g‖ > c (as PyTorch's clip_grad_norm_). */
  readonly maxGradNorm?: number;
  /**
   * Where the arithmetic runs: 'auto' (default) in a WebAssembly SIMD kernel when the runtime
   * has one, else in JS; 'js' always in JS (float64 maths rounded to float32 on store).
   */
  readonly kernel?: 'auto' | 'js';
}

/** Configuration of {@link createSgd}. */
export interface SgdConfig {
  /** Step size α; also settable later through `optimizer.learningRate`. */
  readonly learningRate: number;
  /** Heavy-ball momentum μ (PyTorch form: u ← μu + g, θ ← θ − αu). Default 0. */
  readonly momentum?: number;
  /** Clip the global gradient norm to this value before the step. */
  readonly maxGradNorm?: number;
}

/** Configuration of {@link createRmsProp} (torch.optim.RMSprop's parameters). */
export interface RmsPropConfig {
  /** Step size α; also settable later through `optimizer.learningRate`. */
  readonly learningRate: number;
  /** Decay ρ of the running average of g² (PyTorch's `alpha`). Default 0.99. */
  readonly alpha?: number;
  /** ε added to the root: θ ← θ − α·g/(√v + ε). Default 1e-8 (SB3's A2C uses 1e-5). */
  readonly epsilon?: number;
  /** Heavy-ball momentum μ on the scaled gradient. Default 0. */
  readonly momentum?: number;
  /** Centered RMSProp (Graves 2013): divide by the root of the variance estimate v − ḡ². Default false. */
  readonly centered?: boolean;
  /** Clip the global gradient norm to this value before the step. */
  readonly maxGradNorm?: number;
}

/** Adam's state for checkpoints; moments are flat over the variables in the order they were passed. */
export interface AdamState {
  /** Steps taken: t in the bias corrections 1 − βᵗ. */
  readonly step: number;
  /** First moments m. */
  readonly m: Float32Array;
  /** Second moments v. */
  readonly v: Float32Array;
}

/** RMSProp's state for checkpoints; every slot is flat over the variables. */
export interface RmsPropState {
  /** Steps taken. */
  readonly step: number;
  /** Running average v of g². */
  readonly squareAverage: Float32Array;
  /** Momentum buffer (zeros without momentum). */
  readonly momentumBuffer: Float32Array;
  /** Running average ḡ of g (zeros unless centered). */
  readonly gradAverage: Float32Array;
}

/** SGD's state for checkpoints. */
export interface SgdState {
  /** Steps taken. */
  readonly step: number;
  /** Momentum buffer u, flat over the variables. */
  readonly velocity: Float32Array;
}

/**
 * A first-order optimizer. It binds to the list of variables of its first step; a non-finite
 * loss or gradient norm throws before anything is written.
 */
export interface Optimizer<State> {
  /** Step size; assign to it between steps to follow a schedule. */
  learningRate: number;
  /** Steps taken so far. */
  readonly iterations: number;
  /**
   * One step with `grads[i]` = ∂L/∂`variables[i]`; a null or undefined gradient leaves that
   * variable and its slots alone. Returns the global gradient norm before clipping.
   */
  step(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | null | undefined)[]): number;
  /** Computes ∂loss/∂variables, takes one step and returns the loss. */
  minimize(loss: () => tf.Scalar, variables: readonly tf.Variable[]): number;
  /** A copy of the step count and slots, for a checkpoint. */
  getState(): State;
  /** Restores {@link Optimizer.getState}'s output; slot lengths must match the variables. */
  setState(state: State): void;
}

/**
 * Adam (Kingma & Ba 2015), as tf.train.adam and torch.optim.Adam:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − α·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
 *
 * The step runs on flat Float32Arrays outside tfjs: each gradient is read back once, the
 * moments and a master copy of the weights stay on our side, and each variable gets one
 * `assign`: two tfjs calls per variable instead of ~20 kernels (tf.train.adam is ~120 of the
 * ~200 kernels of a small DQN update). The arithmetic runs in a 0.7 kB WebAssembly SIMD kernel
 * (7× faster than a JS loop, which is bound by scalar √). The master copy is re-read when a
 * variable was assigned by someone else (weight loading, hard updates).
 */
export function createAdam(config: AdamConfig): Optimizer<AdamState> {
  const beta1 = config.beta1 ?? 0.9;
  const beta2 = config.beta2 ?? 0.999;
  const epsilon = config.epsilon ?? 1e-8;
  checkRange('adam: beta1', beta1, 0, 1);
  checkRange('adam: beta2', beta2, 0, 1);
  checkRange('adam: epsilon', epsilon, 0, Infinity);
  let arrays: Float32Array[] = [];
  let kernel: AdamKernel | null = null;
  const rule: Rule = {
    name: 'adam',
    slotNames: ['m', 'v'],
    allocate(size) {
      kernel = config.kernel === 'js' ? null : createAdamKernel(size);
      arrays = kernel?.arrays ?? [0, 1, 2, 3].map(() => new Float32Array(size));
      return arrays;
    },
    sumOfSquares: (lo, hi) => (kernel === null ? sumOfSquares(arrays[1]!, lo, hi) : kernel.sumOfSquares(lo, hi)),
    update(lo, hi, scale, t, learningRate) {
      const stepSize = learningRate / (1 - Math.pow(beta1, t));
      const rootCorrection = 1 / Math.sqrt(1 - Math.pow(beta2, t)); // √v̂ = √v / √(1 − β₂ᵗ)
      if (kernel !== null) {
        kernel.adam(lo, hi, beta1, beta2, stepSize, rootCorrection, epsilon, scale);
        return;
      }
      const [params, grads, m, v] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
      const a1 = 1 - beta1;
      const a2 = 1 - beta2;
      for (let i = lo; i < hi; i++) {
        const g = grads[i]! * scale;
        const mi = beta1 * m[i]! + a1 * g;
        const vi = beta2 * v[i]! + a2 * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi) * rootCorrection + epsilon);
      }
    },
  };
  return new FlatOptimizer<AdamState>(rule, config.learningRate, config.maxGradNorm);
}

/** Stochastic gradient descent with optional momentum, on flat arrays like {@link createAdam}. */
export function createSgd(config: SgdConfig): Optimizer<SgdState> {
  const momentum = config.momentum ?? 0;
  checkRange('sgd: momentum', momentum, 0, 1);
  let arrays: Float32Array[] = [];
  const rule: Rule = {
    name: 'sgd',
    slotNames: ['velocity'],
    allocate: (size) => (arrays = [0, 1, 2].map(() => new Float32Array(size))),
    sumOfSquares: (lo, hi) => sumOfSquares(arrays[1]!, lo, hi),
    update(lo, hi, scale, _t, learningRate) {
      const [params, grads, velocity] = arrays as [Float32Array, Float32Array, Float32Array];
      for (let i = lo; i < hi; i++) {
        let u = grads[i]! * scale;
        if (momentum > 0) {
          u += momentum * velocity[i]!;
          velocity[i] = u;
        }
        params[i] = params[i]! - learningRate * u;
      }
    },
  };
  return new FlatOptimizer<SgdState>(rule, config.learningRate, config.maxGradNorm);
}

/**
 * RMSProp as torch.optim.RMSprop (Tieleman & Hinton 2012), on flat arrays like {@link createAdam}:
 *   v ← ρv + (1−ρ)g²;  centered: ḡ ← ρḡ + (1−ρ)g, d = √(v − ḡ²) + ε, else d = √v + ε;
 *   with momentum μ: b ← μb + g/d, θ ← θ − αb; without: θ ← θ − α·g/d.
 */
export function createRmsProp(config: RmsPropConfig): Optimizer<RmsPropState> {
  const alpha = config.alpha ?? 0.99;
  const epsilon = config.epsilon ?? 1e-8;
  const momentum = config.momentum ?? 0;
  const centered = config.centered ?? false;
  checkRange('rmsprop: alpha', alpha, 0, 1);
  checkRange('rmsprop: epsilon', epsilon, 0, Infinity);
  checkRange('rmsprop: momentum', momentum, 0, 1);
  if (typeof centered !== 'boolean') throw new TypeError(`rmsprop: centered must be a boolean, got ${String(centered)}`);
  let arrays: Float32Array[] = [];
  const rule: Rule = {
    name: 'rmsprop',
    slotNames: ['squareAverage', 'momentumBuffer', 'gradAverage'],
    allocate: (size) => (arrays = [0, 1, 2, 3, 4].map(() => new Float32Array(size))),
    sumOfSquares: (lo, hi) => sumOfSquares(arrays[1]!, lo, hi),
    update(lo, hi, scale, _t, learningRate) {
      const [params, grads, square, buffer, mean] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const a = 1 - alpha;
      for (let i = lo; i < hi; i++) {
        const g = grads[i]! * scale;
        const v = alpha * square[i]! + a * g * g;
        square[i] = v;
        let variance = v;
        if (centered) {
          const m = alpha * mean[i]! + a * g;
          mean[i] = m;
          variance = v - m * m;
        }
        const d = Math.sqrt(Math.max(variance, 0)) + epsilon;
        if (momentum > 0) {
          const b = momentum * buffer[i]! + g / d;
          buffer[i] = b;
          params[i] = params[i]! - learningRate * b;
        } else {
          params[i] = params[i]! - (learningRate * g) / d;
        }
      }
    },
  };
  return new FlatOptimizer<RmsPropState>(rule, config.learningRate, config.maxGradNorm);
}

// ----------------------------------------------------------------------------------------------

/** The maths of one optimizer over flat arrays [params, grads, ...slots]. */
interface Rule {
  readonly name: string;
  readonly slotNames: readonly string[];
  /** Returns [params, grads, ...slots], each of `size` zeros, and keeps them. */
  allocate(size: number): Float32Array[];
  /** Σ grads[i]² over [lo, hi). */
  sumOfSquares(lo: number, hi: number): number;
  /** Updates params and slots over [lo, hi) with gradients grads·scale, at step t ≥ 1. */
  update(lo: number, hi: number, scale: number, t: number, learningRate: number): void;
}

interface Binding {
  readonly variable: tf.Variable;
  readonly offset: number;
  /** The variable's data when we last wrote or read it; anything else means it was reassigned. */
  dataId: object | null;
}

/** Binding to variables, reading gradients, checks, clipping, writing back; the rule does the maths. */
class FlatOptimizer<State extends { readonly step: number }> implements Optimizer<State> {
  private readonly name: string;
  private rate: number;
  private steps = 0;
  private bindings: Binding[] = [];
  private params: Float32Array = new Float32Array(0); // master copy of the weights
  private grads: Float32Array = new Float32Array(0);
  private slots: Float32Array[] = [];
  private pendingState: State | null = null;

  constructor(
    private readonly rule: Rule,
    learningRate: number,
    private readonly maxGradNorm: number | undefined,
  ) {
    this.name = rule.name;
    this.rate = checkLearningRate(this.name, learningRate);
    if (maxGradNorm !== undefined && !(maxGradNorm > 0 && Number.isFinite(maxGradNorm))) {
      throw new RangeError(`${this.name}: maxGradNorm must be a finite number > 0, got ${maxGradNorm}`);
    }
  }

  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    this.rate = checkLearningRate(this.name, value);
  }

  get iterations(): number {
    return this.steps;
  }

  getState(): State {
    const state: Record<string, number | Float32Array> = { step: this.steps };
    this.rule.slotNames.forEach((slotName, i) => (state[slotName] = (this.slots[i] ?? new Float32Array(0)).slice()));
    return state as unknown as State;
  }

  setState(state: State): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`${this.name}.setState: step must be an integer >= 0, got ${state.step}`);
    }
    if (this.bindings.length === 0) {
      this.pendingState = state; // installed, and checked, when the first step binds the variables
      return;
    }
    const { slotNames } = this.rule;
    const values = slotNames.map((slotName) => (state as unknown as Record<string, unknown>)[slotName]);
    values.forEach((value, i) => {
      if (!(value instanceof Float32Array) || value.length !== this.params.length) {
        const got = value instanceof Float32Array ? `${value.length} values` : String(value);
        throw new RangeError(
          `${this.name}.setState: ${slotNames[i]} must be a Float32Array of ${this.params.length} values, got ${got}`,
        );
      }
    });
    values.forEach((value, i) => this.slots[i]!.set(value as Float32Array));
    this.steps = state.step;
  }

  minimize(loss: () => tf.Scalar, variables: readonly tf.Variable[]): number {
    const { value, grads } = variableGrads(loss, variables);
    try {
      const lossValue = value.dataSync()[0]!;
      if (!Number.isFinite(lossValue)) {
        throw new Error(`non-finite loss (${lossValue}) in ${this.name}: refusing to apply the update`);
      }
      this.step(
        variables,
        variables.map((variable) => grads[variable.name]),
      );
      return lossValue;
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  step(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | null | undefined)[]): number {
    if (grads.length !== variables.length) {
      throw new RangeError(`${this.name}.step: ${variables.length} variables but ${grads.length} gradients`);
    }
    this.bind(variables);
    const { bindings, params, rule } = this;
    // 1. Read every gradient and take the global norm before anything is written.
    let sumOfSquares = 0;
    for (let k = 0; k < bindings.length; k++) {
      const grad = grads[k];
      if (grad === null || grad === undefined) continue;
      const { variable, offset } = bindings[k]!;
      if (grad.size !== variable.size || grad.dtype !== 'float32') {
        const got = `[${grad.shape.join(', ')}] ${grad.dtype}`;
        throw new RangeError(`${this.name}.step: gradient ${got} for ${variable.name} [${variable.shape.join(', ')}]`);
      }
      readInto(this.grads.subarray(offset, offset + grad.size), grad);
      sumOfSquares += rule.sumOfSquares(offset, offset + grad.size);
    }
    const norm = Math.sqrt(sumOfSquares);
    if (!Number.isFinite(norm)) {
      throw new Error(`non-finite loss gradient (norm ${norm}) in ${this.name}: refusing to apply the update`);
    }
    const scale = this.maxGradNorm !== undefined && norm > this.maxGradNorm ? this.maxGradNorm / (norm + 1e-6) : 1;
    // 2. Update the master weights and slots, then give each variable its new value.
    this.steps++;
    const copyOnUpload = tf.getBackend() !== 'wasm'; // other backends keep the very array passed to tf.tensor
    for (let k = 0; k < bindings.length; k++) {
      if (grads[k] === null || grads[k] === undefined) continue;
      const binding = bindings[k]!;
      const { variable, offset } = binding;
      const end = offset + variable.size;
      if (binding.dataId !== variable.dataId) readInto(params.subarray(offset, end), variable);
      rule.update(offset, end, scale, this.steps, this.rate);
      const values = copyOnUpload ? params.slice(offset, end) : params.subarray(offset, end);
      const next = tf.tensor(values, variable.shape, 'float32');
      variable.assign(next);
      next.dispose();
      binding.dataId = variable.dataId;
    }
    return norm;
  }

  /** Allocates on the first step; afterwards the same variables must come in the same order. */
  private bind(variables: readonly tf.Variable[]): void {
    if (this.bindings.length > 0) {
      if (variables.length !== this.bindings.length || variables.some((v, k) => v !== this.bindings[k]!.variable)) {
        throw new Error(`${this.name}: steps one list of variables, in one order (use one optimizer per network)`);
      }
      return;
    }
    if (variables.length === 0) throw new RangeError(`${this.name}.step: no variables`);
    let size = 0;
    const bindings: Binding[] = [];
    for (const variable of variables) {
      if (variable.dtype !== 'float32') throw new TypeError(`${this.name}: variable ${variable.name} is not float32`);
      bindings.push({ variable, offset: size, dataId: null });
      size += variable.size;
    }
    const [params, grads, ...slots] = this.rule.allocate(size);
    this.bindings = bindings;
    this.params = params!;
    this.grads = grads!;
    this.slots = slots;
    const pending = this.pendingState;
    if (pending !== null) {
      this.pendingState = null;
      try {
        this.setState(pending);
      } catch (error) {
        this.bindings = [];
        throw error;
      }
    }
  }
}

function sumOfSquares(values: Float32Array, lo: number, hi: number): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += values[i]! * values[i]!;
  return sum;
}

/**
 * Copies a float32 tensor's values into `target`. On the wasm backend they are read through a
 * view of the wasm heap: `dataSync` would first copy them into a fresh buffer (~4× slower).
 */
function readInto(target: Float32Array, tensor: tf.Tensor): void {
  const backend = tf.backend() as Partial<{ typedArrayFromHeap(t: tf.TensorInfo): Float32Array }>;
  if (typeof backend.typedArrayFromHeap === 'function') {
    try {
      target.set(backend.typedArrayFromHeap(tensor));
      return;
    } catch {
      // the tensor lives on another backend: read it the ordinary way
    }
  }
  target.set(tensor.dataSync() as Float32Array);
}

function checkLearningRate(name: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`${name}: learningRate must be a finite number >= 0, got ${value}`);
  }
  return value;
}

function checkRange(what: string, value: number, low: number, high: number): void {
  if (!(value >= low && value < high)) throw new RangeError(`${what} must be in [${low}, ${high}), got ${value}`);
}
