// Box-constrained convex QP by projected Newton (Bertsekas, "Projected Newton methods for optimization
// problems with simple constraints", SIAM J. Control Optim. 1982; the boxQP of Tassa, Mansard & Todorov,
// ICRA 2014), per batch element:
//   z* = argmin_z ½ zᵀQz + pᵀz   s.t.  lo ≤ z ≤ hi          (Q symmetric positive definite)
// From a start projected into the box, each iteration takes g = Qz + p, clamps the coordinates at a bound
// whose gradient pushes outward (z_i = lo_i, g_i > 0 or z_i = hi_i, g_i < 0), takes the Newton step on the
// free ones, dz_f = −Q_ff⁻¹ g_f (Cholesky of Q_ff, refactored only when the free set changes), and
// backtracks α ∈ {1, ½, ¼, …} along the projected arc z(α) = Π(z + α dz) until the Armijo condition
// f(z(α)) ≤ f(z) + 10⁻⁴ gᵀ(z(α) − z) holds. On the optimal active set one full step is exact, so
// from a warm start near the solution (an SQP iterate) it usually ends in one to three factorizations, where
// an interior-point method takes ten or more. It stops when the KKT conditions hold to
// tol·(1 + max|p| + max|Q|·max|z|): free gradients below it, clamped ones pointing outward.
// Status: 'optimal'; 'non-pd-Q' when a Cholesky factorization of Q_ff fails (Q only semidefinite, or
// indefinite); 'max-iter' otherwise (including a failed line search). solveBoxQpWithFallback hands those
// problems to the interior-point solver (pdipm.ts, G = [I; −I], h = [hi; −lo]), which also takes semidefinite Q.
import { choleskyInPlace } from '../../linalg/cholesky.ts';
import { lowerSolve, lowerTSolve } from '../../linalg/triangular.ts';
import { solveQpBatch } from './pdipm.ts';
import { packQp } from './problem.ts';
import type { QpOptions, QpStatus } from './types.ts';

export interface BoxQpBatch {
  B: number;
  n: number;
  /** `[B, n, n]` symmetric positive definite. */
  Q: Float64Array;
  /** `[B, n]` */
  p: Float64Array;
  /** `[n]` bounds shared over the batch, lo ≤ hi. */
  lo: Float64Array;
  hi: Float64Array;
  /** `[B, n]` start (projected into the box); default the box centre. */
  start?: Float64Array;
}

export interface BoxQpOptions {
  /** Relative KKT tolerance (default 1e-10). */
  tol?: number;
  /** Newton iterations per problem (default 50). */
  maxIter?: number;
}

export interface BoxQpSolution {
  /** `[B, n]` */
  z: Float64Array;
  status: QpStatus[];
  /** Newton iterations per problem. */
  iterations: Int32Array;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACK = 30;

/** Solves every box QP of the batch by projected Newton. */
export function solveBoxQpBatch(prob: BoxQpBatch, opts: BoxQpOptions = {}): BoxQpSolution {
  const { B, n, Q, p, lo, hi, start } = prob;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 50;
  if (!(tol > 0)) throw new Error(`BoxQpOptions.tol: expected a positive number (got ${tol})`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`BoxQpOptions.maxIter: expected an integer ≥ 1 (got ${maxIter})`);
  if (Q.length !== B * n * n || p.length !== B * n) throw new Error(`solveBoxQpBatch: Q must have [B, n, n] = ${B * n * n} and p [B, n] = ${B * n} entries (got ${Q.length}, ${p.length})`);
  if (lo.length !== n || hi.length !== n) throw new Error(`solveBoxQpBatch: lo and hi must have n = ${n} entries (got ${lo.length}, ${hi.length})`);
  for (let i = 0; i < n; i++) if (!(lo[i]! <= hi[i]!)) throw new Error(`solveBoxQpBatch: lo[${i}] = ${lo[i]} exceeds hi[${i}] = ${hi[i]}`);
  if (start && start.length !== B * n) throw new Error(`solveBoxQpBatch: start must have [B, n] = ${B * n} entries (got ${start.length})`);

  const zOut = new Float64Array(B * n);
  const status: QpStatus[] = new Array(B);
  const iterations = new Int32Array(B);
  const z = new Float64Array(n), g = new Float64Array(n), gn = new Float64Array(n), dz = new Float64Array(n), zn = new Float64Array(n);
  const L = new Float64Array(n * n);
  const free = new Int32Array(n), rhs = new Float64Array(n);
  const isFree = new Uint8Array(n), wasFree = new Uint8Array(n);
  let boundMax = 0;
  for (let i = 0; i < n; i++) boundMax = Math.max(boundMax, Math.abs(lo[i]!), Math.abs(hi[i]!));

  for (let b = 0; b < B; b++) {
    const qo = b * n * n, po = b * n;
    for (let i = 0; i < n; i++) {
      const s = start ? start[po + i]! : 0.5 * (lo[i]! + hi[i]!);
      z[i] = s < lo[i]! ? lo[i]! : s > hi[i]! ? hi[i]! : s;
    }
    let qmax = 0, pmax = 0; // max |Q_ij| = max Q_ii for a positive definite Q
    for (let i = 0; i < n; i++) qmax = Math.max(qmax, Math.abs(Q[qo + i * n + i]!));
    for (let i = 0; i < n; i++) pmax = Math.max(pmax, Math.abs(p[po + i]!));
    const gtol = tol * (1 + pmax + qmax * Math.max(boundMax, 1));
    // g = Qz + p and f = ½zᵀ(g + p) of a point, in one pass over Q.
    const evaluate = (x: Float64Array, gx: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let acc = p[po + i]!;
        const qi = qo + i * n;
        for (let j = 0; j < n; j++) acc += Q[qi + j]! * x[j]!;
        gx[i] = acc;
        f += 0.5 * x[i]! * (acc + p[po + i]!);
      }
      return f;
    };
    let st: QpStatus = 'max-iter';
    let nf = -1; // size of the factored free set (−1: none yet)
    let fz = evaluate(z, g);
    let it = 0;
    for (; it < maxIter; it++) {
      let m = 0, gfree = 0;
      for (let i = 0; i < n; i++) {
        const clamped = (z[i]! <= lo[i]! && g[i]! > 0) || (z[i]! >= hi[i]! && g[i]! < 0);
        isFree[i] = clamped ? 0 : 1;
        if (!clamped) {
          free[m++] = i;
          gfree = Math.max(gfree, Math.abs(g[i]!));
        }
      }
      if (gfree <= gtol) {
        st = 'optimal';
        break;
      }
      let same = nf === m;
      for (let i = 0; i < n && same; i++) same = isFree[i] === wasFree[i];
      if (!same) {
        for (let a = 0; a < m; a++) {
          const qa = qo + free[a]! * n;
          for (let c = 0; c <= a; c++) L[a * m + c] = Q[qa + free[c]!]!;
        }
        if (choleskyInPlace(L, 0, m) !== 0) {
          st = 'non-pd-Q';
          break;
        }
        nf = m;
        wasFree.set(isFree);
      }
      for (let a = 0; a < m; a++) rhs[a] = -g[free[a]!]!;
      lowerSolve(L, 0, m, rhs, 0);
      lowerTSolve(L, 0, m, rhs, 0);
      dz.fill(0);
      for (let a = 0; a < m; a++) dz[free[a]!] = rhs[a]!;
      // Backtracking along the projected arc.
      let alpha = 1;
      let accepted = false;
      for (let k = 0; k < MAX_BACKTRACK; k++) {
        let dec = 0;
        for (let i = 0; i < n; i++) {
          const v = z[i]! + alpha * dz[i]!;
          const c = v < lo[i]! ? lo[i]! : v > hi[i]! ? hi[i]! : v;
          zn[i] = c;
          dec += g[i]! * (c - z[i]!);
        }
        const fn = evaluate(zn, gn);
        if (fn <= fz + ARMIJO * dec) {
          accepted = true;
          fz = fn;
          break;
        }
        alpha *= 0.5;
      }
      if (!accepted) break;
      z.set(zn);
      g.set(gn);
    }
    iterations[b] = Math.min(it + 1, maxIter);
    status[b] = st;
    zOut.set(z, po);
  }
  return { z: zOut, status, iterations };
}

/**
 * Box QPs by projected Newton; the problems it does not solve go to the interior-point solver with `qp`
 * options. `fallback` lists those problems' indices.
 */
/** The box lo ≤ z ≤ hi as inequalities G z ≤ h: G = [I; −I] `[2n, n]`, h = [hi; −lo] `[2n]`. */
export function boxInequalities(lo: ArrayLike<number>, hi: ArrayLike<number>): { G: Float64Array; h: Float64Array } {
  const n = lo.length;
  const G = new Float64Array(2 * n * n), h = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    G[i * n + i] = 1;
    G[(n + i) * n + i] = -1;
    h[i] = hi[i]!;
    h[n + i] = -lo[i]!;
  }
  return { G, h };
}

export function solveBoxQpWithFallback(prob: BoxQpBatch, opts: BoxQpOptions = {}, qp?: QpOptions): BoxQpSolution & { fallback: number[] } {
  const box = solveBoxQpBatch(prob, opts);
  const fallback = box.status.flatMap((s, b) => (s === 'optimal' ? [] : [b]));
  if (fallback.length === 0) return { ...box, fallback };
  const { n, Q, p, lo, hi } = prob;
  const R = fallback.length;
  const Qr = new Float64Array(R * n * n), pr = new Float64Array(R * n);
  fallback.forEach((b, r) => {
    Qr.set(Q.subarray(b * n * n, (b + 1) * n * n), r * n * n);
    pr.set(p.subarray(b * n, (b + 1) * n), r * n);
  });
  const { G, h } = boxInequalities(lo, hi);
  const sol = solveQpBatch(packQp({ Q: { data: Qr, shape: [R, n, n] }, p: { data: pr, shape: [R, n] }, G: { data: G, shape: [2 * n, n] }, h: { data: h, shape: [2 * n] } }), qp);
  fallback.forEach((b, r) => {
    box.z.set(sol.z.subarray(r * n, (r + 1) * n), b * n);
    box.status[b] = sol.status[r]!;
    box.iterations[b]! += sol.iterations[r]!;
  });
  return { ...box, fallback };
}
