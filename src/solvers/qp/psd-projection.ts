// Projection of a small symmetric matrix onto the positive-semidefinite cone (nearest PSD matrix in the
// Frobenius norm): A = V diag(λ) Vᵀ  →  V diag(max(λ, 0)) Vᵀ, with the eigen-decomposition by cyclic Jacobi
// rotations (Golub & Van Loan §8.5). Used on the stage-cost Hessians of the SQP planner (controllers/sqp-planner.ts) so the
// condensed QP is convex. A matrix that has a Cholesky factor is positive definite, hence its own projection, and
// is kept without the decomposition.
import { choleskyInPlace } from '../../linalg/cholesky.ts';

let scratch = new Float64Array(0);

/** Symmetric k×k matrix at `o` projected onto the PSD cone in place (cyclic Jacobi, eigenvalues clipped at 0). */
export function projectPsd(a: Float64Array, o: number, k: number): void {
  if (scratch.length < k * k) scratch = new Float64Array(k * k);
  scratch.set(a.subarray(o, o + k * k));
  if (choleskyInPlace(scratch, 0, k) === 0) return;
  const A = Float64Array.from(a.subarray(o, o + k * k));
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) V[i * k + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < k; i++) {
      diag += A[i * k + i]! * A[i * k + i]!;
      for (let j = i + 1; j < k; j++) off += A[i * k + j]! * A[i * k + j]!;
    }
    if (off <= 1e-30 * (diag + 1e-300)) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = A[p * k + q]!;
        if (apq === 0) continue;
        const theta = (A[q * k + q]! - A[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = A[r * k + p]!, arq = A[r * k + q]!;
          A[r * k + p] = c * arp - s * arq;
          A[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = A[p * k + r]!, aqr = A[q * k + r]!;
          A[p * k + r] = c * apr - s * aqr;
          A[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = V[r * k + p]!, vrq = V[r * k + q]!;
          V[r * k + p] = c * vrp - s * vrq;
          V[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let e = 0; e < k; e++) acc += V[i * k + e]! * Math.max(A[e * k + e]!, 0) * V[j * k + e]!;
      a[o + i * k + j] = acc;
    }
  }
}
