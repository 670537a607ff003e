// Batched dense Cholesky factorization and solve on Float64Array (row-major).
//
// A = L Lᵀ with L lower triangular (Cholesky–Banachiewicz, row by row):
//   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj   (j < i),      L_ii = √(A_ii − Σ_{k<i} L_ik²).
// Only the lower triangle of A is read. A non-positive (or non-finite) pivot marks the matrix as not
// positive definite: `info[b] = i + 1` for the failing row i, and that batch element's L is left zeroed.
// Solve: A x = b  ⇔  L y = b, Lᵀ x = y (two triangular solves).
// `choleskyInPlace` is the one kernel: allocation-free on a block at an offset, so the QP's interior-point
// loop (src/solvers/qp) calls it several times per iteration for every problem of the batch; the batched
// `choleskyFactor` runs it on a copy of each matrix, from n ≥ CHOLESKY_SIMD_MIN_N by the WebAssembly SIMD
// kernel of dense-kernels.ts (the same arithmetic in the same order: the same bits).
import { acquireDenseKernels, releaseDenseKernels } from './dense-kernels.ts';
import { dot, triSolveInPlace } from './triangular.ts';

/** Smallest n that `choleskyFactor` factors by the SIMD kernel (below it the copies outweigh the lanes). */
export const CHOLESKY_SIMD_MIN_N = 16;

export interface CholeskyResult {
  /** `[B, n, n]` lower factors (upper triangle zero). */
  L: Float64Array;
  /** Per batch element: 0 = success, i + 1 = pivot i was not positive. */
  info: Int32Array;
}

/**
 * Factors the `[n, n]` block of `a` at offset `o` in place: reads the lower triangle, overwrites it with L and
 * leaves the upper triangle as it was. Returns 0, or i + 1 when pivot i is not positive (or not finite), in
 * which case the block is left partly factored.
 */
export function choleskyInPlace(a: Float64Array, o: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const ri = o + i * n;
    for (let j = 0; j < i; j++) {
      const rj = o + j * n;
      a[ri + j] = (a[ri + j]! - dot(a, ri, a, rj, j)) / a[rj + j]!;
    }
    let s = a[ri + i]!;
    for (let k = 0; k < i; k++) {
      const v = a[ri + k]!;
      s -= v * v;
    }
    if (!(s > 0) || s === Infinity) return i + 1;
    a[ri + i] = Math.sqrt(s);
  }
  return 0;
}

/** Factors `B` matrices `[B, n, n]`. */
export function choleskyFactor(A: Float64Array, B: number, n: number): CholeskyResult {
  const L = Float64Array.from(A.subarray(0, B * n * n));
  const info = new Int32Array(B);
  const k = n >= CHOLESKY_SIMD_MIN_N ? acquireDenseKernels(8 * n * n) : null;
  const block = k ? new Float64Array(k.memory.buffer, 0, n * n) : null;
  try {
    for (let b = 0; b < B; b++) {
      const o = b * n * n;
      if (k && block) {
        block.set(L.subarray(o, o + n * n));
        info[b] = k.cholesky(0, n);
        L.set(block, o);
      } else info[b] = choleskyInPlace(L, o, n);
      if (info[b] !== 0) {
        L.fill(0, o, o + n * n);
        continue;
      }
      for (let i = 0; i < n; i++) L.fill(0, o + i * n + i + 1, o + (i + 1) * n);
    }
  } finally {
    if (k) releaseDenseKernels(k);
  }
  return { L, info };
}

/**
 * Solves A x = b given A's Cholesky factors. `L` is `[bL, n, n]` with `bL ∈ {1, B}` (1 = shared),
 * `b` is `[B, n, m]`. Returns x `[B, n, m]`.
 */
export function choleskySolveFactored(L: Float64Array, bL: number, b: Float64Array, B: number, n: number, m: number): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < B; i++) {
    const lo = (bL === 1 ? 0 : i) * n * n;
    const xo = i * n * m;
    triSolveInPlace(L, lo, x, xo, n, m, true, false);
    triSolveInPlace(L, lo, x, xo, n, m, true, true);
  }
  return x;
}
