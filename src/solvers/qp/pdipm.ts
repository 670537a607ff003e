// Batched primal–dual interior-point QP solver on Float64 (Mehrotra predictor–corrector), as qpth's
// PDIPM_BATCHED (Amos & Kolter, "OptNet", ICML 2017) and CVXGEN (Mattingley & Boyd, 2012).
//
// Problem, per batch element:   z* = argmin_z ½ zᵀQz + pᵀz   s.t.  G z + s = h, s ≥ 0,  A z = b.
// Iterate (x, s, λ, ν) with s, λ > 0. Residuals
//   rx = Qx + p + Gᵀλ + Aᵀν,   rz = Gx + s − h,   ry = Ax − b,   μ = sᵀλ / nineq,
// and qpth's merit ‖ry‖ + ‖rz‖ + ‖rx‖ + nineq·μ. Each iteration factors the reduced KKT matrix once
// (kkt.ts: H = Q + Gᵀ diag(λ/s) G split into inactive rows folded into H and active rows + equalities in a
// Schur complement) and solves with it twice:
//   1. predictor (affine) direction with rs = λ (targets s ⊙ λ = 0); largest α ≤ 1 keeping s, λ ≥ 0;
//   2. centering σ = ((s + α ds)ᵀ(λ + α dλ) / sᵀλ)³ and the corrector right-hand side
//      rs = λ + (−σμ + ds_aff ⊙ dλ_aff) / s, whose solution is the combined Mehrotra direction;
//   3. step 0.999·(largest feasible α), capped at 1.
// Start (qpth): the solution of the system with D = I and rhs (p, 0, −h, −b), with s and λ shifted to ≥ 1 when
// negative; or a warm start (previous z, λ, ν; s = h − Gz; s, λ raised to a floor).
// Each problem iterates independently and keeps its best iterate (lowest merit) and that iterate's
// factorization, which the backward pass (backward.ts) reuses. It stops when the merit is below `eps`, after
// `notImprovedLim` iterations without improvement, at `maxIter`, when μ > 1e32, or when a factorization fails
// (H is retried once with a small diagonal shift, which keeps PSD-singular Q, LPs included, going).
// Status: 'non-pd-Q' if Q + τI (τ = 1e-9·max(1, max Qᵢᵢ)) has no Cholesky factor (Q indefinite); otherwise
// 'optimal' if the merit reached `eps`, or `tol`·(1 + max|p|, |h|, |b|) when progress stalled; otherwise the
// infeasibility certificates of certificates.ts on the last iterate ('primal-infeasible', 'dual-infeasible');
// otherwise the rank test of equality-consistency.ts ('primal-infeasible' if Az = b alone has no solution);
// otherwise the phase-1 feasibility QP of feasibility.ts ('primal-infeasible' if {Gz ≤ h, Az = b} is empty);
// otherwise 'max-iter'. The returned z, λ, ν, s are always finite.
import { choleskyInPlace } from '../../linalg/cholesky.ts';
import { detectDualInfeasible, detectPrimalInfeasible } from './certificates.ts';
import { equalitiesInconsistent } from './equality-consistency.ts';
import { phaseOneInfeasible } from './feasibility.ts';
import { factorKkt, kktWork, releaseKktWork, solveKkt } from './kkt.ts';
import type { QpBatch, QpOptions, QpSolution, QpStatus } from './types.ts';

/** Largest α ∈ (0, ∞] with v + α dv ≥ 0 (Infinity when no component decreases). */
function maxStep(v: Float64Array, dv: Float64Array, m: number): number {
  let a = Infinity;
  for (let k = 0; k < m; k++) {
    const dk = dv[k]!;
    if (dk < 0) {
      const r = -v[k]! / dk;
      if (r < a) a = r;
    }
  }
  return a;
}

function norm2(v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function maxAbs(v: Float64Array, o: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(v[o + i]!));
  return s;
}

/** Whether the symmetric Q at `qo` is positive semidefinite up to τ = 1e-9·max(1, max Qᵢᵢ). */
function isPsd(Q: Float64Array, qo: number, nz: number, work: Float64Array): boolean {
  let dmax = 1;
  for (let i = 0; i < nz; i++) dmax = Math.max(dmax, Math.abs(Q[qo + i * nz + i]!));
  for (let i = 0; i < nz * nz; i++) work[i] = Q[qo + i]!;
  for (let i = 0; i < nz; i++) work[i * nz + i]! += 1e-9 * dmax;
  return choleskyInPlace(work, 0, nz) === 0;
}

/** Solves every QP of the batch. */
export function solveQpBatch(prob: QpBatch, opts: QpOptions = {}): QpSolution {
  const { B, nz, nineq: m, neq } = prob;
  const eps = opts.eps ?? 1e-12;
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 50;
  const lim = opts.notImprovedLim ?? 10;
  const warm = opts.warmStart;
  const floor = opts.warmStartFloor ?? 1e-2;
  if (!(eps > 0)) throw new Error(`QpOptions.eps: expected a positive number (got ${eps})`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`QpOptions.maxIter: expected an integer ≥ 1 (got ${maxIter})`);
  if (!Number.isInteger(lim) || lim < 1) throw new Error(`QpOptions.notImprovedLim: expected an integer ≥ 1 (got ${lim})`);
  if (warm) {
    if (warm.z.length !== B * nz) throw new Error(`warmStart.z: expected ${B * nz} entries ([B, nz] = [${B}, ${nz}]) but got ${warm.z.length}`);
    if (warm.lam && warm.lam.length !== B * m) throw new Error(`warmStart.lam: expected ${B * m} entries ([B, nineq] = [${B}, ${m}]) but got ${warm.lam.length}`);
    if (warm.nu && warm.nu.length !== B * neq) throw new Error(`warmStart.nu: expected ${B * neq} entries ([B, neq] = [${B}, ${neq}]) but got ${warm.nu.length}`);
  }
  const { Q, p, G, h, A, b } = prob;

  // Outputs.
  const zOut = new Float64Array(B * nz);
  const lamOut = new Float64Array(B * m);
  const nuOut = new Float64Array(B * neq);
  const sOut = new Float64Array(B * m);
  const status: QpStatus[] = new Array(B);
  const iterations = new Int32Array(B);
  const residual = new Float64Array(B);
  const nc = neq + m;
  const Lout = new Float64Array(B * nz * nz);
  const Vout = new Float64Array(B * nc * nz);
  const Mout = new Float64Array(B * nc * nc);
  const actOut = new Int32Array(B * m);
  const isActOut = new Uint8Array(B * m);
  const nActOut = new Int32Array(B);
  const dOut = new Float64Array(B * m);

  // Workspace, reused by every problem.
  const x = new Float64Array(nz), s = new Float64Array(m), z = new Float64Array(m), y = new Float64Array(neq);
  const rx = new Float64Array(nz), rs = new Float64Array(m), rz = new Float64Array(m), ry = new Float64Array(neq);
  const d = new Float64Array(m);
  const dxa = new Float64Array(nz), dsa = new Float64Array(m), dza = new Float64Array(m), dya = new Float64Array(neq);
  const dx = new Float64Array(nz), ds = new Float64Array(m), dz = new Float64Array(m), dy = new Float64Array(neq);
  const w = kktWork(nz, m, neq);
  const H = w.H;
  const muW = new Float64Array(nc);
  const zeroM = new Float64Array(m);

  // The kernels' memory goes back to the pool however the loop ends (every factor is copied out).
  try {
    let psdChecked = -1;
    let psdShared = true;
    for (let bi = 0; bi < B; bi++) {
      const qo = bi * prob.qS, po = bi * prob.pS, go = bi * prob.gS, ho = bi * prob.hS, ao = bi * prob.aS, bo = bi * prob.bS;
      const zo = bi * nz, lo = bi * m, no = bi * neq;
      // Convexity check (once for a shared Q).
      let psd: boolean;
      if (prob.qS === 0 && psdChecked === 0) psd = psdShared;
      else {
        psd = isPsd(Q, qo, nz, H);
        psdChecked = 0;
        psdShared = psd;
      }
      if (!psd) {
        status[bi] = 'non-pd-Q';
        residual[bi] = Infinity;
        continue;
      }
      let dmax = 1;
      for (let i = 0; i < nz; i++) dmax = Math.max(dmax, Math.abs(Q[qo + i * nz + i]!));
      let gmax = 0;
      for (let i = 0; i < m * nz; i++) gmax = Math.max(gmax, Math.abs(G[go + i]!));
      const reg = 1e-9 * Math.max(dmax, gmax * gmax);
      const factor = (): number => {
        const r = factorKkt(Q, qo, G, go, A, ao, d, nz, m, neq, 0, w);
        return r === 1 ? factorKkt(Q, qo, G, go, A, ao, d, nz, m, neq, reg, w) : r;
      };

      // Initial point.
      if (warm) {
        for (let i = 0; i < nz; i++) x[i] = warm.z[zo + i]!;
        for (let k = 0; k < m; k++) {
          let acc = h[ho + k]!;
          const gk = go + k * nz;
          for (let i = 0; i < nz; i++) acc -= G[gk + i]! * x[i]!;
          s[k] = Math.max(acc, floor);
          z[k] = Math.max(warm.lam ? warm.lam[lo + k]! : 1, floor);
        }
        for (let r = 0; r < neq; r++) y[r] = warm.nu ? warm.nu[no + r]! : 0;
      } else {
        d.fill(1);
        for (let k = 0; k < m; k++) rz[k] = -h[ho + k]!;
        for (let r = 0; r < neq; r++) ry[r] = -b[bo + r]!;
        for (let i = 0; i < nz; i++) rx[i] = p[po + i]!;
        if (factor() === 0) {
          solveKkt(G, go, d, nz, m, neq, w, rx, zeroM, rz, ry, x, s, z, y, muW);
        } else {
          x.fill(0);
          y.fill(0);
          for (let k = 0; k < m; k++) s[k] = h[ho + k]!;
          z.fill(1);
        }
        let ms = Infinity, mz = Infinity;
        for (let k = 0; k < m; k++) {
          ms = Math.min(ms, s[k]!);
          mz = Math.min(mz, z[k]!);
        }
        if (ms <= 0) for (let k = 0; k < m; k++) s[k]! -= ms - 1;
        if (mz <= 0) for (let k = 0; k < m; k++) z[k]! -= mz - 1;
      }

      let best = Infinity;
      let notImproved = 0;
      let it = 0;
      let haveStep = false;
      for (; it < maxIter; it++) {
        // Residuals at the current iterate.
        for (let i = 0; i < nz; i++) {
          let acc = p[po + i]!;
          const qi = qo + i * nz;
          for (let j = 0; j < nz; j++) acc += Q[qi + j]! * x[j]!;
          rx[i] = acc;
        }
        let sz = 0;
        for (let k = 0; k < m; k++) {
          const gk = go + k * nz;
          const zk = z[k]!;
          let acc = s[k]! - h[ho + k]!;
          for (let i = 0; i < nz; i++) {
            const g = G[gk + i]!;
            acc += g * x[i]!;
            rx[i]! += g * zk;
          }
          rz[k] = acc;
          sz += s[k]! * zk;
        }
        for (let r = 0; r < neq; r++) {
          const ar = ao + r * nz;
          const yr = y[r]!;
          let acc = -b[bo + r]!;
          for (let i = 0; i < nz; i++) {
            const a = A[ar + i]!;
            acc += a * x[i]!;
            rx[i]! += a * yr;
          }
          ry[r] = acc;
        }
        const mu = m > 0 ? Math.abs(sz / m) : 0;
        const resid = norm2(ry, neq) + norm2(rz, m) + norm2(rx, nz) + m * mu;
        if (!Number.isFinite(resid)) break;
        for (let k = 0; k < m; k++) d[k] = z[k]! / s[k]!;
        if (factor() !== 0) break;
        if (resid < best) {
          best = resid;
          notImproved = 0;
          zOut.set(x, zo);
          lamOut.set(z, lo);
          sOut.set(s, lo);
          nuOut.set(y, no);
          const ncb = neq + w.nAct;
          Lout.set(H, bi * nz * nz);
          Vout.set(w.V.subarray(0, ncb * nz), bi * nc * nz);
          Mout.set(w.M.subarray(0, ncb * ncb), bi * nc * nc);
          actOut.set(w.act, lo);
          isActOut.set(w.isAct, lo);
          nActOut[bi] = w.nAct;
          dOut.set(d, lo);
        } else notImproved++;
        if (notImproved >= lim || best < eps || mu > 1e32) break;

        // Predictor.
        solveKkt(G, go, d, nz, m, neq, w, rx, z, rz, ry, dxa, dsa, dza, dya, muW);
        let alpha = Math.min(1, maxStep(z, dza, m), maxStep(s, dsa, m));
        let sig = 0;
        if (m > 0 && sz > 0) {
          let t3 = 0;
          for (let k = 0; k < m; k++) t3 += (s[k]! + alpha * dsa[k]!) * (z[k]! + alpha * dza[k]!);
          sig = Math.pow(t3 / sz, 3);
        }
        // Corrector (combined direction).
        for (let k = 0; k < m; k++) rs[k] = z[k]! + (-mu * sig + dsa[k]! * dza[k]!) / s[k]!;
        solveKkt(G, go, d, nz, m, neq, w, rx, rs, rz, ry, dx, ds, dz, dy, muW);
        alpha = Math.min(1, 0.999 * Math.min(maxStep(z, dz, m), maxStep(s, ds, m)));
        let finite = Number.isFinite(alpha);
        for (let i = 0; i < nz && finite; i++) finite = Number.isFinite(dx[i]!);
        if (!finite) break;
        for (let i = 0; i < nz; i++) x[i]! += alpha * dx[i]!;
        for (let k = 0; k < m; k++) {
          s[k]! += alpha * ds[k]!;
          z[k]! += alpha * dz[k]!;
        }
        for (let r = 0; r < neq; r++) y[r]! += alpha * dy[r]!;
        haveStep = true;
      }
      iterations[bi] = Math.min(it + 1, maxIter);
      if (best === Infinity) {
        // No iterate could be factored: return the (finite) start point.
        const fin = (v: Float64Array) => v.every((t) => Number.isFinite(t));
        zOut.set(fin(x) ? x : new Float64Array(nz), zo);
        lamOut.set(fin(z) ? z : new Float64Array(m).fill(1), lo);
        sOut.set(fin(s) ? s : new Float64Array(m).fill(1), lo);
        nuOut.set(fin(y) ? y : new Float64Array(neq), no);
      }
      residual[bi] = best;
      const scale = 1 + Math.max(maxAbs(p, po, nz), maxAbs(h, ho, m), maxAbs(b, bo, neq));
      if (best < eps || best <= tol * scale) status[bi] = 'optimal';
      else if (detectPrimalInfeasible(G, go, h, ho, A, ao, b, bo, nz, m, neq, z, y)) status[bi] = 'primal-infeasible';
      else if (
        detectDualInfeasible(Q, qo, p, po, G, go, A, ao, nz, m, neq, x) ||
        (haveStep && detectDualInfeasible(Q, qo, p, po, G, go, A, ao, nz, m, neq, dx))
      ) status[bi] = 'dual-infeasible';
      else if (neq > 0 && equalitiesInconsistent(A, ao, b, bo, neq, nz)) status[bi] = 'primal-infeasible';
      else if (opts.phaseOne !== false && m > 0 && phaseOneInfeasible(prob, bi, solveQpBatch, opts)) status[bi] = 'primal-infeasible';
      else status[bi] = 'max-iter';
    }
  } finally {
    releaseKktWork(w);
  }
  return {
    B, nz, nineq: m, neq,
    z: zOut, lam: lamOut, nu: nuOut, s: sOut,
    status, iterations, residual,
    factors: { L: Lout, V: Vout, M: Mout, act: actOut, isAct: isActOut, nAct: nActOut, d: dOut },
  };
}
