// Types of the batched QP layer (OptNet, Amos & Kolter 2017):
//   z* = argmin_z ½ zᵀQz + pᵀz   s.t.  G z ≤ h,  A z = b        (per batch element)
// with multipliers λ ≥ 0 (inequalities), ν (equalities), slack s = h − G z ≥ 0 and the sign convention
//   Q z + p + Gᵀλ + Aᵀν = 0,   λ ⊙ s = 0.
// Shapes: Q `[B, nz, nz]` or shared `[nz, nz]`; p `[B, nz]` | `[nz]`; G `[B, nineq, nz]` | `[nineq, nz]`;
// h `[B, nineq]` | `[nineq]`; A `[B, neq, nz]` | `[neq, nz]`; b `[B, neq]` | `[neq]`.

/** Per-problem outcome of the interior-point solve. */
export type QpStatus =
  /** KKT residual below `eps` (or below `tol` when progress stalled at rounding level). */
  | 'optimal'
  /** Stopped (iteration limit, stalled progress) without a small residual or an infeasibility certificate. */
  | 'max-iter'
  /** {Gz ≤ h, Az = b} is empty: a Farkas certificate λ ≥ 0, Gᵀλ + Aᵀν = 0, hᵀλ + bᵀν < 0 was found. */
  | 'primal-infeasible'
  /** The objective is unbounded below: a ray d with Qd = 0, Gd ≤ 0, Ad = 0, pᵀd < 0 was found. */
  | 'dual-infeasible'
  /** Q is not positive semidefinite (the problem is not convex). */
  | 'non-pd-Q';

/** How gradients of a shared (unbatched) parameter combine the batch: summed (default) or averaged (qpth). */
export type SharedGrad = 'sum' | 'mean';

export interface QpWarmStart {
  /** `[B, nz]` previous primal solution. */
  z: Float64Array;
  /** `[B, nineq]` previous inequality multipliers (default 1). */
  lam?: Float64Array;
  /** `[B, neq]` previous equality multipliers (default 0). */
  nu?: Float64Array;
}

export interface QpOptions {
  /** Stop when the KKT residual ‖Az−b‖ + ‖Gz+s−h‖ + ‖Qz+p+Gᵀλ+Aᵀν‖ + nineq·μ < eps (qpth's test). Default 1e-12. */
  eps?: number;
  /** Residual, relative to 1 + max(|p|, |h|, |b|), below which a stalled solve still counts as optimal. Default 1e-8. */
  tol?: number;
  /** Iteration limit per problem. Default 50. */
  maxIter?: number;
  /** Stop after this many iterations without a better residual. Default 10 (qpth: 3; the merit is not monotone). */
  notImprovedLim?: number;
  /** Start from a previous solution instead of qpth's least-squares initial point. */
  warmStart?: QpWarmStart;
  /** Slack and multipliers of a warm start are raised to at least this value. Default 1e-2. */
  warmStartFloor?: number;
  /**
   * Run the phase-1 feasibility QP (feasibility.ts) on problems that stop without converging or a certificate,
   * to tell 'primal-infeasible' from 'max-iter'. Default true.
   */
  phaseOne?: boolean;
}

/** Dense Float64 problem data; `*Stride` is 0 for a shared parameter. */
export interface QpBatch {
  B: number;
  nz: number;
  nineq: number;
  neq: number;
  Q: Float64Array;
  p: Float64Array;
  G: Float64Array;
  h: Float64Array;
  A: Float64Array;
  b: Float64Array;
  qS: number;
  pS: number;
  gS: number;
  hS: number;
  aS: number;
  bS: number;
}

/** Factorization of the reduced KKT system at the returned iterate, reused by the backward pass. */
export interface KktFactors {
  /** `[B, nz, nz]` lower Cholesky factor of H_I = Q + G_Iᵀ D_I G_I (constraints with dₖ ≤ SPLIT, kkt.ts). */
  L: Float64Array;
  /** `[B, nc, nz]` V = L⁻¹Cᵀ, C = [A; G_active], nc = neq + nineq (first neq + nAct rows used). */
  V: Float64Array;
  /** `[B, nc, nc]` lower Cholesky factor of the Schur complement M = VᵀV + diag(0, s/λ)_active. */
  M: Float64Array;
  /** `[B, nineq]` active-constraint indices (first nAct[b] entries) and 0/1 flags. */
  act: Int32Array;
  isAct: Uint8Array;
  nAct: Int32Array;
  /** `[B, nineq]` D = λ/s of the factored iterate. */
  d: Float64Array;
}

export interface QpSolution {
  B: number;
  nz: number;
  nineq: number;
  neq: number;
  /** `[B, nz]` */
  z: Float64Array;
  /** `[B, nineq]` */
  lam: Float64Array;
  /** `[B, neq]` */
  nu: Float64Array;
  /** `[B, nineq]` */
  s: Float64Array;
  status: QpStatus[];
  /** Iterations run per problem. */
  iterations: Int32Array;
  /** KKT residual (qpth's measure) of the returned iterate per problem. */
  residual: Float64Array;
  factors: KktFactors;
}

/** Gradients of a scalar loss w.r.t. each parameter, shaped like the inputs (shared ones reduced). */
export interface QpGrads {
  Q: Float64Array;
  p: Float64Array;
  G: Float64Array;
  h: Float64Array;
  A: Float64Array;
  b: Float64Array;
}

/** Raised by the tfjs layer when a problem is not solved, listing the failing batch elements. */
export class QpError extends Error {
  override name = 'QpError';
  constructor(
    message: string,
    readonly status: QpStatus[],
  ) {
    super(message);
  }
}
