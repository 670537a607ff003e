// Consistency of the equality constraints A z = b of one QP, for a solve that stopped without converging.
//
// When A has dependent rows (e.g. the same row twice), the KKT system is singular and neither the Farkas test
// (certificates.ts) nor the phase-1 QP (feasibility.ts, run only with inequalities) can tell an empty
// {z : Az = b} from slow convergence. Gaussian elimination with partial pivoting on [A | b], each row scaled
// to max |A_r·| = 1, reduces A to row echelon form; Az = b is inconsistent iff a row whose A-part vanishes
// (|·| ≤ 1e-10·nz after the scaling) keeps a right-hand side above 1e-8·(1 + max |b̂|) (Rouché–Capelli:
// rank A < rank [A | b]).

/** Whether A z = b (A `[neq, nz]` at offset `ao`, b `[neq]` at `bo`) has no solution. */
export function equalitiesInconsistent(A: Float64Array, ao: number, b: Float64Array, bo: number, neq: number, nz: number): boolean {
  return echelon(A, ao, b, bo, neq, nz).inconsistent;
}

/** Numerical rank of A `[neq, nz]` (same elimination and tolerance); below neq when rows are dependent. */
export function equalityRank(A: Float64Array, ao: number, neq: number, nz: number): number {
  return echelon(A, ao, new Float64Array(neq), 0, neq, nz).rank;
}

function echelon(A: Float64Array, ao: number, b: Float64Array, bo: number, neq: number, nz: number): { rank: number; inconsistent: boolean } {
  if (neq === 0) return { rank: 0, inconsistent: false };
  const w = nz + 1;
  const M = new Float64Array(neq * w);
  let bmax = 0;
  for (let r = 0; r < neq; r++) {
    let s = 0;
    for (let i = 0; i < nz; i++) s = Math.max(s, Math.abs(A[ao + r * nz + i]!));
    const scale = s > 0 ? 1 / s : 1;
    for (let i = 0; i < nz; i++) M[r * w + i] = A[ao + r * nz + i]! * scale;
    M[r * w + nz] = b[bo + r]! * scale;
    bmax = Math.max(bmax, Math.abs(M[r * w + nz]!));
  }
  const zeroA = 1e-10 * nz;
  let row = 0;
  for (let c = 0; c < nz && row < neq; c++) {
    let piv = row;
    for (let r = row + 1; r < neq; r++) if (Math.abs(M[r * w + c]!) > Math.abs(M[piv * w + c]!)) piv = r;
    if (Math.abs(M[piv * w + c]!) <= zeroA) continue;
    if (piv !== row) {
      for (let i = 0; i < w; i++) {
        const t = M[row * w + i]!;
        M[row * w + i] = M[piv * w + i]!;
        M[piv * w + i] = t;
      }
    }
    const d = M[row * w + c]!;
    for (let r = row + 1; r < neq; r++) {
      const f = M[r * w + c]! / d;
      if (f === 0) continue;
      for (let i = c; i < w; i++) M[r * w + i]! -= f * M[row * w + i]!;
    }
    row++;
  }
  // Rows row..neq−1 have a vanishing A-part; a non-zero right-hand side there is a contradiction 0 = β.
  for (let r = row; r < neq; r++) if (Math.abs(M[r * w + nz]!) > 1e-8 * (1 + bmax)) return { rank: row, inconsistent: true };
  return { rank: row, inconsistent: false };
}
