// Dense Float64 kernels in WebAssembly SIMD (src/tensor/wasm/dense-f64.wat): a dot product, the Cholesky
// factorization, row-wise forward substitution, a Gram matrix and the QP's weighted fold H += Σ d_k g_k g_kᵀ,
// each on f64x2 lanes with the arithmetic of its JavaScript twin in the same order (no fused multiply-add),
// so either path gives the same bits and the choice is one of speed only. The kernels work on a memory of
// their own: `denseKernels(bytes)` instantiates the module on a fresh memory that the caller lays out
// (src/solvers/qp/kkt.ts puts its factor storage there) and reads through typed-array views.
import { embeddedWasmModule } from '../tensor/wasm-module.ts';
import { WASM_BASE64 } from '../tensor/wasm/dense-f64.wasm.ts';

/** The kernels of one instance; pointers are byte offsets into `memory`. */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  /** Σ_{k<n} x_k y_k. */
  dot(x: number, y: number, n: number): number;
  /** Lower triangle of H `[n, n]` += Σ d_k g_k g_kᵀ over the `c` i32 row indices at `rows` of G `[·, n]`. */
  fold(H: number, G: number, rows: number, c: number, d: number, n: number): void;
  /** In-place Cholesky of a `[n, n]` (lower triangle): 0, or i + 1 when pivot i is not positive or not finite. */
  cholesky(a: number, n: number): number;
  /** L y = v in place for each of the `c` rows of V `[c, n]`, from the row's first nonzero. */
  solveRows(L: number, n: number, V: number, c: number): void;
  /** Lower triangle of M `[c, c]` = V Vᵀ for V `[c, n]`; `first` is i32 scratch `[c]`. */
  gram(V: number, c: number, n: number, M: number, first: number): void;
}

interface Exports {
  dot: DenseKernels['dot'];
  fold: DenseKernels['fold'];
  cholesky: DenseKernels['cholesky'];
  solve_rows: DenseKernels['solveRows'];
  gram: DenseKernels['gram'];
}

/** The compiled module (1.6 kB; null where WebAssembly SIMD is missing), and the on/off switch. */
const module = (): WebAssembly.Module | null => embeddedWasmModule(WASM_BASE64);
let enabled = true;

/** Whether the kernels run here (WebAssembly SIMD present and not switched off). */
export function denseKernelsAvailable(): boolean {
  return enabled && module() !== null;
}

/**
 * Switches the kernels on or off for the instances created from now on (their callers then take the
 * JavaScript path); returns the previous setting. For A/B benchmarks and the tests that compare the paths.
 *
 * @example
 * const was = setDenseKernels(false); try { solveQpBatch(prob) } finally { setDenseKernels(was) }
 */
export function setDenseKernels(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Released instances kept for reuse (a memory reserves address space until it is collected). */
const pool: DenseKernels[] = [];
const POOL_SIZE = 4;

/**
 * The kernels on a memory of at least `bytes` bytes, reused from `releaseDenseKernels` when one is large
 * enough (its contents are whatever the last user left), else fresh; null when they do not run here.
 */
export function acquireDenseKernels(bytes: number): DenseKernels | null {
  if (!enabled || !module()) return null;
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const size = pool[i]!.memory.buffer.byteLength;
    if (size >= bytes && (best < 0 || size < pool[best]!.memory.buffer.byteLength)) best = i;
  }
  return best >= 0 ? pool.splice(best, 1)[0]! : denseKernels(bytes);
}

/** Hands an instance back for reuse; the caller must not touch its memory afterwards. */
export function releaseDenseKernels(k: DenseKernels): void {
  if (pool.includes(k)) return;
  pool.push(k);
  if (pool.length > POOL_SIZE) pool.shift();
}

/**
 * The kernels on a fresh memory of at least `bytes` bytes, or null when they do not run here.
 *
 * @example
 * const k = denseKernels(2 * 8 * 4)!; const f = new Float64Array(k.memory.buffer, 0, 8);
 * f.set([4, 2, 2, 3]); k.cholesky(0, 2); // f[0..3] = [2, 2, 1, √2]: the lower factor (upper entry kept)
 */
export function denseKernels(bytes: number): DenseKernels | null {
  const m = enabled ? module() : null;
  if (!m) return null;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const e = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as Exports;
  return { memory, dot: e.dot, fold: e.fold, cholesky: e.cholesky, solveRows: e.solve_rows, gram: e.gram };
}
