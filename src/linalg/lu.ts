// Batched dense LU factorization with partial pivoting and solve on Float64Array (row-major).
//
// P A = L U with L unit lower triangular, U upper triangular, P a row permutation chosen so that each pivot
// is the largest remaining entry of its column (Doolittle elimination, stored in place: L below the
// diagonal, U on and above). A pivot with |u_kk| ≤ n·ε·max|A| marks the matrix as singular to working
// precision: `info[b] = k + 1`.
// Solve A x = b:   L y = P b,  U x = y.      Transposed solve Aᵀ x = b:  Uᵀ w = b,  Lᵀ v = w,  x = Pᵀ v.
import { triSolveInPlace } from './triangular.ts';

export interface LUResult {
  /** `[B, n, n]` packed factors: strictly-lower part is L (unit diagonal implied), the rest is U. */
  LU: Float64Array;
  /** `[B, n]` pivot rows: row i of P A is row piv[i] of A. */
  piv: Int32Array;
  /** Per batch element: 0 = success, k + 1 = pivot k is (numerically) zero. */
  info: Int32Array;
}

/** Factors `B` matrices `[B, n, n]`. */
export function luFactor(A: Float64Array, B: number, n: number): LUResult {
  const LU = Float64Array.from(A);
  const piv = new Int32Array(B * n);
  const info = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const o = b * n * n;
    let maxAbs = 0;
    for (let i = 0; i < n * n; i++) maxAbs = Math.max(maxAbs, Math.abs(LU[o + i]!));
    const tol = n * Number.EPSILON * maxAbs;
    const p = piv.subarray(b * n, (b + 1) * n);
    for (let i = 0; i < n; i++) p[i] = i;
    if (!Number.isFinite(maxAbs)) {
      info[b] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) {
      let r = k;
      let best = Math.abs(LU[o + k * n + k]!);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(LU[o + i * n + k]!);
        if (v > best) {
          best = v;
          r = i;
        }
      }
      if (!(best > tol)) {
        info[b] = k + 1;
        break;
      }
      if (r !== k) {
        for (let j = 0; j < n; j++) {
          const t = LU[o + k * n + j]!;
          LU[o + k * n + j] = LU[o + r * n + j]!;
          LU[o + r * n + j] = t;
        }
        const t = p[k]!;
        p[k] = p[r]!;
        p[r] = t;
      }
      const pk = LU[o + k * n + k]!;
      for (let i = k + 1; i < n; i++) {
        const ri = o + i * n;
        const f = (LU[ri + k]! /= pk);
        if (f === 0) continue;
        const rk = o + k * n;
        for (let j = k + 1; j < n; j++) LU[ri + j]! -= f * LU[rk + j]!;
      }
    }
  }
  return { LU, piv, info };
}

/**
 * Solves A x = b (or Aᵀ x = b with `transpose`) from LU factors. Factors are `[bA, n, n]` with
 * `bA ∈ {1, B}`, `b` is `[B, n, m]`. Returns x `[B, n, m]`.
 */
export function luSolveFactored(
  f: LUResult,
  bA: number,
  b: Float64Array,
  B: number,
  n: number,
  m: number,
  transpose = false,
): Float64Array {
  const x = new Float64Array(B * n * m);
  for (let i = 0; i < B; i++) {
    const a = bA === 1 ? 0 : i;
    const lo = a * n * n;
    const p = f.piv.subarray(a * n, (a + 1) * n);
    const xo = i * n * m;
    if (!transpose) {
      for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) x[xo + r * m + c] = b[xo + p[r]! * m + c]!;
      triSolveInPlace(f.LU, lo, x, xo, n, m, true, false, true);
      triSolveInPlace(f.LU, lo, x, xo, n, m, false, false);
    } else {
      const w = b.slice(xo, xo + n * m);
      triSolveInPlace(f.LU, lo, w, 0, n, m, false, true);
      triSolveInPlace(f.LU, lo, w, 0, n, m, true, true, true);
      for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) x[xo + p[r]! * m + c] = w[r * m + c]!;
    }
  }
  return x;
}
