import { checkIntegerAtLeast, checkLength, checkSameLength } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/** Inputs of {@link categoricalProjection}: a batch of target distributions on a fixed support. */
export interface CategoricalProjectionInput {
  /** p_j(s_{t+n}): next-state probabilities over the atoms, each row summing to 1. */
  readonly probabilities: Floats; // [batch, atoms]
  /** Σ_{k<n} γ^k·r_{t+k}: the (n-step) rewards. */
  readonly rewards: Floats; // [batch]
  /** γ^n·(1−terminated), in [0, 1]: 0 projects the reward alone. */
  readonly discounts: Floats; // [batch]
  /** Lowest atom z_0. */
  readonly vMin: number;
  /** Highest atom z_{atoms−1}; > vMin. */
  readonly vMax: number;
  /** Number of atoms, ≥ 2 (51 in C51). */
  readonly atoms: number;
}

/** The support z_j = vMin + j·Δz, Δz = (vMax − vMin)/(atoms − 1), j = 0 … atoms−1. */
export function categoricalSupport(vMin: number, vMax: number, atoms: number): Float32Array {
  checkSupport('categoricalSupport', vMin, vMax, atoms);
  const dz = (vMax - vMin) / (atoms - 1);
  const z = new Float32Array(atoms);
  for (let j = 0; j < atoms; j++) z[j] = j === atoms - 1 ? vMax : vMin + j * dz;
  return z;
}

/**
 * C51 projection of the distributional Bellman target onto the fixed support
 * (Bellemare et al. 2017, Algorithm 1). For every row and atom j:
 *
 *   T̂z_j = clamp(r + d·z_j, vMin, vMax),   b_j = (T̂z_j − vMin)/Δz,   l = ⌊b_j⌋,   u = ⌈b_j⌉
 *   m_l += p_j·(u − b_j),   m_u += p_j·(b_j − l)      and when l = u (b_j an integer):  m_l += p_j
 *
 * The l = u case matters: Algorithm 1 as printed gives both shares weight 0 there and loses the
 * mass. Each output row sums to its input row's sum and is non-negative when the input is.
 * Accumulates in float64; writes into `out` (`[batch, atoms]`; may be `probabilities`
 * itself, as each row is read whole before it is written) or a new Float32Array. Never mutates `input`.
 */
export function categoricalProjection<T extends Floats = Float32Array>(input: CategoricalProjectionInput, out?: T): T {
  const { probabilities, rewards, discounts, vMin, vMax, atoms } = input;
  checkSupport('categoricalProjection', vMin, vMax, atoms);
  const batch = rewards.length;
  checkSameLength('categoricalProjection', 'discounts', discounts.length, 'rewards', batch);
  if (probabilities.length !== batch * atoms) {
    throw new RangeError(
      `categoricalProjection: probabilities has length ${probabilities.length}, expected rewards.length ${batch} × atoms ${atoms}`,
    );
  }
  const result = out ?? (new Float32Array(batch * atoms) as T);
  checkLength('categoricalProjection', 'out', result.length, batch * atoms);

  const dz = (vMax - vMin) / (atoms - 1);
  const top = atoms - 1;
  const m = new Float64Array(atoms); // one projected row
  for (let row = 0; row < batch; row++) {
    const r = rewards[row]!;
    const d = discounts[row]!;
    if (!Number.isFinite(r)) throw new RangeError(`categoricalProjection: rewards[${row}] is ${r}, not finite`);
    if (!(d >= 0 && d <= 1)) {
      throw new RangeError(`categoricalProjection: discounts[${row}] must be in [0, 1], got ${d}`);
    }
    m.fill(0);
    const offset = row * atoms;
    for (let j = 0; j < atoms; j++) {
      const p = probabilities[offset + j]!;
      const tz = r + d * (vMin + j * dz);
      // Clamp both Tz and b: rounding can put (vMax − vMin)/Δz a hair past the last atom.
      let b = ((tz < vMin ? vMin : tz > vMax ? vMax : tz) - vMin) / dz;
      b = b < 0 ? 0 : b > top ? top : b;
      const l = Math.floor(b);
      const u = Math.ceil(b);
      if (l === u) {
        m[l] += p;
      } else {
        m[l] += p * (u - b);
        m[u] += p * (b - l);
      }
    }
    for (let j = 0; j < atoms; j++) result[offset + j] = m[j]!;
  }
  return result;
}

function checkSupport(fn: string, vMin: number, vMax: number, atoms: number): void {
  checkIntegerAtLeast(fn, 'atoms', atoms, 2);
  if (!Number.isFinite(vMin) || !Number.isFinite(vMax) || !(vMin < vMax)) {
    throw new RangeError(`${fn}: vMin and vMax must be finite with vMin < vMax, got ${vMin}, ${vMax}`);
  }
}
