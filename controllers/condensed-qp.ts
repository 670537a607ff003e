// Condensed Hessian of an MPC problem's local quadratic model, by backward recursion in O(H²) blocks.
//
// With δx_0 = 0 and δx_{t+1} = A_t δx_t + B_t δu_t, the sensitivities S_{t,i} = ∂x_t/∂u_i = A_{t−1}⋯A_{i+1} B_i
// (i < t), and stage Hessians [Hxx_t Hxu_t; Hux_t Huu_t] of c(x_t, u_t) (terminal Hessian H_T of c_T(x_H)),
//   Q = Σ_t [S_t; E_t]ᵀ H_t [S_t; E_t] + S_Hᵀ H_T S_H   (E_t picks u_t)
// is computed blockwise (nu × nu blocks Q_ij, i ≤ j) from P_H = H_T, P_t = Hxx_t + A_tᵀ P_{t+1} A_t:
//   Q_jj = Huu_j + B_jᵀ P_{j+1} B_j,
//   Q_ij = S_{j,i}ᵀ N_j  with  N_j = A_jᵀ P_{j+1} B_j + Hxu_j,  i < j,
// where S_{j,i}ᵀ N_j = B_iᵀ Z_i, Z_{j−1} = N_j, Z_{i−1} = A_iᵀ Z_i: (H²/2)·(nx²·nu + nx·nu²) multiply-adds per
// problem instead of H·(H·nu)²·(nx + nu) for the dense products, fewer where A and B have zeros (the O(H²)
// products skip the entries that are zero at every step). Then ρ·I is added and Q symmetrized.

/** Stage matrices of B problems, row b·H + t (k = nx + nu). */
export interface CondenseInput {
  /** `[B·H, nx, nx]` */
  A: Float64Array;
  /** `[B·H, nx, nu]` */
  B: Float64Array;
  /** `[B·H, k, k]` stage Hessians w.r.t. (x_t, u_t). */
  stage: Float64Array;
  /** `[B, nx, nx]` terminal Hessian, if any. */
  terminal?: Float64Array;
}

/** (row, column) pairs, flattened, of the entries of `[R, r, c]` matrices that are nonzero in any of them. */
function nonzeros(M: Float64Array, R: number, rows: number, cols: number): Int32Array {
  const any = new Uint8Array(rows * cols);
  for (let q = 0; q < R; q++) for (let e = 0; e < rows * cols; e++) if (M[q * rows * cols + e] !== 0) any[e] = 1;
  const out: number[] = [];
  for (let e = 0; e < rows * cols; e++) if (any[e]) out.push(Math.floor(e / cols), e % cols);
  return Int32Array.from(out);
}

/**
 * Q `[B, n, n]` (n = H·nu) of the condensed QP, plus ρ·I with ρ = `rho` or 1e-6·(1 + max Qᵢᵢ) per problem.
 */
export function condenseHessian(m: CondenseInput, Bn: number, H: number, nx: number, nu: number, rho: number | undefined): Float64Array {
  const n = H * nu, k = nx + nu;
  const Q = new Float64Array(Bn * n * n);
  const P = new Float64Array(nx * nx), P2 = new Float64Array(nx * nx), PA = new Float64Array(nx * nx);
  const PB = new Float64Array(nx * nu), Z = new Float64Array(nx * nu), Z2 = new Float64Array(nx * nu), blk = new Float64Array(nu * nu);
  // The O(H²) products run over the entries (s, r) of A and B that are nonzero at some step (most
  // transitions' Jacobians are sparse: a position depends on its own velocity only).
  const aNz = nonzeros(m.A, Bn * H, nx, nx), bNz = nonzeros(m.B, Bn * H, nx, nu);
  const { A, B: Bm, stage } = m;
  for (let b = 0; b < Bn; b++) {
    const qo = b * n * n;
    if (m.terminal) P.set(m.terminal.subarray(b * nx * nx, (b + 1) * nx * nx));
    else P.fill(0);
    for (let j = H - 1; j >= 0; j--) {
      const row = b * H + j;
      const ao = row * nx * nx, bo = row * nx * nu, ho = row * k * k;
      // PB = P_{j+1} B_j
      for (let r = 0; r < nx; r++) {
        for (let c = 0; c < nu; c++) {
          let acc = 0;
          for (let s = 0; s < nx; s++) acc += P[r * nx + s]! * Bm[bo + s * nu + c]!;
          PB[r * nu + c] = acc;
        }
      }
      // Q_jj = Huu_j + B_jᵀ PB
      for (let r = 0; r < nu; r++) {
        for (let c = 0; c < nu; c++) {
          let acc = stage[ho + (nx + r) * k + nx + c]!;
          for (let s = 0; s < nx; s++) acc += Bm[bo + s * nu + r]! * PB[s * nu + c]!;
          Q[qo + (j * nu + r) * n + j * nu + c] = acc;
        }
      }
      if (j > 0) {
        // Z = N_j = A_jᵀ PB + Hxu_j, then Q_ij = B_iᵀ Z_i for i = j−1 … 0.
        for (let r = 0; r < nx; r++) {
          for (let c = 0; c < nu; c++) {
            let acc = stage[ho + r * k + nx + c]!;
            for (let s = 0; s < nx; s++) acc += A[ao + s * nx + r]! * PB[s * nu + c]!;
            Z[r * nu + c] = acc;
          }
        }
        for (let i = j - 1; i >= 0; i--) {
          const ri = b * H + i;
          const bi = ri * nx * nu, ai = ri * nx * nx;
          for (let e = 0; e < nu * nu; e++) blk[e] = 0;
          for (let e = 0; e < bNz.length; e += 2) {
            const sIdx = bNz[e]!, r = bNz[e + 1]!;
            const v = Bm[bi + sIdx * nu + r]!;
            for (let c = 0; c < nu; c++) blk[r * nu + c]! += v * Z[sIdx * nu + c]!;
          }
          for (let r = 0; r < nu; r++) {
            for (let c = 0; c < nu; c++) {
              const v = blk[r * nu + c]!;
              Q[qo + (i * nu + r) * n + j * nu + c] = v;
              Q[qo + (j * nu + c) * n + i * nu + r] = v;
            }
          }
          if (i === 0) break;
          // Z ← A_iᵀ Z
          Z2.fill(0);
          for (let e = 0; e < aNz.length; e += 2) {
            const sIdx = aNz[e]!, r = aNz[e + 1]!;
            const v = A[ai + sIdx * nx + r]!;
            for (let c = 0; c < nu; c++) Z2[r * nu + c]! += v * Z[sIdx * nu + c]!;
          }
          Z.set(Z2);
        }
        // P_j = Hxx_j + A_jᵀ P_{j+1} A_j (not needed at j = 0: x_0 is fixed).
        for (let r = 0; r < nx; r++) {
          for (let c = 0; c < nx; c++) {
            let acc = 0;
            for (let s = 0; s < nx; s++) acc += P[r * nx + s]! * A[ao + s * nx + c]!;
            PA[r * nx + c] = acc;
          }
        }
        for (let r = 0; r < nx; r++) {
          for (let c = 0; c < nx; c++) {
            let acc = stage[ho + r * k + c]!;
            for (let s = 0; s < nx; s++) acc += A[ao + s * nx + r]! * PA[s * nx + c]!;
            P2[r * nx + c] = acc;
          }
        }
        P.set(P2);
      }
    }
    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, Q[qo + i * n + i]!);
    const reg = rho ?? 1e-6 * (1 + dmax);
    for (let i = 0; i < n; i++) {
      Q[qo + i * n + i]! += reg;
      for (let j = 0; j < i; j++) Q[qo + i * n + j] = Q[qo + j * n + i] = 0.5 * (Q[qo + i * n + j]! + Q[qo + j * n + i]!);
    }
  }
  return Q;
}
