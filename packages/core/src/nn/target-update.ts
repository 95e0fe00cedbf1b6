import * as tf from '@tensorflow/tfjs-core';

/** θ' ← θ for every pair (target network copy, as DQN every C steps). Assigns in place. */
export function hardUpdate(target: readonly tf.Variable[], source: readonly tf.Variable[]): void {
  checkPairs('hardUpdate', target, source);
  tf.tidy(() => {
    for (let i = 0; i < target.length; i++) target[i]!.assign(source[i]!);
  });
}

/** θ' ← τ·θ + (1 − τ)·θ' for every pair (Polyak averaging, as DDPG/SAC/TD3). Assigns in place. */
export function polyakUpdate(target: readonly tf.Variable[], source: readonly tf.Variable[], tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new RangeError(`polyakUpdate: tau must be in [0, 1], got ${tau}`);
  checkPairs('polyakUpdate', target, source);
  tf.tidy(() => {
    for (let i = 0; i < target.length; i++) {
      const t = target[i]!;
      t.assign(tf.add(tf.mul(source[i]!, tau), tf.mul(t, 1 - tau)));
    }
  });
}

function checkPairs(fn: string, target: readonly tf.Variable[], source: readonly tf.Variable[]): void {
  if (target.length !== source.length) {
    throw new RangeError(`${fn}: target has ${target.length} variables, source ${source.length}`);
  }
  for (let i = 0; i < target.length; i++) {
    const t = target[i]!;
    const s = source[i]!;
    if (t.dtype !== s.dtype || t.shape.length !== s.shape.length || t.shape.some((d, j) => d !== s.shape[j])) {
      throw new RangeError(
        `${fn}: variable ${i} differs: target ${t.name} ${t.dtype}[${t.shape.join(', ')}], source ${s.name} ${s.dtype}[${s.shape.join(', ')}]`,
      );
    }
  }
}
