// Projection of a small symmetric matrix onto the positive-semidefinite cone (nearest PSD matrix in the
// Frobenius norm): A = V diag(λ) Vᵀ  →  V diag(max(λ, 0)) Vᵀ, with the eigen-decomposition by cyclic Jacobi
// rotations (src/linalg/symmetric-eigen.ts). Used on the stage-cost Hessians of the SQP planner (controllers/sqp-planner.ts) so the
// condensed QP is convex. A matrix that has a Cholesky factor is positive definite, hence its own projection, and
// is kept without the decomposition.
import { choleskyInPlace } from '../../linalg/cholesky.ts';
import { symmetricEigen } from '../../linalg/symmetric-eigen.ts';

let scratch = new Float64Array(0);

/** Symmetric k×k matrix at `o` projected onto the PSD cone in place (cyclic Jacobi, eigenvalues clipped at 0). */
export function projectPsd(a: Float64Array, o: number, k: number): void {
  if (scratch.length < k * k) scratch = new Float64Array(k * k);
  scratch.set(a.subarray(o, o + k * k));
  if (choleskyInPlace(scratch, 0, k) === 0) return;
  const { values, vectors: V } = symmetricEigen(a, k, o);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let e = 0; e < k; e++) acc += V[i * k + e]! * Math.max(values[e]!, 0) * V[j * k + e]!;
      a[o + i * k + j] = acc;
    }
  }
}
