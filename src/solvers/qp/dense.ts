// Allocation-free dense Float64 kernels for one small QP, on row-major blocks at an offset in a larger array.
//
// cholInPlace:  A = L Lᵀ (Cholesky–Banachiewicz, row by row; reads and overwrites the lower triangle):
//   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj,   L_ii = √(A_ii − Σ_{k<i} L_ik²)
// lowerSolve:   L y = x  (forward substitution, in place)
// lowerTSolve:  Lᵀ y = x (column-oriented back substitution, so every inner loop walks a row of L)
// These are the same algorithms as src/linalg/cholesky.ts and triangular.ts, specialised to a single
// vector right-hand side without closures or allocation, because the interior-point loop calls them
// several times per iteration for every problem in the batch.

/** Factors the `[n, n]` block at `o` in place; returns false when a pivot is not positive (or not finite). */
export function cholInPlace(a: Float64Array, o: number, n: number): boolean {
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
    if (!(s > 0) || s === Infinity) return false;
    a[ri + i] = Math.sqrt(s);
  }
  return true;
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

/** Solves L y = x in place (`L` lower `[n, n]` at `lo`, `x` `[n]` at `xo`). */
export function lowerSolve(L: Float64Array, lo: number, n: number, x: Float64Array, xo: number): void {
  for (let i = 0; i < n; i++) {
    const ri = lo + i * n;
    x[xo + i] = (x[xo + i]! - dot(L, ri, x, xo, i)) / L[ri + i]!;
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
