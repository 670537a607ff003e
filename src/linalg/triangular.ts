// Batched triangular solves on Float64Array (row-major), the building block of the Cholesky and LU solves.
//
// Forward substitution  L x = b:   x_i = (b_i − Σ_{k<i} L_ik x_k) / L_ii
// Back substitution     U x = b:   x_i = (b_i − Σ_{k>i} U_ik x_k) / U_ii
// Transposed variants solve Lᵀx = b and Uᵀx = b reading the same storage. Each solve works on an
// `[n, m]` block of right-hand sides in place; `unit` skips the division (unit diagonal, as in LU's L).

/**
 * Solves T x = b (or Tᵀ x = b) in place for one matrix.
 * @param T   `[n, n]` triangular matrix at `tOff` in `t`
 * @param x   `[n, m]` right-hand sides at `xOff` in `x`, overwritten by the solution
 */
export function triSolveInPlace(
  t: Float64Array,
  tOff: number,
  x: Float64Array,
  xOff: number,
  n: number,
  m: number,
  lower: boolean,
  transpose: boolean,
  unit = false,
): void {
  // Solving with Lᵀ is a back substitution over an upper-triangular matrix whose (i,k) entry is L[k,i].
  const forward = lower !== transpose;
  const at = transpose ? (i: number, k: number) => t[tOff + k * n + i]! : (i: number, k: number) => t[tOff + i * n + k]!;
  if (forward) {
    for (let i = 0; i < n; i++) {
      const xi = xOff + i * m;
      for (let k = 0; k < i; k++) {
        const a = at(i, k);
        if (a === 0) continue;
        const xk = xOff + k * m;
        for (let c = 0; c < m; c++) x[xi + c]! -= a * x[xk + c]!;
      }
      if (!unit) {
        const d = at(i, i);
        for (let c = 0; c < m; c++) x[xi + c]! /= d;
      }
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const xi = xOff + i * m;
      for (let k = i + 1; k < n; k++) {
        const a = at(i, k);
        if (a === 0) continue;
        const xk = xOff + k * m;
        for (let c = 0; c < m; c++) x[xi + c]! -= a * x[xk + c]!;
      }
      if (!unit) {
        const d = at(i, i);
        for (let c = 0; c < m; c++) x[xi + c]! /= d;
      }
    }
  }
}

/**
 * Batched triangular solve. `T` holds `bT` matrices `[bT, n, n]` with `bT ∈ {1, B}` (1 = shared);
 * `b` holds `[B, n, m]`. Returns a new `[B, n, m]` array.
 */
export function triangularSolve(
  T: Float64Array,
  bT: number,
  b: Float64Array,
  B: number,
  n: number,
  m: number,
  opts: { lower: boolean; transpose?: boolean; unit?: boolean },
): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < B; i++) {
    triSolveInPlace(T, (bT === 1 ? 0 : i) * n * n, x, i * n * m, n, m, opts.lower, opts.transpose ?? false, opts.unit ?? false);
  }
  return x;
}
