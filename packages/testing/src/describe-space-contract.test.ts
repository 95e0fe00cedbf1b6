import fc from 'fast-check';
import {
  Box,
  DictSpace,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  TupleSpace,
  type BoxJSON,
  type DiscreteJSON,
  type DiscreteMask,
  type Rng,
  type Space,
} from '@tfrl/core';
import { describe, expect, it } from 'vitest';
import { arbitrarySpace } from './arbitraries.js';
import {
  checkSpaceContract,
  describeSpaceContract,
  equalAsFloat32,
  sameSpaceValue,
  spaceContractChecks,
  type SpaceContractCheck,
} from './describe-space-contract.js';

const discreteMasks = (space: Discrete): fc.Arbitrary<boolean[]> =>
  fc.array(fc.boolean(), { minLength: space.n, maxLength: space.n });

describeSpaceContract('Discrete(5, start=-2)', () => new Discrete(5, { start: -2 }), { masks: discreteMasks });
describeSpaceContract(
  'Dict of a float64 Box, a MultiDiscrete and a Tuple',
  () =>
    new DictSpace({
      position: new Box({ low: -1, high: [1, Infinity], dtype: 'float64' }),
      buttons: new MultiDiscrete([2, 3], { start: [0, -1] }),
      rest: new TupleSpace([new MultiBinary(3), new Discrete(2)]),
    }),
  { equal: equalAsFloat32 },
);
describeSpaceContract(
  'random spaces of every kind',
  arbitrarySpace(),
  { equal: equalAsFloat32 },
);

/** The checks that report violations for `space`. */
function failingChecks(space: Space, masks?: fc.Arbitrary<unknown>): SpaceContractCheck[] {
  const options = masks === undefined ? {} : { masks: () => masks };
  return [...new Set(checkSpaceContract(space, options).map((v) => v.check))];
}

describe('the space contract catches broken spaces', () => {
  it('passes real spaces with no violations', () => {
    expect(checkSpaceContract(new Discrete(3), { masks: discreteMasks })).toEqual([]);
    expect(checkSpaceContract(new Box({ low: [-Infinity, 0], high: [0, 1] }))).toEqual([]);
    expect(checkSpaceContract(new Box({ low: -5, high: 5, shape: [2, 2], dtype: 'int32' }))).toEqual([]);
    expect(checkSpaceContract(new MultiBinary(4))).toEqual([]);
    expect(checkSpaceContract(new TupleSpace([]))).toEqual([]);
    expect(checkSpaceContract(new DictSpace({}))).toEqual([]);
  });

  it('catches a sample outside the space', () => {
    class SamplesN extends Discrete {
      override sample(): number {
        return this.start + this.n;
      }
    }
    expect(failingChecks(new SamplesN(3))).toEqual(['sample']);
    expect(spaceContractChecks.sample(new SamplesN(3), { runs: 1 }).violations).toEqual([
      'sample 0: 3 is not contained in the space',
    ]);
  });

  it('catches samples that do not follow the seed', () => {
    class Cycles extends Discrete {
      private calls = 0;
      override sample(): number {
        return this.start + (this.calls++ % this.n);
      }
    }
    expect(failingChecks(new Cycles(3))).toEqual(['determinism']);
  });

  it('catches a masked sample outside the space', () => {
    class ZeroMaskGivesStartMinusOne extends Discrete {
      override sample(rng: Rng, mask?: DiscreteMask): number {
        return mask !== undefined && !Array.from(mask).some(Boolean) ? this.start - 1 : super.sample(rng, mask);
      }
    }
    const masks = fc.array(fc.constant(false), { minLength: 3, maxLength: 3 });
    expect(failingChecks(new ZeroMaskGivesStartMinusOne(3), masks)).toEqual(['masked']);
    expect(spaceContractChecks.masked(new Discrete(3), {}).skipped).toMatch(/no masks given/);
  });

  it('catches a contains that accepts values outside the space', () => {
    class AnyNumber extends Discrete {
      override contains(x: unknown): x is number {
        return typeof x === 'number';
      }
    }
    expect(failingChecks(new AnyNumber(3))).toEqual(['contains']);
  });

  it('catches a flatten of the wrong length', () => {
    class OneTooLong extends Discrete {
      override flatten(x: number, out?: Float32Array, offset = 0): Float32Array {
        const flat = new Float32Array(this.n + 1);
        flat[x - this.start] = 1;
        out?.set(flat, offset);
        return out ?? flat;
      }
    }
    expect(failingChecks(new OneTooLong(3))).toEqual(['flatten', 'json']);
    expect(spaceContractChecks.flatten(new OneTooLong(3), { runs: 1 }).violations[0]).toMatch(
      /flatten\(\d\) gave 4 numbers, flatDim is 3/,
    );
  });

  it('catches a flatten that writes at the wrong place of out', () => {
    class IgnoresOffset extends Discrete {
      override flatten(x: number, out?: Float32Array): Float32Array {
        return super.flatten(x, out, 0);
      }
    }
    expect(failingChecks(new IgnoresOffset(3))).toEqual(['flatten']);
  });

  it('catches an unflatten that is off by one, or reads at the wrong offset', () => {
    class OffByOne extends Discrete {
      override unflatten(flat: ArrayLike<number>, offset = 0): number {
        return super.unflatten(flat, offset) + 1;
      }
    }
    class IgnoresOffset extends Discrete {
      override unflatten(flat: ArrayLike<number>): number {
        return super.unflatten(flat, 0);
      }
    }
    expect(failingChecks(new OffByOne(3))).toEqual(['roundTrip']);
    expect(failingChecks(new IgnoresOffset(3))).toEqual(['roundTrip']);
  });

  it('catches a toJSON that lies, and one that is not plain JSON', () => {
    class LiesAboutN extends Discrete {
      override toJSON(): DiscreteJSON {
        return { ...super.toJSON(), n: this.n + 1 };
      }
    }
    class InfiniteBounds extends Box {
      override toJSON(): BoxJSON {
        return { ...super.toJSON(), low: [-Infinity] };
      }
    }
    expect(failingChecks(new LiesAboutN(3))).toEqual(['contains', 'json']);
    expect(spaceContractChecks.json(new LiesAboutN(3), {}).violations).toEqual([
      'the space rebuilt from toJSON() has kind, shape, flatDim ["discrete", [], 4], the space ["discrete", [], 3]',
    ]);
    const box = new InfiniteBounds({ low: -Infinity, high: 1, shape: [2] });
    expect(spaceContractChecks.json(box, {}).violations[0]).toMatch(/is not plain JSON/);
  });

  it('reports a throw as a violation of the check that threw', () => {
    class FlattenThrows extends Discrete {
      override flatten(): Float32Array {
        throw new Error('boom');
      }
    }
    expect(failingChecks(new FlattenThrows(3))).toEqual(['flatten', 'roundTrip', 'json']);
    expect(spaceContractChecks.flatten(new FlattenThrows(3), { runs: 1 }).violations).toEqual([
      expect.stringMatching(/^value \d: threw Error: boom$/),
    ]);
  });

  it('compares round trips exactly unless told to compare as float32', () => {
    const space = new Box({ low: -1, high: 1, shape: [3], dtype: 'float64' });
    expect(checkSpaceContract(space, {}, ['roundTrip'])[0]?.message).toMatch(/unflatten\(flatten\(Float64Array\[/);
    expect(checkSpaceContract(space, { equal: equalAsFloat32 })).toEqual([]);
  });

  it('tells space values apart by type, key, length and number', () => {
    expect(sameSpaceValue({ a: [1, Int8Array.of(0)] }, { a: [1, Int8Array.of(0)] })).toBe(true);
    expect(sameSpaceValue(Int8Array.of(0), Int32Array.of(0))).toBe(false);
    expect(sameSpaceValue({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameSpaceValue([1, 2], [1])).toBe(false);
    expect(sameSpaceValue(0, -0)).toBe(false);
    expect(sameSpaceValue(null, {})).toBe(false);
    expect(equalAsFloat32(Float64Array.of(0.1), Float64Array.of(Math.fround(0.1)))).toBe(true);
    expect(equalAsFloat32(Float64Array.of(0.1), Float64Array.of(0.2))).toBe(false);
  });
});
