import fc from 'fast-check';

// Test-only: fast-check arbitraries shared by the maths tests (not exported from the package).

/** A rollout laid out `[steps, numEnvs]` row-major, as computeGae and lambdaReturns take it. */
export interface ArbitraryRollout {
  rewards: Float64Array; // [steps, numEnvs]
  values: Float64Array; // [steps, numEnvs]
  nextValues: Float64Array; // [steps, numEnvs]
  terminated: Uint8Array; // [steps, numEnvs]
  truncated: Uint8Array; // [steps, numEnvs]
  numEnvs: number;
  gamma: number;
  lambda: number;
}

/** Options of {@link arbitraryRollout}. */
export interface ArbitraryRolloutOptions {
  /** Largest number of parallel envs (default 4). */
  maxEnvs?: number;
  /** Whether steps may be truncated (default true); without, episodes end only by termination. */
  truncation?: boolean;
}

const real = fc.double({ min: -10, max: 10, noNaN: true });
const unit = fc.double({ min: 0, max: 1, noNaN: true });

/**
 * A random rollout of 1–12 steps whose nextValues agree with values inside episodes; γ and λ
 * in [0, 1].
 */
export function arbitraryRollout(options: ArbitraryRolloutOptions = {}): fc.Arbitrary<ArbitraryRollout> {
  const truncation = options.truncation ?? true;
  return fc
    .record({
      numEnvs: fc.integer({ min: 1, max: options.maxEnvs ?? 4 }),
      steps: fc.integer({ min: 1, max: 12 }),
      gamma: unit,
      lambda: unit,
    })
    .chain(({ numEnvs, steps, gamma, lambda }) => {
      const n = numEnvs * steps;
      const entries = <T>(element: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(element, { minLength: n, maxLength: n });
      return fc
        .record({
          rewards: entries(real),
          values: entries(real),
          finalValues: entries(real),
          ends: entries(fc.constantFrom(0, 0, 0, 1, 2)),
        })
        .map(({ rewards, values, finalValues, ends }) => {
          const terminated = Uint8Array.from(ends, (x) => (x === 1 ? 1 : 0));
          const truncated = Uint8Array.from(ends, (x) => (x === 2 && truncation ? 1 : 0));
          // Inside an episode V(s_{t+1}) is the next step's value; at an episode end or the rollout's
          // end it is the value of an observation the rollout does not hold.
          const nextValues = Float64Array.from(values, (_, i) =>
            i + numEnvs < n && !terminated[i] && !truncated[i] ? values[i + numEnvs]! : finalValues[i]!,
          );
          return {
            rewards: Float64Array.from(rewards),
            values: Float64Array.from(values),
            nextValues,
            terminated,
            truncated,
            numEnvs,
            gamma,
            lambda,
          };
        });
    });
}
