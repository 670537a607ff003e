// Reduced KKT system of the primal–dual interior-point method, for one problem, by block elimination.
//
// Newton system at (x, s, λ, ν) with D = diag(d), d = λ/s (qpth's form, the complementarity row divided by s):
//   [ Q  0  Gᵀ Aᵀ ] [dx]   [−rx]
//   [ 0  D  I  0  ] [ds] = [−rs]
//   [ G  I  0  0  ] [dλ]   [−rz]
//   [ A  0  0  0  ] [dν]   [−ry]
// Always ds = −rz − G dx and dλ = −rs − D ds. Near the solution d → ∞ on active and → 0 on inactive
// constraints, so folding every row into H = Q + GᵀDG (qpth's reduction) cancels catastrophically
// (≈ log10 max d digits lost). The constraints are therefore split by d: those with dₖ ≤ SPLIT (1e4, at most
// 4 digits lost) are folded into H_I = Q + G_Iᵀ D_I G_I; the others ("active", dₖ > SPLIT) stay as unknowns
// with the small diagonal E = D_a⁻¹, together with the equalities (C = [A; G_a], μ = [dν; dλ_a], Ē = diag(0, E)):
//   H_I dx + Cᵀμ = r₁ = −rx + G_Iᵀ(rs_I − D_I rz_I)
//   C dx − Ē μ  = e  = [−ry; −rz_a + E rs_a]
// With H_I = L Lᵀ, V = L⁻¹Cᵀ (rows V_r = L⁻¹C_r), t = L⁻¹r₁ and the Schur complement
//   M = C H_I⁻¹ Cᵀ + Ē = VᵀV + Ē = L_M L_Mᵀ:     M μ = Vᵀt − e,   dx = L⁻ᵀ(t − Vμ).
// This is the same Newton step as qpth's, solved stably in both limits. One factorization serves every
// right-hand side of an iteration (predictor, corrector) and the backward pass (backward.ts).
// From nz ≥ SIMD_MIN_NZ the factorization (the fold into H_I, both Cholesky factors, V and VᵀV: all of the
// O(nz³) work) runs in the WebAssembly SIMD kernels of src/linalg/dense-kernels.ts, which keep H, V and M in
// their memory and give the same bits as the JavaScript loops below.
import { choleskyInPlace } from '../../linalg/cholesky.ts';
import { acquireDenseKernels, releaseDenseKernels, type DenseKernels } from '../../linalg/dense-kernels.ts';
import { dot, lowerSolve, lowerTSolve } from '../../linalg/triangular.ts';

/** Constraints with dₖ = λₖ/sₖ above this are kept in the Schur complement (folding them loses ≈ log10 dₖ digits). */
export const SPLIT = 1e4;

/** Scratch: index of the first nonzero of each row of V (grown on demand). */
let firstNz = new Int32Array(0);

/** Smallest nz whose factorization runs in the SIMD kernels (below it the call overhead outweighs the lanes). */
export const SIMD_MIN_NZ = 16;

/** Per-problem factor storage: H `[nz, nz]`, V `[neq + nineq, nz]`, M `[neq + nineq, neq + nineq]` (used: nc = neq + nAct). */
export interface KktWork {
  H: Float64Array;
  V: Float64Array;
  M: Float64Array;
  /** Indices of the active constraints (first nAct entries). */
  act: Int32Array;
  /** 1 for active constraints, 0 otherwise `[nineq]`. */
  isAct: Uint8Array;
  nAct: number;
  /** The SIMD kernels, with H, V and M in their memory, when they run. */
  simd?: KktSimd;
}

/** Byte offsets of the factor storage in the kernels' memory, and views of the inputs copied there. */
interface KktSimd {
  k: DenseKernels;
  H: number;
  V: number;
  M: number;
  /** G `[nineq, nz]`, copied once per problem (`gFrom`, `gAt`: the array and offset it came from). */
  G: number;
  Gv: Float64Array;
  gFrom: Float64Array | null;
  gAt: number;
  /** d `[nineq]`. */
  d: number;
  dv: Float64Array;
  /** Inactive row indices `[nineq]` (i32), and the Gram kernel's scratch `[nc]` (i32). */
  rows: number;
  rowsv: Int32Array;
  first: number;
}

/**
 * Factor storage for problems of this size: in the SIMD kernels' memory from nz ≥ SIMD_MIN_NZ where they run
 * (hand it back with `releaseKktWork` once its factors are copied out).
 */
export function kktWork(nz: number, m: number, neq: number): KktWork {
  const nc = neq + m;
  // The layout in the kernels' memory: byte offsets, each region 16-byte aligned.
  let at = 0;
  const take = (bytes: number): number => {
    const o = at;
    at += Math.ceil(bytes / 16) * 16;
    return o;
  };
  const H = take(8 * nz * nz), V = take(8 * nc * nz), M = take(8 * nc * nc), G = take(8 * m * nz), d = take(8 * m);
  const rows = take(4 * m), first = take(4 * nc);
  const k = nz >= SIMD_MIN_NZ ? acquireDenseKernels(at) : null;
  if (!k) {
    return {
      H: new Float64Array(nz * nz),
      V: new Float64Array(nc * nz),
      M: new Float64Array(nc * nc),
      act: new Int32Array(m),
      isAct: new Uint8Array(m),
      nAct: 0,
    };
  }
  const buf = k.memory.buffer;
  return {
    H: new Float64Array(buf, H, nz * nz),
    V: new Float64Array(buf, V, nc * nz),
    M: new Float64Array(buf, M, nc * nc),
    act: new Int32Array(m),
    isAct: new Uint8Array(m),
    nAct: 0,
    simd: { k, H, V, M, G, Gv: new Float64Array(buf, G, m * nz), gFrom: null, gAt: 0, d, dv: new Float64Array(buf, d, m), rows, rowsv: new Int32Array(buf, rows, m), first },
  };
}

/**
 * Factors the system for the current d (+ reg·I on H_I). Returns 0 on success, 1 if H_I is not positive
 * definite, 2 if M is not (rank-deficient A).
 */
export function factorKkt(
  Q: Float64Array, qo: number, G: Float64Array, go: number, A: Float64Array, ao: number,
  d: Float64Array, nz: number, m: number, neq: number, reg: number, w: KktWork,
): number {
  const { H, V, M, act, isAct } = w;
  for (let i = 0; i < nz; i++) {
    const ri = i * nz;
    const qi = qo + ri;
    for (let j = 0; j <= i; j++) H[ri + j] = Q[qi + j]!;
    H[ri + i]! += reg;
  }
  if (w.simd) return factorSimd(G, go, A, ao, d, nz, m, neq, w, w.simd);
  let nAct = 0;
  let pending = -1; // an inactive row waiting for a partner: rows are folded two at a time
  for (let k = 0; k < m; k++) {
    if (d[k]! > SPLIT) {
      act[nAct++] = k;
      isAct[k] = 1;
      continue;
    }
    isAct[k] = 0;
    if (pending < 0) {
      pending = k;
      continue;
    }
    const d1 = d[pending]!, d2 = d[k]!;
    const g1 = go + pending * nz, g2 = go + k * nz;
    for (let i = 0; i < nz; i++) {
      const a1 = d1 * G[g1 + i]!, a2 = d2 * G[g2 + i]!;
      // Sparse rows (box bounds: one nonzero each) update one row of H instead of a triangle; adding the
      // skipped zero products would not change H.
      if (a1 === 0 && a2 === 0) continue;
      const ri = i * nz;
      for (let j = 0; j <= i; j++) H[ri + j]! += a1 * G[g1 + j]! + a2 * G[g2 + j]!;
    }
    pending = -1;
  }
  if (pending >= 0) {
    const d1 = d[pending]!;
    const g1 = go + pending * nz;
    for (let i = 0; i < nz; i++) {
      const a1 = d1 * G[g1 + i]!;
      if (a1 === 0) continue;
      const ri = i * nz;
      for (let j = 0; j <= i; j++) H[ri + j]! += a1 * G[g1 + j]!;
    }
  }
  w.nAct = nAct;
  if (choleskyInPlace(H, 0, nz) !== 0) return 1;
  const nc = neq + nAct;
  if (nc === 0) return 0;
  for (let r = 0; r < nc; r++) {
    const vr = r * nz;
    const src = r < neq ? ao + r * nz : go + act[r - neq]! * nz;
    const from = r < neq ? A : G;
    for (let i = 0; i < nz; i++) V[vr + i] = from[src + i]!;
    lowerSolve(H, 0, nz, V, vr);
  }
  // Rows of V keep the leading zeros of C's rows (lowerSolve), so each dot product starts at the later
  // first nonzero of its two rows.
  if (firstNz.length < nc) firstNz = new Int32Array(nc);
  for (let r = 0; r < nc; r++) {
    const vr = r * nz;
    let f = 0;
    while (f < nz && V[vr + f] === 0) f++;
    firstNz[r] = f;
  }
  for (let r = 0; r < nc; r++) {
    const vr = r * nz;
    const fr = firstNz[r]!;
    for (let c = 0; c <= r; c++) {
      const f = Math.max(fr, firstNz[c]!);
      M[r * nc + c] = dot(V, vr + f, V, c * nz + f, nz - f);
    }
    if (r >= neq) M[r * nc + r]! += 1 / d[act[r - neq]!]!;
  }
  return choleskyInPlace(M, 0, nc) === 0 ? 0 : 2;
}

/** Returns a work's kernel instance for reuse; the work's H, V and M must not be read afterwards. */
export function releaseKktWork(w: KktWork): void {
  if (w.simd) releaseDenseKernels(w.simd.k);
  w.simd = undefined;
}

/** factorKkt after H ← Q + reg·I, by the SIMD kernels: the same steps, the same bits. */
function factorSimd(G: Float64Array, go: number, A: Float64Array, ao: number, d: Float64Array, nz: number, m: number, neq: number, w: KktWork, s: KktSimd): number {
  const { V, M, act, isAct } = w;
  if (s.gFrom !== G || s.gAt !== go) {
    s.Gv.set(G.subarray(go, go + m * nz));
    s.gFrom = G;
    s.gAt = go;
  }
  let nAct = 0, nIn = 0;
  for (let k = 0; k < m; k++) {
    const dk = d[k]!;
    s.dv[k] = dk;
    if (dk > SPLIT) {
      act[nAct++] = k;
      isAct[k] = 1;
    } else {
      isAct[k] = 0;
      s.rowsv[nIn++] = k;
    }
  }
  w.nAct = nAct;
  s.k.fold(s.H, s.G, s.rows, nIn, s.d, nz);
  if (s.k.cholesky(s.H, nz) !== 0) return 1;
  const nc = neq + nAct;
  if (nc === 0) return 0;
  for (let r = 0; r < nc; r++) {
    if (r < neq) V.set(A.subarray(ao + r * nz, ao + (r + 1) * nz), r * nz);
    else V.set(s.Gv.subarray(act[r - neq]! * nz, (act[r - neq]! + 1) * nz), r * nz);
  }
  s.k.solveRows(s.H, nz, s.V, nc);
  s.k.gram(s.V, nc, nz, s.M, s.first);
  for (let r = neq; r < nc; r++) M[r * nc + r]! += 1 / d[act[r - neq]!]!;
  return s.k.cholesky(s.M, nc) === 0 ? 0 : 2;
}

/**
 * Solves the Newton system above for (dx, ds, dλ, dν) given residuals (rx, rs, rz, ry) and the factors.
 * `mu` `[neq + nineq]` is scratch. No output may alias an input.
 */
export function solveKkt(
  G: Float64Array, go: number, d: Float64Array, nz: number, m: number, neq: number, w: KktWork,
  rx: Float64Array, rs: Float64Array, rz: Float64Array, ry: Float64Array,
  dx: Float64Array, ds: Float64Array, dl: Float64Array, dn: Float64Array, mu: Float64Array,
): void {
  const { H, V, M, act, isAct } = w;
  const nAct = w.nAct;
  const nc = neq + nAct;
  for (let i = 0; i < nz; i++) dx[i] = -rx[i]!;
  for (let k = 0; k < m; k++) {
    if (isAct[k]) continue;
    const c = rs[k]! - d[k]! * rz[k]!;
    if (c === 0) continue;
    const gk = go + k * nz;
    for (let i = 0; i < nz; i++) dx[i]! += c * G[gk + i]!;
  }
  lowerSolve(H, 0, nz, dx, 0);
  if (nc > 0) {
    for (let r = 0; r < nc; r++) {
      let e: number;
      if (r < neq) e = -ry[r]!;
      else {
        const k = act[r - neq]!;
        e = -rz[k]! + rs[k]! / d[k]!;
      }
      let acc = -e;
      const vr = r * nz;
      for (let i = 0; i < nz; i++) acc += V[vr + i]! * dx[i]!;
      mu[r] = acc;
    }
    lowerSolve(M, 0, nc, mu, 0);
    lowerTSolve(M, 0, nc, mu, 0);
    for (let r = 0; r < nc; r++) {
      const c = mu[r]!;
      const vr = r * nz;
      for (let i = 0; i < nz; i++) dx[i]! -= c * V[vr + i]!;
    }
  }
  lowerTSolve(H, 0, nz, dx, 0);
  for (let r = 0; r < neq; r++) dn[r] = mu[r]!;
  for (let k = 0; k < m; k++) {
    const gk = go + k * nz;
    let acc = 0;
    for (let i = 0; i < nz; i++) acc += G[gk + i]! * dx[i]!;
    const dsk = -rz[k]! - acc;
    ds[k] = dsk;
    if (!isAct[k]) dl[k] = -rs[k]! - d[k]! * dsk;
  }
  for (let a = 0; a < nAct; a++) dl[act[a]!] = mu[neq + a]!;
}
