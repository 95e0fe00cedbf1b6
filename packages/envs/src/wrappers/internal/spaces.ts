// Space helpers shared by the wrappers; not exported from the package.
import { Box, RunningMeanStd, spaceFromJSON, type BoxDtype, type DiscreteJSON, type Space } from '@tfrl/core';

/** `Box(…)`, `Discrete(n)` … as the space prints itself, else its JSON. */
export function describeSpace(space: unknown): string {
  if (typeof space !== 'object' || space === null) return String(space);
  const text = String(space);
  if (text !== '[object Object]') return text;
  const toJSON = (space as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    try {
      return JSON.stringify(toJSON.call(space));
    } catch {
      // fall through to the value itself
    }
  }
  return showValue(space);
}

/**
 * The env's `which` space as a core Box, or a TypeError naming `owner` and the space. A box
 * from another copy of `@tfrl/core` (kind 'box' but not this Box class) is rebuilt from its JSON.
 */
export function requireBox(owner: string, which: 'observation' | 'action', space: Space): Box<BoxDtype> {
  if (space instanceof Box) return space as Box<BoxDtype>;
  if (typeof space === 'object' && space !== null && space.kind === 'box' && typeof space.toJSON === 'function') {
    return spaceFromJSON(space.toJSON()) as Box<BoxDtype>;
  }
  throw new TypeError(`${owner}: the env's ${which} space must be a Box, got ${describeSpace(space)}`);
}

/** `n` and `start` of the env's `which` Discrete space, or a TypeError naming `owner` and the space. */
export function requireDiscrete(
  owner: string,
  which: 'observation' | 'action',
  space: Space,
): { n: number; start: number } {
  if (typeof space === 'object' && space !== null && space.kind === 'discrete' && typeof space.toJSON === 'function') {
    const { n, start } = space.toJSON() as DiscreteJSON;
    return { n, start };
  }
  throw new TypeError(`${owner}: the env's ${which} space must be a Discrete, got ${describeSpace(space)}`);
}

/**
 * Element-wise bounds of `space.flatten(x)` (Gymnasium's `flatten_space`): a Box keeps its
 * bounds, one-hot and binary encodings (Discrete, MultiDiscrete, MultiBinary) lie in [0, 1],
 * Tuple and Dict concatenate their parts, an unknown kind is unbounded.
 */
export function flatBounds(space: Space): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(space.flatDim);
  const high = new Float64Array(space.flatDim);
  writeFlatBounds(space, low, high, 0);
  return { low, high };
}

function writeFlatBounds(space: Space, low: Float64Array, high: Float64Array, offset: number): void {
  const end = offset + space.flatDim;
  switch (space.kind) {
    case 'box': {
      const box = requireBox('flatBounds', 'observation', space);
      for (let i = 0; i < box.flatDim; i++) {
        low[offset + i] = box.low[i]!;
        high[offset + i] = box.high[i]!;
      }
      return;
    }
    case 'discrete':
    case 'multi-discrete':
    case 'multi-binary':
      low.fill(0, offset, end);
      high.fill(1, offset, end);
      return;
    case 'tuple': {
      let at = offset;
      for (const sub of (space as unknown as { spaces: readonly Space[] }).spaces) {
        writeFlatBounds(sub, low, high, at);
        at += sub.flatDim;
      }
      return;
    }
    case 'dict': {
      const dict = space as unknown as { keys: readonly string[]; spaces: Record<string, Space> };
      let at = offset;
      for (const key of dict.keys) {
        const sub = dict.spaces[key]!;
        writeFlatBounds(sub, low, high, at);
        at += sub.flatDim;
      }
      return;
    }
    default:
      low.fill(-Infinity, offset, end);
      high.fill(Infinity, offset, end);
  }
}

/** The float32 Box of `shape` that holds every `space.flatten(x)`, repeated `copies` times. */
export function flatBox(space: Space, shape: readonly number[], copies = 1): Box<'float32'> {
  const { low, high } = flatBounds(space);
  const size = low.length;
  const lows = new Float64Array(size * copies);
  const highs = new Float64Array(size * copies);
  for (let c = 0; c < copies; c++) {
    lows.set(low, c * size);
    highs.set(high, c * size);
  }
  return new Box({ low: lows, high: highs, shape, dtype: 'float32' });
}

/** Short text of a value for error messages: typed arrays spelled out, others as JSON. */
export function showValue(x: unknown): string {
  if (ArrayBuffer.isView(x)) {
    const values = Array.from(x as unknown as ArrayLike<number>);
    const head = values.slice(0, 8).join(', ');
    return `${x.constructor.name}[${values.length > 8 ? `${head}, …` : head}]`;
  }
  if (typeof x === 'number' || typeof x === 'bigint' || x === undefined || typeof x === 'function') return String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * Running statistics that start from Gymnasium's prior (count 1e-4, mean 0, variance 1), so the
 * first samples are not divided by √ε: a single observation or reward then moves the estimate
 * only as far as 1e-4 pseudo-samples of variance 1 allow.
 */
export function runningStatsWithPrior(size: number): RunningMeanStd {
  return RunningMeanStd.fromJSON({ shape: [size], count: 1e-4, mean: new Array(size).fill(0), var: new Array(size).fill(1) });
}
