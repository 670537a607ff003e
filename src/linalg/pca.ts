// Principal component analysis of M rows of n numbers X `[M, n]`:
//   m = Σᵢ Xᵢ / M,   C = (X − m)ᵀ(X − m) / (M − 1) = V diag(λ) Vᵀ,
// the components are the eigenvectors of the r largest λ (their variances), each a unit vector; the score of
// a row x is z = Vᵣᵀ(x − m) and its reconstruction x̂ = m + Vᵣ z (scikit-learn's `PCA.inverse_transform`).
import { symmetricEigen } from './symmetric-eigen.ts';

export interface Pca {
  /** Row mean `[n]`. */
  mean: Float64Array;
  /** The r components as rows `[r, n]`, unit norm, by descending variance. */
  components: Float64Array;
  /** Variance along each component `[r]`. */
  variances: Float64Array;
  /** Total variance tr C (so Σ variances / totalVariance is the share the r components explain). */
  totalVariance: number;
  n: number;
  r: number;
}

/**
 * The top-`r` principal components of the rows of `X` (row-major `[M, n]`, M ≥ 2).
 *
 * @example
 * const p = pca(Float64Array.of(0, 0, 2, 2, 4, 4), 3, 2, 1); // components ≈ [±0.707, ±0.707], variance 8
 */
export function pca(X: ArrayLike<number>, M: number, n: number, r: number): Pca {
  if (!Number.isInteger(M) || M < 2 || X.length !== M * n) throw new Error(`pca: X must hold M·n numbers with M ≥ 2 rows of n = ${n} (got ${X.length} numbers for M = ${M})`);
  if (!Number.isInteger(r) || r < 1 || r > n) throw new Error(`pca: r must be an integer in [1, n = ${n}] (got ${r})`);
  const mean = new Float64Array(n);
  for (let i = 0; i < M; i++) for (let j = 0; j < n; j++) mean[j]! += X[i * n + j]! / M;
  const C = new Float64Array(n * n);
  const d = new Float64Array(n);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) d[j] = X[i * n + j]! - mean[j]!;
    for (let a = 0; a < n; a++) for (let b = a; b < n; b++) C[a * n + b]! += d[a]! * d[b]!;
  }
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      C[a * n + b]! /= M - 1;
      C[b * n + a] = C[a * n + b]!;
    }
  }
  let totalVariance = 0;
  for (let a = 0; a < n; a++) totalVariance += C[a * n + a]!;
  const { values, vectors } = symmetricEigen(C, n);
  const components = new Float64Array(r * n);
  for (let c = 0; c < r; c++) for (let j = 0; j < n; j++) components[c * n + j] = vectors[j * n + c]!;
  return { mean, components, variances: values.slice(0, r), totalVariance, n, r };
}

/** Reconstructions x̂ = m + Σ_c z_c v_c of scores Z `[K, r]` → `[K, n]`. */
export function pcaInverse(p: Pca, Z: ArrayLike<number>): Float32Array {
  const K = Z.length / p.r;
  if (!Number.isInteger(K)) throw new Error(`pcaInverse: Z must hold K·r = K·${p.r} numbers (got ${Z.length})`);
  const out = new Float32Array(K * p.n);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < p.n; j++) {
      let v = p.mean[j]!;
      for (let c = 0; c < p.r; c++) v += Z[k * p.r + c]! * p.components[c * p.n + j]!;
      out[k * p.n + j] = v;
    }
  }
  return out;
}
