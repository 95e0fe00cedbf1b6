import type { Space } from '@tfrl/core';

/** A Discrete action space: env action = index + start. */
export interface DiscreteActionSpec {
  readonly kind: 'discrete';
  readonly n: number;
  readonly start: number;
}

/** A Box action space, flattened: `size` numbers with finite bounds per number. */
export interface BoxActionSpec {
  readonly kind: 'box';
  readonly size: number;
  readonly shape: readonly number[];
  /** Lower and upper bound per number (finite). */
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** What a policy needs to know of an action space. */
export type ActionSpec = DiscreteActionSpec | BoxActionSpec;

/** JSON form of an {@link ActionSpec} (checkpoints). */
export type ActionSpecJSON =
  | { kind: 'discrete'; n: number; start: number }
  | { kind: 'box'; shape: number[]; low: number[]; high: number[] };

/**
 * The {@link ActionSpec} of a Discrete or Box space. A Box needs finite bounds (a Gaussian
 * policy's actions are clipped to them, a squashed one is scaled to them); anything else throws
 * a TypeError naming `who` and the space.
 */
export function actionSpec(space: Space<unknown>, who: string, allowed: readonly ActionSpec['kind'][] = ['discrete', 'box']): ActionSpec {
  const json = space.toJSON();
  if (json.kind === 'discrete' && allowed.includes('discrete')) return { kind: 'discrete', n: json.n, start: json.start };
  if (json.kind === 'box' && allowed.includes('box')) {
    const box = space as unknown as { low: ArrayLike<number>; high: ArrayLike<number>; shape: readonly number[]; flatDim: number };
    const low = Float32Array.from(box.low);
    const high = Float32Array.from(box.high);
    for (let i = 0; i < low.length; i++) {
      if (!Number.isFinite(low[i]!) || !Number.isFinite(high[i]!)) {
        throw new TypeError(`${who}: Box action spaces need finite bounds, got ${String(space)}`);
      }
    }
    return { kind: 'box', size: box.flatDim, shape: [...box.shape], low, high };
  }
  throw new TypeError(`${who}: needs a ${allowed.map((k) => (k === 'box' ? 'Box' : 'Discrete')).join(' or ')} action space, got ${String(space)}`);
}

/** Numbers per action: 1 for Discrete, `size` for Box. */
export function actionSize(spec: ActionSpec): number {
  return spec.kind === 'discrete' ? 1 : spec.size;
}

export function actionSpecToJSON(spec: ActionSpec): ActionSpecJSON {
  return spec.kind === 'discrete'
    ? { kind: 'discrete', n: spec.n, start: spec.start }
    : { kind: 'box', shape: [...spec.shape], low: Array.from(spec.low), high: Array.from(spec.high) };
}

export function actionSpecFromJSON(json: ActionSpecJSON): ActionSpec {
  if (json.kind === 'discrete') return { kind: 'discrete', n: json.n, start: json.start };
  const size = json.shape.reduce((a, b) => a * b, 1);
  return { kind: 'box', size, shape: [...json.shape], low: Float32Array.from(json.low), high: Float32Array.from(json.high) };
}

/** True when both describe the same actions. */
export function sameActionSpec(a: ActionSpec, b: ActionSpec): boolean {
  return JSON.stringify(actionSpecToJSON(a)) === JSON.stringify(actionSpecToJSON(b));
}

/**
 * Env actions from a policy's raw actions [rows × size]: Discrete indices shifted by `start`
 * (Int32Array); Box actions clipped to the bounds (a Gaussian's samples are unbounded; the
 * unclipped sample is what its log-probability is of, so keep it for learning).
 */
export function toEnvActions(spec: ActionSpec, raw: Int32Array | Float32Array): Int32Array | Float32Array {
  if (spec.kind === 'discrete') {
    const out = new Int32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i]! + spec.start;
    return out;
  }
  const out = new Float32Array(raw.length);
  const { size, low, high } = spec;
  for (let i = 0; i < raw.length; i++) {
    const d = i % size;
    const v = raw[i]!;
    out[i] = v < low[d]! ? low[d]! : v > high[d]! ? high[d]! : v;
  }
  return out;
}

/** Maps actions in [−1, 1] (a tanh policy's output) to [low, high] per number, into a new array. */
export function scaleToBounds(spec: BoxActionSpec, unit: Float32Array): Float32Array {
  const out = new Float32Array(unit.length);
  const { size, low, high } = spec;
  for (let i = 0; i < unit.length; i++) {
    const d = i % size;
    out[i] = low[d]! + 0.5 * (unit[i]! + 1) * (high[d]! - low[d]!);
  }
  return out;
}

/** Inverse of {@link scaleToBounds}: env actions in [low, high] to [−1, 1]. */
export function scaleToUnit(spec: BoxActionSpec, actions: ArrayLike<number>): Float32Array {
  const out = new Float32Array(actions.length);
  const { size, low, high } = spec;
  for (let i = 0; i < actions.length; i++) {
    const d = i % size;
    out[i] = (2 * (actions[i]! - low[d]!)) / (high[d]! - low[d]!) - 1;
  }
  return out;
}
