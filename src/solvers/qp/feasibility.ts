// Phase-1 feasibility test for a QP that stopped without converging and without a Farkas certificate.
//
// The infeasible-start interior-point method has no homogeneous embedding, so on an infeasible problem its
// multipliers may grow too slowly for the certificate test (certificates.ts) before progress stalls. The
// phase-1 problem over (z, t) ∈ R^{nz+1},
//   min_{z,t}  t + (δ/2)(‖z‖² + t²)   s.t.  G z − t·1 ≤ h,  −t ≤ 0,  A z = b        (δ = 1e-9)
// is always strictly feasible (any z with Az = b and t large), bounded (t ≥ 0) and strongly convex, so the same
// solver converges on it; its optimum t* = min_z max_k (G_k z − h_k)₊ (up to the δ term) is 0 iff {Gz ≤ h, Az = b}
// is non-empty. We call the problem primal-infeasible when t* > 1e-7·(1 + max|h| + max|b|).
import type { QpBatch, QpOptions, QpSolution } from './types.ts';

const DELTA = 1e-9;

/** Whether problem `bi` of `prob` has an empty feasible set, decided by the phase-1 QP. */
export function phaseOneInfeasible(
  prob: QpBatch, bi: number, solve: (p: QpBatch, o: QpOptions) => QpSolution, opts: QpOptions,
): boolean {
  const { nz, nineq: m, neq } = prob;
  const n1 = nz + 1;
  const go = bi * prob.gS, ho = bi * prob.hS, ao = bi * prob.aS, bo = bi * prob.bS;
  const Q = new Float64Array(n1 * n1);
  for (let i = 0; i < n1; i++) Q[i * n1 + i] = DELTA;
  const p = new Float64Array(n1);
  p[nz] = 1;
  const G = new Float64Array((m + 1) * n1), h = new Float64Array(m + 1);
  let scale = 1;
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < nz; i++) G[k * n1 + i] = prob.G[go + k * nz + i]!;
    G[k * n1 + nz] = -1;
    h[k] = prob.h[ho + k]!;
    scale = Math.max(scale, 1 + Math.abs(h[k]!));
  }
  G[m * n1 + nz] = -1;
  const A = new Float64Array(neq * n1), b = new Float64Array(neq);
  for (let r = 0; r < neq; r++) {
    for (let i = 0; i < nz; i++) A[r * n1 + i] = prob.A[ao + r * nz + i]!;
    b[r] = prob.b[bo + r]!;
    scale = Math.max(scale, 1 + Math.abs(b[r]!));
  }
  const sub: QpBatch = {
    B: 1, nz: n1, nineq: m + 1, neq, Q, p, G, h, A, b, qS: 0, pS: 0, gS: 0, hS: 0, aS: 0, bS: 0,
  };
  const sol = solve(sub, { ...opts, warmStart: undefined, maxIter: Math.max(opts.maxIter ?? 50, 100), phaseOne: false });
  if (sol.status[0] !== 'optimal') return false;
  return sol.z[nz]! > 1e-7 * scale;
}
