import type { AutoresetMode, Rng } from '@tfrl/core';

/** One training sequence: `length` consecutive steps of sub-env `env` from step `start`. */
export interface SequenceSpan {
  readonly env: number;
  readonly start: number;
  readonly length: number;
}

/**
 * Cuts every sub-env's column of a `[steps × numEnvs]` rollout into consecutive chunks of
 * `sequenceLength` steps (the last one shorter when it does not divide), or one whole column per
 * sub-env with `sequenceLength` null. Ordered by env, then by start.
 */
export function rolloutSequences(steps: number, numEnvs: number, sequenceLength: number | null): SequenceSpan[] {
  const length = sequenceLength ?? steps;
  if (!(Number.isInteger(steps) && steps >= 1 && Number.isInteger(numEnvs) && numEnvs >= 1 && Number.isInteger(length) && length >= 1)) {
    throw new RangeError(`rolloutSequences: steps, numEnvs and sequenceLength must be integers >= 1, got ${steps}, ${numEnvs}, ${String(sequenceLength)}`);
  }
  const spans: SequenceSpan[] = [];
  for (let env = 0; env < numEnvs; env++) {
    for (let start = 0; start < steps; start += length) spans.push({ env, start, length: Math.min(length, steps - start) });
  }
  return spans;
}

/**
 * A minibatch of sequences laid out time-major for `unroll`: position `τ·batch + b` is step τ of
 * sequence b. Sequences shorter than `time` are padded at the end.
 */
export interface SequenceLayout {
  /** Longest sequence: the unroll's time steps. */
  readonly time: number;
  /** Sequences. */
  readonly batch: number;
  /** Rollout row (`t·numEnvs + e`) at each position, −1 for padding  [time × batch]. */
  readonly rows: Int32Array;
  /** Rollout row of each sequence's first step, whose stored hidden state starts it  [batch]. */
  readonly firstRows: Int32Array;
  /** 1 where the position holds a row the loss counts (not padding, valid in the rollout)  [time × batch]. */
  readonly mask: Uint8Array;
  /** The positions where `mask` is 1, ascending: the rows the loss is taken over. */
  readonly lossPositions: Int32Array;
  /** Rollout rows at `lossPositions`, in the same order. */
  readonly lossRows: Int32Array;
}

/**
 * The time-major layout of `spans` (see {@link SequenceLayout}); `valid` [steps × numEnvs] marks
 * the rollout rows that are transitions (next-step autoreset rows are 0: they run through the GRU
 * to carry its state, but no loss is taken on them).
 */
export function sequenceLayout(spans: readonly SequenceSpan[], numEnvs: number, valid: ArrayLike<number>): SequenceLayout {
  const batch = spans.length;
  if (batch === 0) throw new RangeError('sequenceLayout: needs at least one sequence');
  let time = 0;
  for (const span of spans) time = Math.max(time, span.length);
  const rows = new Int32Array(time * batch).fill(-1);
  const mask = new Uint8Array(time * batch);
  const firstRows = new Int32Array(batch);
  spans.forEach((span, b) => {
    firstRows[b] = span.start * numEnvs + span.env;
    for (let tau = 0; tau < span.length; tau++) {
      const row = (span.start + tau) * numEnvs + span.env;
      if (row >= valid.length) throw new RangeError(`sequenceLayout: sequence ${b} reaches row ${row} of a ${valid.length}-row rollout`);
      rows[tau * batch + b] = row;
      mask[tau * batch + b] = valid[row] !== 0 ? 1 : 0;
    }
  });
  let count = 0;
  for (const m of mask) count += m;
  const lossPositions = new Int32Array(count);
  const lossRows = new Int32Array(count);
  for (let p = 0, k = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    lossPositions[k] = p;
    lossRows[k++] = rows[p]!;
  }
  return { time, batch, rows, firstRows, mask, lossPositions, lossRows };
}

/**
 * Splits the sequence indices 0…count−1, shuffled with `rng`, into min(numMinibatches, count)
 * groups of near-equal size (sizes differ by at most one, larger groups first).
 */
export function sequenceMinibatches(count: number, numMinibatches: number, rng: Rng): Int32Array[] {
  const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i));
  const groups = Math.min(numMinibatches, count);
  const out: Int32Array[] = [];
  for (let g = 0, start = 0; g < groups; g++) {
    const size = Math.floor(count / groups) + (g < count % groups ? 1 : 0);
    out.push(order.slice(start, start + size));
    start += size;
  }
  return out;
}

/**
 * Per sub-env episode bookkeeping of a vector env while collecting: whether the current
 * observation is the first of an episode (the GRU state is zeroed before it), and, under
 * next-step autoreset, whether the next step is the reset step of an episode that just ended
 * (its observation is the ended episode's last one, so the state carries on through it).
 */
export interface EpisodeFlags {
  /** 1 where the current observation starts an episode  [numEnvs]. */
  readonly starts: Uint8Array;
  /** 1 where the next env step is a next-step autoreset step  [numEnvs]. */
  readonly pending: Uint8Array;
}

/** Flags right after `env.reset()`: every sub-env starts an episode. */
export function resetEpisodeFlags(numEnvs: number): EpisodeFlags {
  return { starts: new Uint8Array(numEnvs).fill(1), pending: new Uint8Array(numEnvs) };
}

/**
 * Moves the flags on by one vector step, in place. `same-step`: an observation after a step that
 * ended the episode is already the next episode's first. `next-step`: after the end comes the
 * reset step (its observation is the ended episode's last, the state carries on), and the
 * observation it returns starts the next episode.
 */
export function advanceEpisodeFlags(flags: EpisodeFlags, mode: AutoresetMode, terminated: ArrayLike<number>, truncated: ArrayLike<number>): void {
  const { starts, pending } = flags;
  for (let e = 0; e < starts.length; e++) {
    const ended = terminated[e] !== 0 || truncated[e] !== 0 ? 1 : 0;
    if (mode === 'next-step') {
      starts[e] = pending[e]!;
      pending[e] = pending[e] === 1 ? 0 : ended;
    } else {
      starts[e] = ended;
    }
  }
}
