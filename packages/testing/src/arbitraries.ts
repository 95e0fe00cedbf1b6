import fc from 'fast-check';
import { spaceFromJSON, type BoxDtype, type Space, type SpaceJSON } from '@tfrl/core';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A Box's JSON bound at element i: `null` is ±Infinity, a single entry is shared by all. */
function bound(bounds: readonly (number | null)[], i: number, infinity: number): number {
  const b = bounds.length === 1 ? bounds[0] : bounds[i];
  return b === null || b === undefined ? infinity : b;
}

function boxSize(json: Extract<SpaceJSON, { kind: 'box' }>): number {
  return json.shape.reduce((a, b) => a * b, 1);
}

function boxArray(dtype: BoxDtype, values: readonly number[]): Float32Array | Float64Array | Int32Array {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'float64') return Float64Array.from(values);
  return Int32Array.from(values);
}

/** Finite numbers in [low, high] that the dtype stores exactly. */
function boxElement(dtype: BoxDtype, low: number, high: number): fc.Arbitrary<number> {
  if (dtype === 'int32') {
    return fc.integer({ min: Math.max(Math.ceil(low), INT32_MIN), max: Math.min(Math.floor(high), INT32_MAX) });
  }
  if (dtype === 'float32') {
    // Box stores float32 bounds rounded with Math.fround, so rounded bounds are still inside.
    const min = Math.fround(Math.max(low, -FLOAT32_MAX));
    const max = Math.fround(Math.min(high, FLOAT32_MAX));
    return fc.float({ min, max, noNaN: true, noDefaultInfinity: true });
  }
  return fc.double({ min: Math.max(low, -Number.MAX_VALUE), max: Math.min(high, Number.MAX_VALUE), noNaN: true, noDefaultInfinity: true });
}

/** A Box whose elements share one pair of bounds, as one typed-array arbitrary (fast for images). */
function sharedBoundsBox(dtype: BoxDtype, size: number, lowJSON: number | null, highJSON: number | null): fc.Arbitrary<unknown> {
  const low = lowJSON ?? -Infinity;
  const high = highJSON ?? Infinity;
  const length = { minLength: size, maxLength: size };
  if (dtype === 'int32') {
    return fc.int32Array({ min: Math.max(Math.ceil(low), INT32_MIN), max: Math.min(Math.floor(high), INT32_MAX), ...length });
  }
  if (dtype === 'float32') {
    const min = Math.fround(Math.max(low, -FLOAT32_MAX));
    const max = Math.fround(Math.min(high, FLOAT32_MAX));
    return fc.float32Array({ min, max, noNaN: true, noDefaultInfinity: true, ...length });
  }
  const min = Math.max(low, -Number.MAX_VALUE);
  const max = Math.min(high, Number.MAX_VALUE);
  return fc.float64Array({ min, max, noNaN: true, noDefaultInfinity: true, ...length });
}

/** Values of the space `json` describes (see {@link arbitraryFromSpace}). */
export function arbitraryFromSpaceJSON(json: SpaceJSON): fc.Arbitrary<unknown> {
  switch (json.kind) {
    case 'discrete':
      return fc.integer({ min: json.start, max: json.start + json.n - 1 });
    case 'box': {
      const size = boxSize(json);
      if (json.low.length === 1 && json.high.length === 1) return sharedBoundsBox(json.dtype, size, json.low[0]!, json.high[0]!);
      const elements = Array.from({ length: size }, (_, i) =>
        boxElement(json.dtype, bound(json.low, i, -Infinity), bound(json.high, i, Infinity)),
      );
      return fc.tuple(...elements).map((values) => boxArray(json.dtype, values));
    }
    case 'multi-discrete': {
      const elements = json.nvec.map((n, i) => fc.integer({ min: json.start[i]!, max: json.start[i]! + n - 1 }));
      return fc.tuple(...elements).map((values) => Int32Array.from(values));
    }
    case 'multi-binary':
      return fc
        .array(fc.integer({ min: 0, max: 1 }), { minLength: json.n, maxLength: json.n })
        .map((bits) => Int8Array.from(bits));
    case 'tuple':
      return fc.tuple(...json.spaces.map(arbitraryFromSpaceJSON));
    case 'dict': {
      const fields: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(json.spaces)) fields[key] = arbitraryFromSpaceJSON(sub);
      return fc.record(fields);
    }
  }
}

/**
 * fast-check values inside `space`, derived from `space.toJSON()` so it works for any Space:
 * integers for Discrete, typed arrays of the Box's dtype within each element's bounds (finite
 * values for unbounded sides), Int32Array for MultiDiscrete, Int8Array for MultiBinary, arrays
 * for Tuple and objects for Dict.
 */
export function arbitraryFromSpace<T>(space: Space<T>): fc.Arbitrary<T> {
  return arbitraryFromSpaceJSON(space.toJSON()) as fc.Arbitrary<T>;
}

/** `value` (a typed array) with element `index` replaced by `replacement`. */
function withElement<A extends Float32Array | Float64Array | Int32Array | Int8Array>(
  value: A,
  index: number,
  replacement: number,
): A {
  const copy = value.slice() as A;
  copy[index] = replacement;
  return copy;
}

/** Numbers just outside [low, high] (each only when it exists for the dtype). */
function outsideNumbers(dtype: BoxDtype | 'int', low: number, high: number): number[] {
  const isInt = dtype === 'int' || dtype === 'int32';
  const out: number[] = [];
  const below = isInt ? low - 1 : low - Math.max(1, Math.abs(low));
  const above = isInt ? high + 1 : high + Math.max(1, Math.abs(high));
  const limit = dtype === 'int32' ? [INT32_MIN, INT32_MAX] : [-Infinity, Infinity];
  if (Number.isFinite(low) && below >= limit[0]!) out.push(below);
  if (Number.isFinite(high) && above <= limit[1]!) out.push(above);
  if (!isInt) out.push(NaN, Infinity, -Infinity);
  return out.map((v) => (dtype === 'float32' ? Math.fround(v) : v));
}

/** Values a space built from `json` must reject, or null when there are none to make. */
export function arbitraryOutsideSpaceJSON(json: SpaceJSON): fc.Arbitrary<unknown> | null {
  const options: fc.Arbitrary<unknown>[] = [];
  switch (json.kind) {
    case 'discrete': {
      const last = json.start + json.n - 1;
      options.push(
        fc.integer({ min: json.start - 1000, max: json.start - 1 }),
        fc.integer({ min: last + 1, max: last + 1000 }),
        fc.constantFrom(json.start + 0.5, NaN, Infinity),
      );
      break;
    }
    case 'box': {
      const size = boxSize(json);
      const inside = arbitraryFromSpaceJSON(json) as fc.Arbitrary<Float32Array | Float64Array | Int32Array>;
      if (size > 0) {
        const replacements = Array.from({ length: size }, (_, i) =>
          outsideNumbers(json.dtype, bound(json.low, i, -Infinity), bound(json.high, i, Infinity)),
        );
        const elementOutside = fc
          .tuple(inside, fc.nat({ max: size - 1 }), fc.nat())
          .filter(([, i]) => replacements[i]!.length > 0)
          .map(([value, i, k]) => withElement(value, i, replacements[i]![k % replacements[i]!.length]!));
        if (replacements.some((r) => r.length > 0)) options.push(elementOutside);
      }
      options.push(fc.constant(boxArray(json.dtype, new Array<number>(size + 1).fill(0)))); // too long
      if (size > 0) options.push(inside.map((value) => value.slice(0, size - 1))); // too short
      break;
    }
    case 'multi-discrete': {
      const inside = arbitraryFromSpaceJSON(json) as fc.Arbitrary<Int32Array>;
      const d = json.nvec.length;
      if (d > 0) {
        const replacements = json.nvec.map((n, i) => outsideNumbers('int32', json.start[i]!, json.start[i]! + n - 1));
        options.push(
          fc
            .tuple(inside, fc.nat({ max: d - 1 }), fc.nat())
            .filter(([, i]) => replacements[i]!.length > 0)
            .map(([value, i, k]) => withElement(value, i, replacements[i]![k % replacements[i]!.length]!)),
          inside.map((value) => value.slice(0, d - 1)),
        );
      }
      options.push(fc.constant(Int32Array.from(json.start.concat([0]))));
      break;
    }
    case 'multi-binary': {
      const inside = arbitraryFromSpaceJSON(json) as fc.Arbitrary<Int8Array>;
      if (json.n > 0) {
        options.push(
          fc
            .tuple(inside, fc.nat({ max: json.n - 1 }), fc.constantFrom(-1, 2, 5))
            .map(([value, i, bad]) => withElement(value, i, bad)),
          inside.map((value) => value.slice(0, json.n - 1)),
        );
      }
      options.push(fc.constant(new Int8Array(json.n + 1)));
      break;
    }
    case 'tuple': {
      const insides = json.spaces.map(arbitraryFromSpaceJSON);
      json.spaces.forEach((sub, i) => {
        const bad = arbitraryOutsideSpaceJSON(sub);
        if (bad === null) return;
        options.push(fc.tuple(...insides).chain((values) => bad.map((b) => values.map((v, j) => (j === i ? b : v)))));
      });
      if (insides.length > 0) options.push(fc.tuple(...insides).map((values) => values.slice(0, -1)));
      break;
    }
    case 'dict': {
      const inside = arbitraryFromSpaceJSON(json) as fc.Arbitrary<Record<string, unknown>>;
      for (const [key, sub] of Object.entries(json.spaces)) {
        const bad = arbitraryOutsideSpaceJSON(sub);
        if (bad !== null) options.push(fc.tuple(inside, bad).map(([value, b]) => ({ ...value, [key]: b })));
        options.push(
          inside.map((value) => {
            const { [key]: _dropped, ...rest } = value;
            return rest;
          }),
        );
      }
      break;
    }
  }
  return options.length === 0 ? null : fc.oneof(...options);
}

/**
 * fast-check values `space` must reject: out-of-range integers, NaN and infinities, bounds
 * crossed, wrong lengths, a bad component of a Tuple or Dict, a missing Dict key. Null when
 * no such value can be built.
 */
export function arbitraryOutsideSpace(space: Space): fc.Arbitrary<unknown> | null {
  return arbitraryOutsideSpaceJSON(space.toJSON());
}

/** Options of {@link arbitrarySpaceJSON}. */
export interface ArbitrarySpaceOptions {
  /** Nesting depth of Tuple and Dict spaces (default 2; 0 makes leaf spaces only). */
  maxDepth?: number;
}

function boxJSON(): fc.Arbitrary<SpaceJSON> {
  const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
  const dtype = fc.constantFrom<BoxDtype>('float32', 'float64', 'int32');
  return fc.tuple(shape, dtype).chain(([shapeValue, dtypeValue]) => {
    const size = shapeValue.reduce((a, b) => a * b, 1);
    const isInt = dtypeValue === 'int32';
    const round = (v: number): number => (dtypeValue === 'float32' ? Math.fround(v) : v);
    const low = isInt
      ? fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constant(INT32_MIN))
      : fc.oneof(fc.integer({ min: -100, max: 100 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(-1e30));
    const width = isInt
      ? fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(INT32_MAX))
      : fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.constant(1e30));
    const pair = fc.tuple(fc.option(low, { freq: 4 }), fc.option(width, { freq: 4 })).map(([l, w]) => {
      const lowValue = l === null ? null : round(l);
      const base = lowValue ?? 0;
      const highValue = w === null ? null : isInt ? Math.min(base + w, INT32_MAX) : round(base + w);
      return [lowValue, highValue] as const;
    });
    const bounds = fc.oneof(
      pair.map((p) => [p]),
      fc.array(pair, { minLength: size, maxLength: size }),
    );
    return bounds.map(
      (pairs): SpaceJSON => ({
        kind: 'box',
        shape: shapeValue,
        low: pairs.map((p) => p[0]),
        high: pairs.map((p) => p[1]),
        dtype: dtypeValue,
      }),
    );
  });
}

/** Random valid {@link SpaceJSON} of every kind, Tuple and Dict nested up to `maxDepth`. */
export function arbitrarySpaceJSON(options: ArbitrarySpaceOptions = {}): fc.Arbitrary<SpaceJSON> {
  const leaf = fc.oneof(
    fc.record({ kind: fc.constant('discrete' as const), n: fc.integer({ min: 1, max: 10 }), start: fc.integer({ min: -5, max: 5 }) }),
    boxJSON(),
    fc
      .array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 4 })
      .map((dims): SpaceJSON => ({ kind: 'multi-discrete', nvec: dims.map((d) => d[0]), start: dims.map((d) => d[1]) })),
    fc.record({ kind: fc.constant('multi-binary' as const), n: fc.integer({ min: 1, max: 6 }) }),
  );
  const depth = options.maxDepth ?? 2;
  const build = (level: number): fc.Arbitrary<SpaceJSON> => {
    if (level <= 0) return leaf;
    const child = build(level - 1);
    return fc.oneof(
      { arbitrary: leaf, weight: 3 },
      fc.array(child, { minLength: 1, maxLength: 3 }).map((spaces): SpaceJSON => ({ kind: 'tuple', spaces })),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'pos', 'vel'), child), {
          minLength: 1,
          maxLength: 3,
          selector: (entry) => entry[0],
        })
        .map((entries): SpaceJSON => ({
          kind: 'dict',
          spaces: Object.fromEntries(entries.sort((x, y) => (x[0] < y[0] ? -1 : 1))),
        })),
    );
  };
  return build(depth);
}

/** Random spaces of every kind, built with `spaceFromJSON` from {@link arbitrarySpaceJSON}. */
export function arbitrarySpace(options: ArbitrarySpaceOptions = {}): fc.Arbitrary<Space> {
  return arbitrarySpaceJSON(options).map((json) => spaceFromJSON(json));
}
