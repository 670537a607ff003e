// Batched dense Cholesky factorization and solve on Float64Array (row-major).
//
// A = L Lᵀ with L lower triangular (Cholesky–Banachiewicz, row by row):
//   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj   (j < i),      L_ii = √(A_ii − Σ_{k<i} L_ik²).
// Only the lower triangle of A is read. A non-positive (or non-finite) pivot marks the matrix as not
// positive definite: `info[b] = i + 1` for the failing row i, and that batch element's L is left zeroed.
// Solve: A x = b  ⇔  L y = b, Lᵀ x = y (two triangular solves).
import { triSolveInPlace } from './triangular.ts';

export interface CholeskyResult {
  /** `[B, n, n]` lower factors (upper triangle zero). */
  L: Float64Array;
  /** Per batch element: 0 = success, i + 1 = pivot i was not positive. */
  info: Int32Array;
}

/** Factors `B` matrices `[B, n, n]`. */
export function choleskyFactor(A: Float64Array, B: number, n: number): CholeskyResult {
  const L = new Float64Array(B * n * n);
  const info = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const o = b * n * n;
    outer: for (let i = 0; i < n; i++) {
      const ri = o + i * n;
      for (let j = 0; j <= i; j++) {
        const rj = o + j * n;
        let s = A[ri + j]!;
        for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
        if (i === j) {
          if (!(s > 0) || !Number.isFinite(s)) {
            info[b] = i + 1;
            L.fill(0, o, o + n * n);
            break outer;
          }
          L[ri + i] = Math.sqrt(s);
        } else {
          L[ri + j] = s / L[rj + j]!;
        }
      }
    }
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
