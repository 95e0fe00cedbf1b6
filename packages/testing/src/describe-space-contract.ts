import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, spaceFromJSON, type Space, type SpaceJSON, type SpaceMask, type SpaceValue } from '@tfrl/core';
import { arbitraryFromSpace, arbitraryOutsideSpace } from './arbitraries.js';
import type { ContractCheckResult, ContractViolation } from './describe-env-contract.js';

/** Options of {@link describeSpaceContract} and the space checks. */
export interface SpaceContractOptions<S extends Space = Space> {
  /**
   * Samples (and generated values) per check (default 100 for one space, 10 per space when
   * {@link describeSpaceContract} is given an arbitrary of spaces).
   */
  runs?: number;
  /** Seed of the samples and generated values (default 0; each generated space gets its own). */
  seed?: number;
  /** Masks to sample with; without them the `masked` check is skipped. */
  masks?: (space: S) => fc.Arbitrary<SpaceMask<S>>;
  /**
   * Whether `unflatten(flatten(x))` gave `x` back (default {@link sameSpaceValue}, exact). Use
   * {@link equalAsFloat32} for spaces with float64 or large int32 parts, which flatten to float32.
   */
  equal?: (roundTrip: SpaceValue<S>, value: SpaceValue<S>) => boolean;
}

/** One space check on one space. */
export type SpaceCheck = (space: Space, options: SpaceContractOptions) => ContractCheckResult;

const DEFAULT_RUNS = 100;
const DEFAULT_RUNS_PER_GENERATED_SPACE = 10;
const MAX_VIOLATIONS = 10;
/** Written around an `out` slot to see whether flatten writes past it (exact in float32). */
const SENTINEL = -12345.5;
/** Values no space should contain. */
const JUNK: readonly unknown[] = [null, undefined, '0', true];

function show(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).join(', ')}]`;
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (typeof x === 'object' && x !== null) {
    return `{${Object.entries(x).map(([key, value]) => `${JSON.stringify(key)}: ${show(value)}`).join(', ')}}`;
  }
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Deep equality over typed arrays, arrays and plain objects, numbers compared with `same`. */
function deepEqual(a: unknown, b: unknown, same: (x: number, y: number) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return same(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (a.constructor !== b.constructor) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i], same)) return false;
    return true;
  }
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length || keysA.some((key, i) => key !== keysB[i])) return false;
  return keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], same));
}

/** Exact equality of space values: same types and keys, every number the same (`Object.is`). */
export function sameSpaceValue(a: unknown, b: unknown): boolean {
  return deepEqual(a, b, Object.is);
}

/** Equality of space values once every number is rounded to float32 (what `flatten` keeps). */
export function equalAsFloat32(a: unknown, b: unknown): boolean {
  return deepEqual(a, b, (x, y) => Object.is(Math.fround(x), Math.fround(y)));
}

/** Runs `body`; a throw becomes a violation. `body` may return why the check was skipped. */
function guard(what: string, body: (violations: string[]) => string | void): ContractCheckResult {
  const violations: string[] = [];
  try {
    const skipped = body(violations);
    if (skipped !== undefined && violations.length === 0) return { violations, skipped };
  } catch (error) {
    violations.push(`${what}: threw ${errorText(error)}`);
  }
  return { violations };
}

const runsOf = (options: SpaceContractOptions): number => options.runs ?? DEFAULT_RUNS;
const seedOf = (options: SpaceContractOptions): number => options.seed ?? 0;

/** `runs` samples drawn with one Rng seeded with `seed`. */
function samples(space: Space, options: SpaceContractOptions): unknown[] {
  const rng = Rng.fromSeed(seedOf(options));
  return Array.from({ length: runsOf(options) }, () => space.sample(rng));
}

/** The samples the space contains (the `sample` check reports the others). */
function containedSamples(space: Space, options: SpaceContractOptions): unknown[] {
  return samples(space, options).filter((x) => space.contains(x));
}

/** Float32 arrays with the same numbers (`Object.is`, so NaN equals NaN). */
function sameFloats(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Calls `body` on each value (with its index) until MAX_VIOLATIONS; a throw becomes a violation. */
function forEachValue(values: unknown[], violations: string[], body: (x: unknown, i: number) => void): void {
  values.forEach((x, i) => {
    if (violations.length >= MAX_VIOLATIONS) return;
    try {
      body(x, i);
    } catch (error) {
      violations.push(`value ${show(x)}: threw ${errorText(error)}`);
    }
  });
}

/** `sample(rng)` returns values the space contains. */
function sample(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('sample', (violations) => {
    samples(space, options).forEach((x, i) => {
      if (violations.length < MAX_VIOLATIONS && !space.contains(x)) {
        violations.push(`sample ${i}: ${show(x)} is not contained in the space`);
      }
    });
  });
}

/** Two Rngs with the same seed draw the same samples. */
function determinism(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('determinism', (violations) => {
    const first = samples(space, options);
    const second = samples(space, options);
    first.forEach((x, i) => {
      if (violations.length < MAX_VIOLATIONS && !sameSpaceValue(x, second[i])) {
        violations.push(`sample ${i} with seed ${seedOf(options)} differs: ${show(x)} vs ${show(second[i])}`);
      }
    });
  });
}

/** `sample(rng, mask)` returns contained values, the same ones for the same seed and mask. */
function masked(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('masked', (violations) => {
    if (options.masks === undefined) return 'no masks given (options.masks)';
    const masks = fc.sample(options.masks(space), { seed: seedOf(options), numRuns: runsOf(options) });
    const first = Rng.fromSeed(seedOf(options));
    const second = Rng.fromSeed(seedOf(options));
    forEachValue(masks, violations, (mask) => {
      const x = space.sample(first, mask);
      const y = space.sample(second, mask);
      if (!space.contains(x)) {
        violations.push(`sample with mask ${show(mask)}: ${show(x)} is not contained in the space`);
      } else if (!sameSpaceValue(x, y)) {
        violations.push(`sample with mask ${show(mask)} differs for the same seed: ${show(x)} vs ${show(y)}`);
      }
    });
  });
}

/**
 * `contains` accepts every value generated from `toJSON()` ({@link arbitraryFromSpace}) and
 * rejects values outside ({@link arbitraryOutsideSpace}) and non-values such as null.
 */
function contains(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('contains', (violations) => {
    const settings = { seed: seedOf(options), numRuns: runsOf(options) };
    for (const x of fc.sample(arbitraryFromSpace(space), settings)) {
      if (violations.length < MAX_VIOLATIONS && !space.contains(x)) {
        violations.push(`contains(${show(x)}) is false for a value generated from toJSON()`);
      }
    }
    const outside = arbitraryOutsideSpace(space);
    for (const x of [...JUNK, ...(outside === null ? [] : fc.sample(outside, settings))]) {
      if (violations.length < MAX_VIOLATIONS && space.contains(x)) {
        violations.push(`contains(${show(x)}) is true for a value outside the space`);
      }
    }
  });
}

/**
 * `flatten(x)` is a Float32Array of `flatDim` finite numbers; `flatten(x, out, offset)` returns
 * `out` and writes the same numbers at `offset`, nothing else.
 */
function flatten(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('flatten', (violations) => {
    const { flatDim } = space;
    if (!Number.isInteger(flatDim) || flatDim < 0) {
      violations.push(`flatDim ${flatDim} is not a non-negative integer`);
      return;
    }
    forEachValue(containedSamples(space, options), violations, (x, i) => {
      const flat = space.flatten(x);
      if (!(flat instanceof Float32Array)) violations.push(`flatten(${show(x)}) is not a Float32Array`);
      if (flat.length !== flatDim) {
        violations.push(`flatten(${show(x)}) gave ${flat.length} numbers, flatDim is ${flatDim}`);
        return;
      }
      const bad = Array.from(flat).findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) violations.push(`flatten(${show(x)}) has ${flat[bad]} at ${bad}`);
      const offset = i % 4;
      const out = new Float32Array(offset + flatDim + 2).fill(SENTINEL);
      if (space.flatten(x, out, offset) !== out) violations.push(`flatten(${show(x)}, out, ${offset}) did not return out`);
      const outsideSlot = [...out.subarray(0, offset), ...out.subarray(offset + flatDim)];
      if (outsideSlot.some((v) => v !== SENTINEL)) {
        violations.push(`flatten(${show(x)}, out, ${offset}) wrote outside out[${offset} .. ${offset + flatDim - 1}]`);
      }
      if (!sameFloats(out.subarray(offset, offset + flatDim), flat)) {
        violations.push(`flatten(${show(x)}, out, ${offset}) wrote other numbers than flatten(${show(x)})`);
      }
    });
  });
}

/**
 * `unflatten(flatten(x))` equals `x` (by `options.equal`) and flattens to the same numbers;
 * `unflatten(flat, offset)` reads the same value at an offset.
 */
function roundTrip(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('roundTrip', (violations) => {
    const equal = options.equal ?? sameSpaceValue;
    forEachValue(containedSamples(space, options), violations, (x, i) => {
      const flat = space.flatten(x);
      const back = space.unflatten(flat);
      // No separate contains(back): exact equality implies it, and float32 equality (float64
      // Box) must allow a bound that float32 rounds outward.
      if (!equal(back, x)) {
        violations.push(`unflatten(flatten(${show(x)})) gave ${show(back)}`);
        return;
      }
      const again = space.flatten(back);
      if (!sameFloats(again, flat)) violations.push(`flatten(unflatten(${show(flat)})) gave ${show(again)}`);
      const offset = i % 4;
      const padded = new Float32Array(offset + flat.length + 1).fill(SENTINEL);
      padded.set(flat, offset);
      const read = space.unflatten(padded, offset);
      if (!sameSpaceValue(read, back)) {
        violations.push(`unflatten(flat, ${offset}) gave ${show(read)}, unflatten(flat) ${show(back)}`);
      }
    });
  });
}

/**
 * `toJSON()` is plain JSON, and the space `spaceFromJSON` rebuilds from it has the same kind,
 * shape, flatDim and JSON, contains this space's samples (and this space its samples) and
 * flattens them to the same numbers.
 */
function json(space: Space, options: SpaceContractOptions): ContractCheckResult {
  return guard('json', (violations) => {
    const description = space.toJSON();
    const text = JSON.stringify(description);
    const parsed = JSON.parse(text) as SpaceJSON;
    if (!sameSpaceValue(parsed, description)) {
      violations.push(`toJSON() ${show(description)} is not plain JSON (it reads back as ${text})`);
    }
    const rebuilt = spaceFromJSON(parsed);
    if (!sameSpaceValue(rebuilt.toJSON(), parsed)) {
      violations.push(`toJSON() ${text} comes back from spaceFromJSON as ${JSON.stringify(rebuilt.toJSON())}`);
    }
    const traits = (s: Space): unknown[] => [s.kind, [...s.shape], s.flatDim];
    if (!sameSpaceValue(traits(rebuilt), traits(space))) {
      violations.push(
        `the space rebuilt from toJSON() has kind, shape, flatDim ${show(traits(rebuilt))}, the space ${show(traits(space))}`,
      );
    }
    if (violations.length > 0) return;
    forEachValue(containedSamples(space, options), violations, (x) => {
      if (!rebuilt.contains(x)) violations.push(`the space rebuilt from toJSON() does not contain the sample ${show(x)}`);
      else if (!sameFloats(rebuilt.flatten(x), space.flatten(x))) {
        violations.push(`the space rebuilt from toJSON() flattens ${show(x)} to ${show(rebuilt.flatten(x))}`);
      }
    });
    forEachValue(samples(rebuilt, options), violations, (x) => {
      if (!space.contains(x)) {
        violations.push(`the space does not contain ${show(x)}, a sample of the space rebuilt from toJSON()`);
      }
    });
  });
}

/** Names of the space contract's checks. */
export type SpaceContractCheck = 'sample' | 'determinism' | 'masked' | 'contains' | 'flatten' | 'roundTrip' | 'json';

/** The space contract's checks, by name. */
export const spaceContractChecks: Readonly<Record<SpaceContractCheck, SpaceCheck>> = Object.freeze({
  sample,
  determinism,
  masked,
  contains,
  flatten,
  roundTrip,
  json,
});

const TITLES: Record<SpaceContractCheck, string> = {
  sample: 'sample(rng) returns values the space contains',
  determinism: 'the same seed gives the same samples',
  masked: 'sample(rng, mask) returns contained values, the same ones for the same seed',
  contains: 'contains accepts the values generated from toJSON() and rejects others',
  flatten: 'flatten gives flatDim finite float32s, also in place at an offset',
  roundTrip: 'unflatten(flatten(x)) gives x back, also read at an offset',
  json: 'toJSON() is plain JSON that spaceFromJSON rebuilds into the same space',
};

/** Runs the space checks (all, or those named) on `space` and lists every violation; empty means it passes. */
export function checkSpaceContract<S extends Space>(
  space: S,
  options: SpaceContractOptions<S> = {},
  only: readonly SpaceContractCheck[] = Object.keys(TITLES) as SpaceContractCheck[],
): ContractViolation<SpaceContractCheck>[] {
  return only.flatMap((check) =>
    spaceContractChecks[check](space, options as SpaceContractOptions).violations.map((message) => ({ check, message })),
  );
}

/**
 * Registers a vitest `describe` block with one test per space contract check (`masked` only
 * with `options.masks`), run on the space `makeSpace` returns, or, given an arbitrary of
 * spaces, as a fast-check property over them.
 */
export function describeSpaceContract<S extends Space>(
  name: string,
  makeSpace: (() => S) | fc.Arbitrary<S>,
  options: SpaceContractOptions<S> = {},
): void {
  const loose = options as SpaceContractOptions;
  describe(`${name} satisfies the Space contract`, () => {
    for (const check of Object.keys(TITLES) as SpaceContractCheck[]) {
      if (check === 'masked' && options.masks === undefined) continue;
      it(TITLES[check], () => {
        if (typeof makeSpace === 'function') {
          expect(spaceContractChecks[check](makeSpace(), loose).violations).toEqual([]);
          return;
        }
        fc.assert(
          fc.property(makeSpace, fc.integer(), (space, seed) => {
            const runs = loose.runs ?? DEFAULT_RUNS_PER_GENERATED_SPACE;
            expect(spaceContractChecks[check](space, { ...loose, runs, seed }).violations).toEqual([]);
          }),
        );
      });
    }
  });
}
