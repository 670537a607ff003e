// Batched triangular solves on Float64Array (row-major), the building block of the Cholesky and LU solves.
//
// Forward substitution  L x = b:   x_i = (b_i − Σ_{k<i} L_ik x_k) / L_ii
// Back substitution     U x = b:   x_i = (b_i − Σ_{k>i} U_ik x_k) / U_ii
// Transposed variants solve Lᵀx = b and Uᵀx = b reading the same storage. Each solve works on an
// `[n, m]` block of right-hand sides in place; `unit` skips the division (unit diagonal, as in LU's L).
// `lowerSolve` / `lowerTSolve` are the same substitutions for one vector right-hand side without closures or
// allocation (Lᵀ y = x column-oriented, so every inner loop walks a row of L), for the QP's interior-point
// loop, which calls them several times per iteration for every problem in the batch.

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
  // Solving with Lᵀ is a back substitution over an upper-triangular matrix whose (i,k) entry is L[k,i]:
  // entry (i, k) sits at tOff + i·rs + k·cs.
  const forward = lower !== transpose;
  const rs = transpose ? 1 : n, cs = transpose ? n : 1;
  const step = forward ? 1 : -1;
  for (let i = forward ? 0 : n - 1; forward ? i < n : i >= 0; i += step) {
    const xi = xOff + i * m;
    const ti = tOff + i * rs;
    const k0 = forward ? 0 : i + 1, k1 = forward ? i : n;
    for (let k = k0; k < k1; k++) {
      const a = t[ti + k * cs]!;
      if (a === 0) continue;
      const xk = xOff + k * m;
      for (let c = 0; c < m; c++) x[xi + c]! -= a * x[xk + c]!;
    }
    if (!unit) {
      const d = t[ti + i * cs]!;
      for (let c = 0; c < m; c++) x[xi + c]! /= d;
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

/** Σ_{k<n} x[xo+k]·y[yo+k], four accumulators (fewer loop-carried dependencies, fewer bounds checks). */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += x[xo + k]! * y[yo + k]!;
    s1 += x[xo + k + 1]! * y[yo + k + 1]!;
    s2 += x[xo + k + 2]! * y[yo + k + 2]!;
    s3 += x[xo + k + 3]! * y[yo + k + 3]!;
  }
  for (; k < n; k++) s0 += x[xo + k]! * y[yo + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Solves L y = x in place (`L` lower `[n, n]` at `lo`, `x` `[n]` at `xo`). Leading zeros of x stay zero in y,
 * so the substitution starts at the first nonzero (a constraint row with few nonzeros, e.g. a bound, costs
 * (n − f)²/2 instead of n²/2).
 */
export function lowerSolve(L: Float64Array, lo: number, n: number, x: Float64Array, xo: number): void {
  let f = 0;
  while (f < n && x[xo + f] === 0) f++;
  for (let i = f; i < n; i++) {
    const ri = lo + i * n;
    x[xo + i] = (x[xo + i]! - dot(L, ri + f, x, xo + f, i - f)) / L[ri + i]!;
  }
}

/** Solves Lᵀ y = x in place. */
export function lowerTSolve(L: Float64Array, lo: number, n: number, x: Float64Array, xo: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = lo + i * n;
    const xi = x[xo + i]! / L[ri + i]!;
    x[xo + i] = xi;
    for (let k = 0; k < i; k++) x[xo + k]! -= L[ri + k]! * xi;
  }
}
