// LML: the limited multi-label projection, a differentiable soft top-k (Amos, Xu & Kolter, 2019,
// "The Limited Multi-Label Projection Layer").
//
// Each row x ∈ Rⁿ of `[..., n]` is projected onto {y ∈ (0,1)ⁿ : Σ y = k}:
//   y_i = σ(x_i + ν),  ν such that Σ_i σ(x_i + ν) = k.
// Forward: the reference bracketing search (locuslab/lml@cf8251e), reproduced step for step in Float64 on
// the host, vectorized over rows (every row of the batch is one pass over a flat Float64Array):
//   xs = sort(x) descending; lo = −xs[k−1] − 7, hi = −xs[k] + 7;
//   while hi − lo > eps (≤ nIter rounds): ν_j = lo + (hi − lo)·t_j, j = 0..9, t_j = float32(j/9);
//     c = #{j : Σ_i σ(x_i + ν_j) − k < 0};  lo = ν_{c−1}, hi = ν_c;
//   ν = lo + (hi − lo)/2.
// Why the host and Float64: the count c is a comparison of a sum of n sigmoids with k, which float32 rounds
// at the 1e-7·n level, so a float32 search picks different brackets near the root; in Float64 the same
// search reproduces the reference's y to 2e-16 (see ../shared/reference/README.md). Only the k-th and
// (k+1)-th largest entries are needed from the sort, which a partial selection provides. Two speed-ups keep
// the reference's result: the count c of negative residuals over the 10 grid points is found by bisection
// (the residual is increasing in ν), and σ(x_i + ν_j) = 1/(1 + e^(−(x_i−a))·e^(−(ν_j+a))) reuses n
// exponentials per row (a = xs[k−1]; used only when no exponential can overflow).
// Bracket repairs the reference does not need in practice: c = 0 uses c = 1 and lowers lo by 7 (as the
// reference); c = 10 (root above the grid, impossible with the initial bracket but handled) moves the
// bracket to [ν_9, ν_9 + 7].
// Backward (closed form, the reference's): h = y(1−y), dν = Σ h g / Σ h, dx = h ⊙ (g − dν), computed in
// Float64 from the Float64 y of the forward. A fully saturated row (Σ h = 0, every y exactly 0 or 1) gets
// dx = 0 instead of the reference's 0/0 = NaN.
import * as tf from '@tensorflow/tfjs';
import { ShapeError, assertFinite } from '../tensor/check.ts';
import { applyCustomOp } from '../tensor/custom-op.ts';

export interface LmlOptions {
  /** Stopping width of the ν bracket (reference default 1e-4; DCEM uses 1e-3). */
  eps?: number;
  /** Maximum bracketing rounds (reference default 100). */
  nIter?: number;
}

/** The reference's grid fractions: float32 values of j/9, j = 0..9 (torch.linspace(0, 1, 10) in float32). */
export const LML_GRID: Float64Array = Float64Array.from({ length: 10 }, (_, j) => Math.fround(j / 9));

/** Result of the Float64 core: y `[rows, n]`, ν `[rows]`, rounds used per row. */
export interface LmlF64Result {
  y: Float64Array;
  nu: Float64Array;
  rounds: Int32Array;
}

/** k-th largest (1-based) of `v`; `v` is reordered (quickselect). */
function kthLargest(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! > pivot) i++;
      while (v[j]! < pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return v[target]!;
  }
  return v[target]!;
}

/** Σ_i σ(x_i + ν) − k over one row (offset `o`, length n), σ(z) = 1/(1 + e^(−z)) as the reference. */
function residualExact(x: Float64Array, o: number, n: number, nu: number, k: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += 1 / (1 + Math.exp(-(x[o + i]! + nu)));
  return s - k;
}

/**
 * The same residual from precomputed e_i = exp(−(x_i − a)): σ(x_i + ν) = 1/(1 + e_i·exp(−(ν + a))), one exp
 * per grid point instead of n. Agrees with `residualExact` to a few ulps per term, which can only flip the
 * sign of a residual within ~1e-15·n of zero (a grid point on the root to machine precision).
 */
function residualScaled(e: Float64Array, n: number, nu: number, a: number, k: number): number {
  const s0 = Math.exp(-(nu + a));
  let s = 0;
  for (let i = 0; i < n; i++) s += 1 / (1 + e[i]! * s0);
  return s - k;
}

/**
 * The LML projection in Float64: `x` row-major `[rows, n]`. Throws when k is not an integer in [1, n − 1].
 */
export function lmlF64(x: Float64Array, rows: number, n: number, k: number, opts: LmlOptions = {}): LmlF64Result {
  checkK(k, n);
  const eps = opts.eps ?? 1e-4;
  const nIter = opts.nIter ?? 100;
  if (!(eps > 0)) throw new Error(`lml: eps must be a positive number (got ${eps}); the reference default is 1e-4`);
  if (!Number.isInteger(nIter) || nIter < 1) throw new Error(`lml: nIter must be a positive integer (got ${nIter})`);
  const y = new Float64Array(rows * n);
  const nu = new Float64Array(rows);
  const rounds = new Int32Array(rows);
  const scratch = new Float64Array(n);
  const e = new Float64Array(n);
  const grid = new Float64Array(LML_GRID.length);
  const branch = LML_GRID.length;
  const shifted = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    scratch.set(x.subarray(r * n, (r + 1) * n));
    const xk0 = kthLargest(scratch, k); // xs[k−1]
    const xk10 = kthLargest(scratch, k + 1); // xs[k]
    // y depends on x + ν only, so the row may be searched as x − s with ν + s. For |xs[k−1]| > 1e4 the row is
    // shifted by s = xs[k−1]: at large magnitudes (say 1e30) x_i + ν cancels to garbage (y = ½ instead of 1).
    // Ordinary scores are never shifted, so they follow the reference's arithmetic exactly.
    const shift = Math.abs(xk0) > 1e4 ? xk0 : 0;
    const o = shift === 0 ? r * n : 0;
    if (shift !== 0) for (let i = 0; i < n; i++) shifted[i] = x[r * n + i]! - shift;
    const xrow = shift === 0 ? x : shifted;
    const xk = xk0 - shift;
    const xk1 = xk10 - shift;
    // Fast residual when no exp(±·) can overflow: |x_i − xk| and the bracket offsets stay below 600.
    let spread = xk - xk1 + 14;
    for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(xrow[o + i]! - xk));
    const fast = spread < 600;
    if (fast) for (let i = 0; i < n; i++) e[i] = Math.exp(-(xrow[o + i]! - xk));
    const res = (v: number): number => (fast ? residualScaled(e, n, v, xk, k) : residualExact(xrow, o, n, v, k));
    let lo = -xk - 7;
    let hi = -xk1 + 7;
    let width = hi - lo;
    let it = 0;
    for (; it < nIter; it++) {
      width = hi - lo;
      if (!(width > eps)) break;
      for (let j = 0; j < branch; j++) grid[j] = width * LML_GRID[j]! + lo;
      // c = #{j : residual(ν_j) < 0}; the residual increases with ν, so c is found by bisection over j
      // (≈ 4 evaluations instead of 10, the same c as the reference's count).
      let a = 0;
      let b = branch;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (res(grid[m]!) < 0) a = m + 1;
        else b = m;
      }
      const c = a;
      if (c === 0) {
        lo = grid[0]! - 7;
        hi = grid[1]!;
      } else if (c === branch) {
        lo = grid[branch - 1]!;
        hi = lo + 7;
      } else {
        lo = grid[c - 1]!;
        hi = grid[c]!;
      }
    }
    // As the reference: ν = lo + r/2 with r the width measured at the start of the last round.
    if (it === nIter) width = hi - lo;
    const v = lo + width / 2;
    nu[r] = v - shift;
    rounds[r] = it;
    for (let i = 0; i < n; i++) y[r * n + i] = 1 / (1 + Math.exp(-(xrow[o + i]! + v)));
  }
  return { y, nu, rounds };
}

/**
 * Backward of the projection in Float64: dx = h ⊙ (g − dν), dν = Σ h g / Σ h, h = y(1 − y), per row;
 * rows with Σ h = 0 (fully saturated) get dx = 0.
 */
export function lmlBackwardF64(y: Float64Array, g: ArrayLike<number>, rows: number, n: number): Float64Array {
  const dx = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let sh = 0;
    let shg = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[o + i]!;
      const h = yi * (1 - yi);
      sh += h;
      shg += h * g[o + i]!;
    }
    if (!(sh > 0)) continue;
    const dnu = shg / sh;
    for (let i = 0; i < n; i++) {
      const yi = y[o + i]!;
      dx[o + i] = yi * (1 - yi) * (g[o + i]! - dnu);
    }
  }
  return dx;
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k >= n) {
    throw new Error(
      `lml: k must be an integer with 1 ≤ k < n = ${n} (got k = ${k}); the projection onto {Σ y = k, 0 < y < 1} is empty or trivial otherwise — use fewer elites than entries per row`,
    );
  }
}

/**
 * Differentiable LML projection of the last axis: x `[..., n]` → y `[..., n]`, Σ y = k per row.
 * @param k number of (soft) selected entries per row, 1 ≤ k < n
 */
export function lml(x: tf.Tensor, k: number, opts: LmlOptions = {}): tf.Tensor {
  if (x.rank < 1) throw new ShapeError(`lml: x must have shape [..., n] with at least one axis (got a scalar)`);
  const n = x.shape[x.rank - 1]!;
  checkK(k, n);
  const rows = x.size / n;
  return applyCustomOp((xt: tf.Tensor) => {
    const xd = Float64Array.from(xt.dataSync() as Float32Array);
    assertFinite('lml: x', xd);
    const { y } = lmlF64(xd, rows, n, k, opts);
    return {
      value: tf.tensor(Float32Array.from(y), xt.shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => tf.tensor(Float32Array.from(lmlBackwardF64(y, dy.dataSync() as Float32Array, rows, n)), dy.shape, 'float32'),
    };
  }, x);
}
