// Shared helpers of the linear-algebra tests: random matrices and residuals in Float64.
import { Rng } from '../../src/tensor/rng.ts';

/** `[B, n, n]` random SPD matrices M Mᵀ + 0.1 I. */
export function randomSpd(rng: Rng, B: number, n: number): Float64Array {
  const A = new Float64Array(B * n * n);
  for (let b = 0; b < B; b++) {
    const M = Array.from({ length: n * n }, () => rng.normal());
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.1 : 0;
        for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
        A[b * n * n + i * n + j] = s;
      }
    }
  }
  return A;
}

/** `[B, n, n]` standard-normal matrices. */
export function randomGeneral(rng: Rng, B: number, n: number): Float64Array {
  return new Float64Array(B * n * n).map(() => rng.normal());
}

/** max |A x − b| / max(1, |b|) over the batch; A is `[bA, n, n]`, x and b `[B, n, m]`. */
export function matVecResidual(A: Float64Array, bA: number, x: Float64Array, b: Float64Array, B: number, n: number, m: number): number {
  let worst = 0;
  for (let i = 0; i < B; i++) {
    const ao = (bA === 1 ? 0 : i) * n * n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < m; c++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[ao + r * n + k]! * x[i * n * m + k * m + c]!;
        const bv = b[i * n * m + r * m + c]!;
        worst = Math.max(worst, Math.abs(s - bv) / Math.max(1, Math.abs(bv)));
      }
    }
  }
  return worst;
}
