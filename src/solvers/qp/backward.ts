// OptNet backward pass (Amos & Kolter 2017, eq. 8; qpth's QPFunction.backward) on Float64.
//
// For a loss L(z*) with cotangent w = ∂L/∂z* `[B, nz]`, solve the KKT system at the solution with the
// forward pass's factorization (kkt.ts, D = λ/s of the returned iterate), right-hand side (rx, rs, rz, ry) =
// (w, 0, 0, 0):   (Q + GᵀDG) dz + Aᵀdν = −w,  A dz = 0,  dλ = D G dz.   Then
//   ∂L/∂p = dz,   ∂L/∂Q = ½(dz z*ᵀ + z* dzᵀ) (symmetrized),   ∂L/∂G = dλ z*ᵀ + λ dzᵀ,   ∂L/∂h = −dλ,
//   ∂L/∂A = dν z*ᵀ + ν dzᵀ,   ∂L/∂b = −dν.
// qpth recomputes D with λ and s clamped at 1e-8; using the forward's own D gives the exact implicit gradient
// as the iterate converges (λᵢ/sᵢ → ∞ on active, → 0 on inactive constraints).
// Shared parameters (stride 0) get the SUM over the batch of the per-problem gradients (the gradient of the
// batch loss); `sharedGrad: 'mean'` divides by B instead, which is qpth's convention.
// Problems without a factorization (status 'non-pd-Q', or no iterate ever factored) get zero gradients.
import { solveKkt, type KktWork } from './kkt.ts';
import type { QpBatch, QpGrads, QpSolution, SharedGrad } from './types.ts';

/** Gradients of L w.r.t. Q, p, G, h, A, b (shared ones reduced to their base shape). */
export function qpBackward(prob: QpBatch, sol: QpSolution, w: Float64Array, sharedGrad: SharedGrad = 'sum'): QpGrads {
  const { B, nz, nineq: m, neq } = prob;
  if (w.length !== B * nz) throw new Error(`qpBackward: cotangent w must have ${B * nz} entries ([B, nz] = [${B}, ${nz}]), got ${w.length}`);
  if (sharedGrad !== 'sum' && sharedGrad !== 'mean') throw new Error(`sharedGrad: expected 'sum' or 'mean' (got ${String(sharedGrad)})`);
  const size = (stride: number, base: number) => (stride === 0 ? base : B * base);
  const gQ = new Float64Array(size(prob.qS, nz * nz));
  const gp = new Float64Array(size(prob.pS, nz));
  const gG = new Float64Array(size(prob.gS, m * nz));
  const gh = new Float64Array(size(prob.hS, m));
  const gA = new Float64Array(size(prob.aS, neq * nz));
  const gb = new Float64Array(size(prob.bS, neq));
  const dx = new Float64Array(nz), ds = new Float64Array(m), dl = new Float64Array(m), dn = new Float64Array(neq);
  const zero = new Float64Array(Math.max(m, neq));
  const rx = new Float64Array(nz);
  const { L, V, M, act, isAct, nAct, d } = sol.factors;
  const nc = neq + m;
  const mu = new Float64Array(nc);
  for (let bi = 0; bi < B; bi++) {
    if (!Number.isFinite(sol.residual[bi]!) || sol.status[bi] === 'non-pd-Q') continue;
    const zo = bi * nz, lo = bi * m, no = bi * neq;
    for (let i = 0; i < nz; i++) rx[i] = w[zo + i]!;
    const work: KktWork = {
      H: L.subarray(bi * nz * nz, (bi + 1) * nz * nz),
      V: V.subarray(bi * nc * nz, (bi + 1) * nc * nz),
      M: M.subarray(bi * nc * nc, (bi + 1) * nc * nc),
      act: act.subarray(lo, lo + m),
      isAct: isAct.subarray(lo, lo + m),
      nAct: nAct[bi]!,
    };
    solveKkt(prob.G, bi * prob.gS, d.subarray(lo, lo + m), nz, m, neq, work, rx, zero, zero, zero, dx, ds, dl, dn, mu);
    const z = sol.z, lam = sol.lam, nu = sol.nu;
    const pq = bi * (prob.qS ? nz * nz : 0);
    for (let i = 0; i < nz; i++) {
      const dxi = dx[i]!, zi = z[zo + i]!;
      const r = pq + i * nz;
      for (let j = 0; j < nz; j++) gQ[r + j]! += 0.5 * (dxi * z[zo + j]! + zi * dx[j]!);
    }
    const pp = prob.pS ? bi * nz : 0;
    for (let i = 0; i < nz; i++) gp[pp + i]! += dx[i]!;
    const pg = prob.gS ? bi * m * nz : 0;
    const ph = prob.hS ? bi * m : 0;
    for (let k = 0; k < m; k++) {
      const dlk = dl[k]!, lk = lam[lo + k]!;
      const r = pg + k * nz;
      for (let i = 0; i < nz; i++) gG[r + i]! += dlk * z[zo + i]! + lk * dx[i]!;
      gh[ph + k]! -= dlk;
    }
    const pa = prob.aS ? bi * neq * nz : 0;
    const pb = prob.bS ? bi * neq : 0;
    for (let r = 0; r < neq; r++) {
      const dnr = dn[r]!, nr = nu[no + r]!;
      const o = pa + r * nz;
      for (let i = 0; i < nz; i++) gA[o + i]! += dnr * z[zo + i]! + nr * dx[i]!;
      gb[pb + r]! -= dnr;
    }
  }
  if (sharedGrad === 'mean' && B > 1) {
    const strides: Array<[number, Float64Array]> = [[prob.qS, gQ], [prob.pS, gp], [prob.gS, gG], [prob.hS, gh], [prob.aS, gA], [prob.bS, gb]];
    for (const [stride, g] of strides) if (stride === 0) for (let i = 0; i < g.length; i++) g[i]! /= B;
  }
  return { Q: gQ, p: gp, G: gG, h: gh, A: gA, b: gb };
}
