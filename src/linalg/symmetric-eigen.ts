// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5):
//   A = V diag(λ) Vᵀ,  V orthogonal (column j is the eigenvector of λⱼ),  λ in descending order.
// Each rotation zeroes one off-diagonal pair; sweeps stop when the off-diagonal mass is ≤ 1e-30 of the
// diagonal's (quadratic convergence: a handful of sweeps for k ≤ 100).

export interface SymmetricEigen {
  /** Eigenvalues, descending `[k]`. */
  values: Float64Array;
  /** Eigenvectors as columns, row-major `[k, k]` (entry (i, j) is component i of eigenvector j). */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric k×k matrix `a` (row-major, read from offset `o`; only
 * read). Throws if an entry is not finite.
 *
 * @example
 * const { values } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2); // values = [3, 1]
 */
export function symmetricEigen(a: ArrayLike<number>, k: number, o = 0): SymmetricEigen {
  const A = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) {
    const v = a[o + i]!;
    if (!Number.isFinite(v)) throw new Error(`symmetricEigen: entry (${Math.floor(i / k)}, ${i % k}) is ${v}; the matrix must be finite`);
    A[i] = v;
  }
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
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => A[j * k + j]! - A[i * k + i]!);
  const values = Float64Array.from(order, (i) => A[i * k + i]!);
  const vectors = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let j = 0; j < k; j++) vectors[r * k + j] = V[r * k + order[j]!]!;
  return { values, vectors };
}
