// Test helper (not exported): two vector envs driven side by side must agree exactly.
import { Rng, type VectorEnv } from '@tfrl/core';
import { expect } from 'vitest';

/** Options of {@link expectSameRun}. */
export interface SameRunOptions {
  steps: number;
  seed: number;
  /** One sub-env's action (default: 0 or 1 with equal odds). */
  action?: (rng: Rng) => number;
  /** Actions as Float32Array (Box) instead of Int32Array. */
  continuous?: boolean;
  /** Compare infos too (default true). */
  infos?: boolean;
  /** Every this many steps, an unseeded reset of a random half of the sub-envs (default never). */
  maskedResetEvery?: number;
}

/** Counts of episode ends seen. */
export interface SameRunCounts {
  terminated: number;
  truncated: number;
}

/**
 * Resets both envs with `seed`, steps them with the same random actions and expects identical
 * results; in `disabled` mode it resets finished sub-envs with a mask.
 */
export async function expectSameRun(a: VectorEnv, b: VectorEnv, options: SameRunOptions): Promise<SameRunCounts> {
  const compareInfos = options.infos ?? true;
  const view = <T extends { infos: unknown }>(result: T): Omit<T, 'infos'> | T => {
    if (compareInfos) return result;
    const { infos: _infos, ...rest } = result;
    return rest;
  };
  const action = options.action ?? ((rng: Rng) => rng.int(2));
  expect(view(await a.reset({ seed: options.seed }))).toEqual(view(await b.reset({ seed: options.seed })));
  const rng = Rng.fromSeed(options.seed + 1);
  const n = a.numEnvs;
  const counts = { terminated: 0, truncated: 0 };
  for (let t = 0; t < options.steps; t++) {
    const values = Array.from({ length: n }, () => action(rng));
    const actions = options.continuous ? Float32Array.from(values) : Int32Array.from(values);
    const stepA = await a.step(actions);
    expect(view(stepA)).toEqual(view(await b.step(actions)));
    const ended = stepA.terminated.map((x, i) => x | stepA.truncated[i]!);
    for (let i = 0; i < n; i++) {
      counts.terminated += stepA.terminated[i]!;
      counts.truncated += stepA.truncated[i]!;
    }
    if (a.autoresetMode === 'disabled' && ended.some((x) => x !== 0)) {
      expect(view(await a.reset({ mask: ended }))).toEqual(view(await b.reset({ mask: ended })));
    }
    if (options.maskedResetEvery !== undefined && t % options.maskedResetEvery === options.maskedResetEvery - 1) {
      const mask = Uint8Array.from({ length: n }, () => rng.int(2));
      expect(view(await a.reset({ mask }))).toEqual(view(await b.reset({ mask })));
    }
  }
  return counts;
}
