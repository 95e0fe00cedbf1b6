// The Adam kernel: a WebAssembly SIMD module assembled here from its instructions (no binary
// blob, nothing fetched). Memory holds [params | grads | m | v], each padded to 4 floats.

export interface AdamKernel {
  /** [params, grads, m, v]: views of the module's memory. */
  readonly arrays: Float32Array[];
  adam(lo: number, hi: number, b1: number, b2: number, stepSize: number, root: number, eps: number, scale: number): void;
  sumOfSquares(lo: number, hi: number): number;
}

let adamModule: WebAssembly.Module | null | undefined;

/** An instance of the kernel with room for `size` parameters, or null where WebAssembly SIMD is missing. */
export function createAdamKernel(size: number): AdamKernel | null {
  if (adamModule === undefined) {
    const bytes = typeof WebAssembly === 'object' ? assembleAdamModule() : null;
    try {
      adamModule = bytes !== null && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      adamModule = null; // e.g. a page whose Content-Security-Policy forbids compiling WebAssembly
    }
  }
  if (adamModule === null) return null;
  const exports = new WebAssembly.Instance(adamModule).exports as {
    memory: WebAssembly.Memory;
    adam: (...args: number[]) => void;
    sumSquares: (g: number, n: number) => number;
  };
  const region = Math.ceil(size / 4) * 16; // bytes per array, 16-byte aligned
  exports.memory.grow(Math.ceil((4 * region) / 65536));
  const arrays = [0, 1, 2, 3].map((k) => new Float32Array(exports.memory.buffer, k * region, size));
  return {
    arrays,
    adam: (lo, hi, b1, b2, stepSize, root, eps, scale) => {
      const [p, g, m, v] = [0, 1, 2, 3].map((k) => k * region + 4 * lo);
      exports.adam(p!, g!, m!, v!, hi - lo, b1, b2, 1 - b1, 1 - b2, stepSize, root, eps, scale);
    },
    sumOfSquares: (lo, hi) => exports.sumSquares(region + 4 * lo, hi - lo),
  };
}

/**
 * The module, as its two functions in WebAssembly text form would read:
 *   adam(p, g, m, v, n, β₁, β₂, 1−β₁, 1−β₂, stepSize, rootCorrection, ε, scale): for i < n,
 *     four lanes at a time then one: g = g[i]·scale; m[i] = β₁m[i] + (1−β₁)g;
 *     v[i] = β₂v[i] + (1−β₂)g²; p[i] −= stepSize·m[i] / (√v[i]·rootCorrection + ε)   (f32)
 *   sumSquares(g, n) → Σ g[i]²  (f64 lanes, so that large gradients do not overflow)
 */
function assembleAdamModule(): Uint8Array<ArrayBuffer> {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      const byte = n & 0x7f;
      n >>>= 7;
      out.push(n === 0 ? byte : byte | 0x80);
    } while (n !== 0);
    return out;
  };
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
  const [i32, f32, f64, v128] = [0x7f, 0x7d, 0x7c, 0x7b];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32Const = (n: number) => [0x41, n & 0x7f]; // only -4, 0, 2, 4, 16 are used: one sLEB byte each
  const simd = (op: number, ...immediates: number[]) => [0xfd, ...uleb(op), ...immediates];
  const op = {
    i32Add: [0x6a], i32And: [0x71], i32Shl: [0x74], i32GeU: [0x4f],
    f32Load: [0x2a, 2, 0], f32Store: [0x38, 2, 0],
    f32Add: [0x92], f32Mul: [0x94], f32Sub: [0x93], f32Div: [0x95], f32Sqrt: [0x91],
    f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0], f64Add: [0xa0], f64Mul: [0xa2], f64PromoteF32: [0xbb],
    load: simd(0x00, 2, 0), store: simd(0x0b, 2, 0), f32x4Splat: simd(0x13), f64x2Splat: simd(0x14),
    f32x4Add: simd(228), f32x4Sub: simd(229), f32x4Mul: simd(230), f32x4Div: simd(231), f32x4Sqrt: simd(227),
    f64x2Add: simd(240), f64x2Mul: simd(242), f64x2PromoteLow: simd(95),
    f64x2Lane: (lane: number) => simd(0x21, lane),
    highToLow: simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7), // i8x16.shuffle
  };
  const flat = (...parts: number[][]) => parts.flat();
  // for (; i < end; i += step) body   (block { loop { br_if i >= end; body; i += step; br } })
  const loop = (i: number, end: number, step: number, body: number[]) =>
    flat(
      [0x02, 0x40, 0x03, 0x40], get(i), get(end), op.i32GeU, [0x0d, 1], // block loop; br_if 1 (i >= end)
      body, get(i), i32Const(step), op.i32Add, set(i), [0x0c, 0, 0x0b, 0x0b], // i += step; br 0; end end
    );
  const at = (base: number, i: number) => flat(get(base), get(i), op.i32Add);
  // end = 4·(n & ~3) bytes (the vector part) or 4·n bytes
  const bytesOf = (n: number, end: number, vectorPart: boolean) =>
    flat(get(n), vectorPart ? flat(i32Const(-4), op.i32And) : [], i32Const(2), op.i32Shl, set(end));

  // adam: params 0..12 = p, g, m, v, n, b1, b2, a1, a2, step, rc, eps, scale; locals 13.. below.
  const [P, G, M, V, N, B1, B2, A1, A2, S, RC, EPS, SC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [I, END] = [13, 14];
  const splats = [15, 16, 17, 18, 19, 20, 21, 22]; // v128 copies of B1..SC
  const [vG, vM, vV] = [23, 24, 25];
  const [sG, sM, sV] = [26, 27, 28];
  const lanes = (k: number) => splats[k - B1]!;
  const update = (vector: boolean, g: number, m: number, v: number, k: (param: number) => number) => {
    const [load, store, add, sub, mul, div, sqrt] = vector
      ? [op.load, op.store, op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
      : [op.f32Load, op.f32Store, op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt];
    return flat(
      at(G, I), load, get(k(SC)), mul, set(g),
      get(k(B1)), at(M, I), load, mul, get(k(A1)), get(g), mul, add, set(m),
      get(k(B2)), at(V, I), load, mul, get(k(A2)), get(g), mul, get(g), mul, add, set(v),
      at(M, I), get(m), store,
      at(V, I), get(v), store,
      at(P, I), at(P, I), load,
      get(k(S)), get(m), mul, get(v), sqrt, get(k(RC)), mul, get(k(EPS)), add, div, sub, store,
    );
  };
  const adamBody = flat(
    ...[B1, B2, A1, A2, S, RC, EPS, SC].map((k) => flat(get(k), op.f32x4Splat, set(lanes(k)))),
    bytesOf(N, END, true), i32Const(0), set(I),
    loop(I, END, 16, update(true, vG, vM, vV, lanes)),
    bytesOf(N, END, false),
    loop(I, END, 4, update(false, sG, sM, sV, (k) => k)),
  );
  // sumSquares: params 0, 1 = g, n; locals below.
  const [qI, qEnd, qAcc, qX, qLow, qTail, qS] = [2, 3, 4, 5, 6, 7, 8];
  const square = (x: number) => flat(get(x), get(x), op.f64x2Mul);
  const sumBody = flat(
    op.f64Zero, op.f64x2Splat, set(qAcc), bytesOf(1, qEnd, true), i32Const(0), set(qI),
    loop(qI, qEnd, 16, flat(
      at(0, qI), op.load, set(qX),
      get(qAcc), get(qX), op.f64x2PromoteLow, set(qLow), square(qLow), op.f64x2Add, set(qAcc),
      get(qAcc), get(qX), get(qX), op.highToLow, op.f64x2PromoteLow, set(qLow), square(qLow), op.f64x2Add, set(qAcc),
    )),
    bytesOf(1, qEnd, false), op.f64Zero, set(qTail),
    loop(qI, qEnd, 4, flat(
      at(0, qI), op.f32Load, op.f64PromoteF32, set(qS),
      get(qTail), get(qS), get(qS), op.f64Mul, op.f64Add, set(qTail),
    )),
    get(qAcc), op.f64x2Lane(0), get(qAcc), op.f64x2Lane(1), op.f64Add, get(qTail), op.f64Add,
  );
  const code = (locals: number[][], body: number[]) => {
    const bytes = [...vec(locals), ...body, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  };
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([
      [0x60, ...vec([i32, i32, i32, i32, i32, f32, f32, f32, f32, f32, f32, f32, f32].map((t) => [t])), 0],
      [0x60, ...vec([[i32], [i32]]), ...vec([[f64]])],
    ])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, 1]])), // memory: 1 page, grown on allocation
    ...section(7, vec([[...name('adam'), 0x00, 0], [...name('sumSquares'), 0x00, 1], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([
      code([[2, i32], [11, v128], [3, f32]], adamBody),
      code([[2, i32], [3, v128], [2, f64]], sumBody),
    ])),
  ]);
}
