import * as tf from '@tensorflow/tfjs-core';

/** Activations {@link linear} applies inside its kernel (forward and gradient). */
export type LinearActivation = 'linear' | 'relu' | 'elu' | 'tanh';

/**
 * y = act(x·W + b) as one tfjs kernel with a hand-written gradient.
 *
 * tfjs's built-in matMul gradient uses transposed products (`transposeA/B`) that the wasm
 * backend runs through a naive loop 10–13× slower than a plain matMul. With z = x·W + b and
 * g = ∂L/∂z the gradient here transposes explicitly and multiplies untransposed:
 *   ∂L/∂W = xᵀ·g,  ∂L/∂b = Σ_rows g,  ∂L/∂x = g·Wᵀ (only when the tape asks for it: never
 *   for a first layer fed with data),
 *   g = dy·step(y) (relu), EluGrad(dy, y) (elu), dy·(1 − y²) (tanh), from the output y.
 * Forward, backward and ∂L/∂x are each one engine call running the backend's kernels directly
 * (forward: the fused matMul + bias + relu/elu), instead of ~20 ops and reshapes per layer.
 * On wasm the transposes run in JS on the wasm heap (up to 5× faster than its Transpose
 * kernel) and each product is oriented so that XNNPACK re-packs as little as possible.
 * `x` is [batch, in], `weight` [in, out], `bias` [out]. Not differentiable twice.
 */
export function linear(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias?: tf.Tensor1D,
  activation: LinearActivation = 'linear',
): tf.Tensor2D {
  if (x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[0]) {
    throw new RangeError(`linear: x [${x.shape.join(', ')}] does not fit weight [${weight.shape.join(', ')}]`);
  }
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== weight.shape[1])) {
    throw new RangeError(`linear: bias [${bias.shape.join(', ')}] does not fit weight [${weight.shape.join(', ')}]`);
  }
  const backendName = tf.getBackend();
  if (!COMPOSED_ON.has(backendName)) return portableLinear(x, weight, bias, activation);
  ensureRegistered(backendName);
  const inputs: tf.NamedTensorMap = bias === undefined ? { x, weight } : { x, weight, bias };
  return tf.engine().runKernel(FORWARD, inputs, { activation, hasBias: bias !== undefined }) as tf.Tensor2D;
}

/** Backends whose kernels ours are composed from and tested on; others take {@link portableLinear}. */
const COMPOSED_ON = new Set(['wasm', 'cpu']);

/** act(x·W + b) from public ops and their own gradients (webgl, tfjs-node: no slow transposed matMul there). */
function portableLinear(
  x: tf.Tensor2D,
  weight: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  activation: LinearActivation,
): tf.Tensor2D {
  const z = tf.fused.matMul({ a: x, b: weight, ...(bias === undefined ? {} : { bias }) }) as tf.Tensor2D;
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'elu') return tf.elu(z);
  if (activation === 'tanh') return tf.tanh(z);
  return z;
}

// Versioned names, so that two copies of this package in one process share compatible kernels.
const FORWARD = 'TfrlLinear_v2'; // {x, weight, bias?} → y
const BACKWARD = 'TfrlLinearGrad_v2'; // {dy, x, y} → [g, ∂L/∂W, ∂L/∂b?]
const INPUT_GRAD = 'TfrlLinearInputGrad_v2'; // {g, weight} → ∂L/∂x

type Info = tf.TensorInfo;
type Attrs = { activation: LinearActivation; hasBias: boolean };

const registered = new Set<string>();

/** Registers the kernels for `backendName` and the gradient, once, on first use (never at import). */
function ensureRegistered(backendName: string): void {
  if (registered.has(backendName)) return;
  const kernels: [string, (ops: Ops, inputs: Record<string, Info>, attrs: Attrs) => Info | Info[]][] = [
    [FORWARD, forwardKernel],
    [BACKWARD, backwardKernel],
    [INPUT_GRAD, (ops, { g, weight }) => ops.matMulTransposedB(g!, weight!)],
  ];
  for (const [kernelName, run] of kernels) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) =>
      run(backendOps(backendName, args.backend), args.inputs as Record<string, Info>, args.attrs as unknown as Attrs);
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  if (tf.getGradient(FORWARD) === undefined) {
    tf.registerGradient({ kernelName: FORWARD, inputsToSave: ['x', 'weight'], outputsToSave: [true], gradFunc });
  }
  registered.add(backendName);
}

const gradFunc: tf.GradFunc = (dy, saved, attrs) => {
  const [x, weight, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const [g, dWeight, dBias] = tf.engine().runKernel(BACKWARD, { dy: dy as tf.Tensor, x, y }, attrs) as tf.Tensor[];
  // dWeight and dBias live in the tape's backward scope: returned, they become the gradients;
  // not asked for (a constant weight), they are disposed with that scope.
  return {
    x: () => tf.engine().runKernel(INPUT_GRAD, { g: g!, weight }) as tf.Tensor,
    weight: () => dWeight!,
    bias: () => dBias!,
  };
};

function forwardKernel(ops: Ops, { x, weight, bias }: Record<string, Info>, { activation }: Attrs): Info {
  const fused = activation === 'relu' || activation === 'elu' ? activation : 'linear';
  const z = ops.matMul(x!, weight!, bias, fused);
  if (activation !== 'tanh') return z;
  return ops.disposeAfter(ops.run(tf.Tanh, { x: z }), z);
}

function backwardKernel(ops: Ops, { dy, x, y }: Record<string, Info>, { activation, hasBias }: Attrs): Info[] {
  let g: Info;
  if (activation === 'relu') {
    const mask = ops.run(tf.Step, { x: y! }, { alpha: 0 });
    g = ops.disposeAfter(ops.run(tf.Multiply, { a: dy!, b: mask }), mask);
  } else if (activation === 'elu') {
    g = ops.run(tf.EluGrad, { dy: dy!, y: y! });
  } else if (activation === 'tanh') {
    // dy·(1 − y²) in tfjs's own order, so that saturated units round as the built-in gradient
    const ySquared = ops.run(tf.Square, { x: y! });
    const one = ops.run(tf.Fill, {}, { shape: [], value: 1, dtype: 'float32' });
    const slope = ops.disposeAfter(ops.disposeAfter(ops.run(tf.Sub, { a: one, b: ySquared }), one), ySquared);
    g = ops.disposeAfter(ops.run(tf.Multiply, { a: dy!, b: slope }), slope);
  } else {
    g = ops.reshape(dy!, dy!.shape); // a new reference to dy, so that it can be an output
  }
  const xT = ops.transpose(x!);
  const dWeight = ops.disposeAfter(ops.matMul(xT, g), xT); // [in, out]
  return hasBias ? [g, dWeight, ops.columnSum(g)] : [g, dWeight]; // after xᵀ·g: g is packed then
}

// ----------------------------------------------------------------------------------------------
// Kernel composition: the backend's own kernels called directly, as backends compose theirs.

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

class Ops {
  private readonly wasm: WasmBackendInternals | null;
  private readonly kernels = new Map<string, tf.KernelFunc>();

  constructor(
    private readonly backendName: string,
    readonly backend: tf.KernelBackend,
  ) {
    const candidate = backend as unknown as Partial<WasmBackendInternals>;
    const internals = typeof candidate.makeOutput === 'function' && typeof candidate.typedArrayFromHeap === 'function';
    this.wasm = backendName === 'wasm' && internals ? (candidate as WasmBackendInternals) : null;
  }

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
    let kernelFunc = this.kernels.get(kernelName);
    if (kernelFunc === undefined) {
      const config = tf.getKernel(kernelName, this.backendName);
      if (config === undefined) throw new Error(`linear: backend '${this.backendName}' has no ${kernelName} kernel`);
      kernelFunc = config.kernelFunc;
      this.kernels.set(kernelName, kernelFunc);
    }
    return kernelFunc({ inputs, backend: this.backend, attrs }) as Info;
  }

  /** Returns `result` after disposing `info`. */
  disposeAfter(result: Info, info: Info): Info {
    this.backend.disposeData(info.dataId);
    return result;
  }

  reshape(x: Info, shape: number[]): Info {
    return this.run(tf.Reshape, { x }, { shape });
  }

  /** act(a·b + bias) for 2-D a, b through _FusedMatMul (which takes rank-3 operands). */
  matMul(a: Info, b: Info, bias?: Info, activation = 'linear'): Info {
    const [m, k] = a.shape as [number, number];
    const n = b.shape[1]!;
    const a3 = this.reshape(a, [1, m, k]);
    const b3 = this.reshape(b, [1, k, n]);
    const inputs: tf.NamedTensorInfoMap = bias === undefined ? { a: a3, b: b3 } : { a: a3, b: b3, bias };
    const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
    const z = this.run(tf._FusedMatMul, inputs, attrs);
    this.backend.disposeData(a3.dataId);
    this.backend.disposeData(b3.dataId);
    return this.disposeAfter(this.reshape(z, [m, n]), z);
  }

  /**
   * a·bᵀ for a [m, k] and b [n, k], as a·(bᵀ) or, on wasm when cheaper, as (b·aᵀ)ᵀ. XNNPACK packs
   * the right operand of every new matMul (~3.4 ns per value, as much as the product itself for
   * a [64, 256]·[256, 256]), so the orientation that packs the smaller matrix wins: for ∂L/∂x
   * with a batch of 64 and a 256×256 weight, (W·gᵀ)ᵀ packs 16k values instead of 65k.
   */
  matMulTransposedB(a: Info, b: Info): Info {
    const [m, k] = a.shape as [number, number];
    const n = b.shape[0]!;
    const packFirst = 4 * k * n; // pack and transpose b
    const packSecond = 4 * k * m + 0.6 * m * n + 3000; // pack and transpose a, transpose the product
    if (this.wasm === null || packFirst <= packSecond) {
      const bT = this.transpose(b);
      return this.disposeAfter(this.matMul(a, bT), bT);
    }
    const aT = this.transpose(a);
    const productT = this.disposeAfter(this.matMul(b, aT), aT); // [n, m]
    return this.disposeAfter(this.transpose(productT), productT);
  }

  /** xᵀ of a 2-D float32 x. */
  transpose(x: Info): Info {
    if (this.wasm === null) return this.run(tf.Transpose, { x }, { perm: [1, 0] });
    const [rows, cols] = x.shape as [number, number];
    const out = this.wasm.makeOutput([cols, rows], 'float32'); // allocate first: growth detaches views
    transposeInto(this.wasm.typedArrayFromHeap(x), this.wasm.typedArrayFromHeap(out), rows, cols);
    return out;
  }

  /**
   * Σ over the rows of a 2-D x: [rows, cols] → [cols]. On wasm as 1ᵀ·x: XNNPACK keeps x packed
   * from an earlier x-as-right-operand matMul (its operators are cached by right operand), where
   * the Sum kernel would transpose x first.
   */
  columnSum(x: Info): Info {
    if (this.wasm === null) return this.run(tf.Sum, { x }, { axis: [0], keepDims: false });
    const [rows, cols] = x.shape as [number, number];
    const ones = this.wasm.makeOutput([1, rows], 'float32');
    this.wasm.typedArrayFromHeap(ones).fill(1);
    const sums = this.disposeAfter(this.matMul(ones, x), ones); // [1, cols]
    return this.disposeAfter(this.reshape(sums, [cols]), sums);
  }
}

const opsCache = new WeakMap<tf.KernelBackend, Ops>();

function backendOps(backendName: string, backend: tf.KernelBackend): Ops {
  let ops = opsCache.get(backend);
  if (ops === undefined) {
    ops = new Ops(backendName, backend);
    opsCache.set(backend, ops);
  }
  return ops;
}

/**
 * dst = srcᵀ for a row-major [rows, cols] src: eight source rows at a time, so that each
 * destination row gets eight contiguous writes (the wasm Transpose kernel's strided loop is
 * 2–5× slower from 128 rows up).
 */
function transposeInto(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  let i = 0;
  for (; i + 8 <= rows; i += 8) {
    for (let j = 0, s = i * cols, o = i; j < cols; j++, s++, o += rows) {
      dst[o] = src[s]!;
      dst[o + 1] = src[s + cols]!;
      dst[o + 2] = src[s + 2 * cols]!;
      dst[o + 3] = src[s + 3 * cols]!;
      dst[o + 4] = src[s + 4 * cols]!;
      dst[o + 5] = src[s + 5 * cols]!;
      dst[o + 6] = src[s + 6 * cols]!;
      dst[o + 7] = src[s + 7 * cols]!;
    }
  }
  for (; i < rows; i++) {
    for (let j = 0, s = i * cols, o = i; j < cols; j++, s++, o += rows) dst[o] = src[s]!;
  }
}

