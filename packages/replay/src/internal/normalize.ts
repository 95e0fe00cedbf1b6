/**
 * x ← (x − mean) / (std + 1e-8) in place, over the entries `mask` allows (all without one);
 * mean and population std summed in float64. Advantage normalisation of the on-policy buffers.
 */
export function normalize(x: Float32Array, mask?: Uint8Array): void {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    n++;
    sum += x[i]!;
  }
  if (n === 0) return;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < x.length; i++) if (mask === undefined || mask[i] !== 0) squares += (x[i]! - mean) ** 2;
  const scale = 1 / (Math.sqrt(squares / n) + 1e-8);
  for (let i = 0; i < x.length; i++) if (mask === undefined || mask[i] !== 0) x[i] = (x[i]! - mean) * scale;
}
