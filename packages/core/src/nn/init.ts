import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

/**
 * Glorot/Xavier uniform: W ~ U(−l, l) with l = √(6 / (fanIn + fanOut)); row-major [fanIn, fanOut].
 */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  checkDims('glorotUniform', fanIn, fanOut);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit);
}

/** He/Kaiming uniform (for ReLU): W ~ U(−l, l) with l = √(6 / fanIn); row-major [fanIn, fanOut]. */
export function heUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  checkDims('heUniform', fanIn, fanOut);
  const limit = Math.sqrt(6 / fanIn);
  return rng.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit);
}

/**
 * Orthogonal init (Saxe et al. 2014, as PyTorch's `orthogonal_`): A ~ N(0, 1)^{rows×cols},
 * A = QR (Householder, on Aᵀ when rows < cols), Q ← Q·diag(sgn(diag R)), W = gain·Q.
 * Columns of W are orthonormal·gain when rows ≥ cols, rows otherwise. Row-major [rows, cols].
 */
export function orthogonal(rng: Rng, rows: number, cols: number, gain = 1): Float32Array {
  checkDims('orthogonal', rows, cols);
  const tall = rows >= cols;
  const n = tall ? rows : cols; // long side
  const m = tall ? cols : rows; // short side
  // a is the n×m matrix (row-major) to factorise: A itself when tall, Aᵀ otherwise.
  const drawn = rng.fillNormal(new Float64Array(rows * cols));
  const a = new Float64Array(n * m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (tall) a[i * m + j] = drawn[i * cols + j]!;
      else a[j * m + i] = drawn[i * cols + j]!;
    }
  }
  const q = householderQ(a, n, m); // n×m, sign-corrected
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const value = gain * q[i * m + j]!;
      if (tall) out[i * cols + j] = value;
      else out[j * cols + i] = value;
    }
  }
  return out;
}

/** All-zero initial values: 0^{rows×cols} (use cols = 1, the default, for a bias vector). */
export function zeros(rows: number, cols = 1): Float32Array {
  checkDims('zeros', rows, cols);
  return new Float32Array(rows * cols);
}

// Names the caller asked for, keyed by variable: tfjs needs globally unique variable names,
// so a second network built by the same code gets a suffixed name, while weight files keep
// the requested one (so a target network can load the online network's file).
const requestedNames = new WeakMap<tf.Variable, string>();

/**
 * θ = tf.variable(values reshaped to `shape`). tfjs variable names are global; when `name` is
 * taken a suffix `_1`, `_2`, … is added, and {@link variableName} still returns `name`.
 */
export function createVariable(
  values: Float32Array | Int32Array,
  shape: readonly number[],
  name: string,
  trainable = true,
): tf.Variable {
  const size = shape.reduce((product, dim) => product * dim, 1);
  if (values.length !== size) {
    throw new RangeError(
      `createVariable(${name}): ${values.length} values do not fill shape [${shape.join(', ')}] (${size})`,
    );
  }
  const registered = tf.engine().registeredVariables;
  let unique = name;
  for (let k = 1; registered[unique] !== undefined; k++) unique = `${name}_${k}`;
  const initial = tf.tensor(values, [...shape], values instanceof Int32Array ? 'int32' : 'float32');
  const variable = tf.variable(initial, trainable, unique);
  initial.dispose();
  requestedNames.set(variable, name);
  return variable;
}

/** The name a variable was requested under in {@link createVariable} (its tfjs name otherwise). */
export function variableName(variable: tf.Variable): string {
  return requestedNames.get(variable) ?? variable.name;
}

function checkDims(fn: string, a: number, b: number): void {
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < 1) {
    throw new RangeError(`${fn}: dimensions must be positive integers, got ${a} and ${b}`);
  }
}

/**
 * Thin Q (n×m, n ≥ m) of the Householder QR of `a` (row-major n×m, overwritten), with each
 * column multiplied by the sign of the matching diagonal entry of R so that Q is unique.
 */
function householderQ(a: Float64Array, n: number, m: number): Float64Array {
  const vectors: Float64Array[] = [];
  const diagonalSigns = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const v = new Float64Array(n - k);
    let norm = 0;
    for (let i = k; i < n; i++) {
      v[i - k] = a[i * m + k]!;
      norm += v[i - k]! * v[i - k]!;
    }
    norm = Math.sqrt(norm);
    // alpha = −sgn(x₀)·‖x‖ avoids cancellation; R_kk = alpha.
    const alpha = v[0]! >= 0 ? -norm : norm;
    diagonalSigns[k] = alpha >= 0 ? 1 : -1;
    v[0] = v[0]! - alpha;
    let vNorm = 0;
    for (let i = 0; i < v.length; i++) vNorm += v[i]! * v[i]!;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / vNorm;
    vectors.push(v);
    // A[k:, k:] ← (I − 2vvᵀ)·A[k:, k:]
    for (let j = k; j < m; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i - k]! * a[i * m + j]!;
      for (let i = k; i < n; i++) a[i * m + j] = a[i * m + j]! - 2 * v[i - k]! * dot;
    }
  }
  // Q = H₀H₁…H_{m−1}·I[:, :m], applied right to left.
  const q = new Float64Array(n * m);
  for (let j = 0; j < m; j++) q[j * m + j] = 1;
  for (let k = m - 1; k >= 0; k--) {
    const v = vectors[k]!;
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i - k]! * q[i * m + j]!;
      for (let i = k; i < n; i++) q[i * m + j] = q[i * m + j]! - 2 * v[i - k]! * dot;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) q[i * m + j] = q[i * m + j]! * diagonalSigns[j]!;
  return q;
}
