import { Box } from './box.js';
import { DictSpace } from './dict.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import { MultiDiscrete } from './multi-discrete.js';
import type { Space, SpaceJSON } from './space.js';
import { TupleSpace } from './tuple.js';

/**
 * Rebuilds a space from its `toJSON()` description (e.g. read back from a checkpoint).
 * Throws a TypeError for a malformed description and the constructors' RangeErrors for
 * invalid values.
 */
export function spaceFromJSON(json: SpaceJSON): Space {
  if (typeof json !== 'object' || json === null) throw new TypeError(`spaceFromJSON: expected an object, got ${json}`);
  switch (json.kind) {
    case 'discrete':
      return new Discrete(json.n, { start: json.start });
    case 'box':
      return new Box({
        shape: arrayField(json, 'shape'),
        low: bounds(json, 'low', -Infinity),
        high: bounds(json, 'high', Infinity),
        dtype: json.dtype,
      });
    case 'multi-discrete':
      return new MultiDiscrete(arrayField(json, 'nvec'), {
        start: json.start === undefined ? 0 : arrayField(json, 'start'),
      });
    case 'multi-binary':
      return new MultiBinary(json.n);
    case 'tuple':
      return new TupleSpace(arrayField(json, 'spaces').map(spaceFromJSON));
    case 'dict': {
      const spaces: unknown = json.spaces;
      if (typeof spaces !== 'object' || spaces === null || Array.isArray(spaces)) {
        throw new TypeError('spaceFromJSON: dict.spaces must be an object');
      }
      return new DictSpace(
        Object.fromEntries(Object.entries(spaces as Record<string, SpaceJSON>).map(([k, v]) => [k, spaceFromJSON(v)])),
      );
    }
    default:
      throw new TypeError(`spaceFromJSON: unknown kind ${JSON.stringify((json as { kind?: unknown }).kind)}`);
  }
}

/** True when two spaces describe the same set, compared by their `toJSON()`. */
export function spacesEqual(a: Space, b: Space): boolean {
  return jsonEqual(a.toJSON(), b.toJSON());
}

function arrayField<J extends SpaceJSON, K extends keyof J>(json: J, field: K): J[K] & unknown[] {
  const value = json[field];
  if (!Array.isArray(value)) throw new TypeError(`spaceFromJSON: ${json.kind}.${String(field)} must be an array`);
  return value as J[K] & unknown[];
}

/** Box bounds with `null` read back as the infinity of that side. */
function bounds(json: SpaceJSON & { kind: 'box' }, field: 'low' | 'high', infinity: number): number[] {
  return arrayField(json, field).map((v, i) => {
    if (v === null) return infinity;
    if (typeof v !== 'number') throw new TypeError(`spaceFromJSON: box.${field}[${i}] must be a number or null`);
    return v;
  });
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
    );
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], rb[k]))
  );
}
