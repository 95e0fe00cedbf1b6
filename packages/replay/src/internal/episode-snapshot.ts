// The snapshot arrays of an EpisodeBuffer: completed episodes and episodes in progress, each
// kind laid end to end per field, with their lengths alongside.
import type { Episode } from '../episode-buffer.js';
import { createColumn, type ColumnArray, type FieldSpec } from '../field-spec.js';
import { snapshotArray, type SnapshotArray } from './snapshot.js';

/** What the arrays are laid out by (the buffer's own readonly fields). */
export interface EpisodeLayout {
  readonly numEnvs: number;
  readonly observationSize: number;
  /** Per-step fields: observation, action, reward and the extras. */
  readonly fields: FieldSpec;
  readonly widths: Readonly<Record<string, number>>;
}

/** A sub-env's episode in progress: growable columns, rows 0 … length − 1 in use. */
export interface OpenEpisode {
  length: number;
  columns: Record<string, ColumnArray>;
}

/** A completed episode as read back: its flags, and `slice(name, end)` = elements 0 … end of field `name`. */
export interface EpisodeRecord {
  env: number;
  length: number;
  terminated: boolean;
  truncated: boolean;
  finalObservation: Float32Array | null;
  slice: (name: string, end: number) => ColumnArray;
}

/** The snapshot arrays of `completed` and `open` episodes and the pending resets. */
export function episodeArrays(
  layout: EpisodeLayout,
  completed: readonly Episode[],
  open: readonly OpenEpisode[],
  resetPending: Uint8Array,
): Record<string, SnapshotArray> {
  const { observationSize, widths } = layout;
  const finals = new Float32Array(completed.length * observationSize);
  completed.forEach((ep, i) => {
    if (ep.finalObservation !== null) finals.set(ep.finalObservation, i * observationSize);
  });
  const arrays: Record<string, SnapshotArray> = {
    'episodes.length': Int32Array.from(completed, (ep) => ep.length),
    'episodes.env': Int32Array.from(completed, (ep) => ep.env),
    'episodes.flags': Uint8Array.from(completed, (ep) => (ep.terminated ? 1 : 0) | (ep.truncated ? 2 : 0) | (ep.finalObservation ? 4 : 0)),
    'episodes.finalObservation': finals,
    'open.length': Int32Array.from(open, (ep) => ep.length),
    resetPending,
  };
  for (const [name, field] of Object.entries(layout.fields)) {
    arrays[`episodes.${name}`] = concatEpisodes(completed, name, field.dtype);
    arrays[`open.${name}`] = concatRows(open.map((ep) => ep.columns[name]!.subarray(0, ep.length * widths[name]!)), field.dtype);
  }
  return arrays;
}

/** Reads back {@link episodeArrays}; throws `${kind}.restore: …` for any inconsistency. */
export function readEpisodeArrays(
  kind: string,
  layout: EpisodeLayout,
  arrays: Readonly<Record<string, SnapshotArray>>,
): { completed: EpisodeRecord[]; open: { length: number; slice: (name: string) => ColumnArray }[]; resetPending: Uint8Array } {
  const { numEnvs, observationSize, widths } = layout;
  const get = <T extends SnapshotArray>(name: string, ctor: new (length: number) => T, length?: number): T =>
    snapshotArray(kind, arrays, name, ctor, length);
  const lengths = get('episodes.length', Int32Array);
  const count = lengths.length;
  const env = get('episodes.env', Int32Array, count);
  const flags = get('episodes.flags', Uint8Array, count);
  const finals = get('episodes.finalObservation', Float32Array, count * observationSize);
  const openLengths = get('open.length', Int32Array, numEnvs);
  const resetPending = get('resetPending', Uint8Array, numEnvs);
  if ([...lengths, ...openLengths].some((x) => x < 0) || lengths.some((x) => x < 1)) {
    throw new Error(`${kind}.restore: episode lengths are out of range`);
  }
  const total = lengths.reduce((s, x) => s + x, 0);
  const openTotal = openLengths.reduce((s, x) => s + x, 0);
  const columns: Record<string, [ColumnArray, ColumnArray]> = {};
  for (const [name, field] of Object.entries(layout.fields)) {
    const ctor = createColumn(field.dtype, 0).constructor as new (length: number) => ColumnArray;
    columns[name] = [get(`episodes.${name}`, ctor, total * widths[name]!), get(`open.${name}`, ctor, openTotal * widths[name]!)];
  }
  let row = 0;
  const completed = Array.from(lengths, (length, i): EpisodeRecord => {
    const start = row;
    row += length;
    return {
      env: env[i]!,
      length,
      terminated: (flags[i]! & 1) !== 0,
      truncated: (flags[i]! & 2) !== 0,
      finalObservation: (flags[i]! & 4) !== 0 ? finals.slice(i * observationSize, (i + 1) * observationSize) : null,
      slice: (name, end) => columns[name]![0].slice(start * widths[name]!, start * widths[name]! + end),
    };
  });
  row = 0;
  const open = Array.from(openLengths, (length) => {
    const start = row;
    row += length;
    return { length, slice: (name: string) => columns[name]![1].subarray(start * widths[name]!, (start + length) * widths[name]!) };
  });
  return { completed, open, resetPending };
}

/** Field `name` ('return' for the rewards-to-go) of `episodes` laid end to end, in a fresh column. */
export function concatEpisodes(episodes: readonly Episode[], name: string, dtype: FieldSpec[string]['dtype']): ColumnArray {
  return concatRows(episodes.map((episode) => episodeColumn(episode, name)), dtype);
}

function concatRows(parts: readonly ArrayLike<number>[], dtype: FieldSpec[string]['dtype']): ColumnArray {
  const out = createColumn(dtype, parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The column of field `name` ('return' for the rewards-to-go) of a completed episode. */
function episodeColumn(episode: Episode, name: string): ColumnArray {
  switch (name) {
    case 'observation':
      return episode.observations;
    case 'action':
      return episode.actions;
    case 'reward':
      return episode.rewards;
    case 'return':
      return episode.returns;
    default:
      return episode.extras[name]!;
  }
}
