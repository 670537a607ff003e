// Reference check for qp.json (locuslab/qpth): every case through the Float64 core (solveQp + qpBackward)
// and the float32 tfjs op (qpLayer + tf.grads), held to the tolerances of ../shared/reference/README.md:
//   zstar (Float64 core)      |Δ| ≤ 1e-6
//   gradients (Float64 core)  |Δ| ≤ 1e-5 · (largest |grad| of the case)  — relative to the case's scale because
//                             qpth clamps λ and s at 1e-8 (its gradients differ from the exact ones by ≤ 2e-6 rel.)
//   zstar (float32 op)        |Δ| ≤ 1e-4 + 1e-4·|zstar|;   gradients (float32 op) |Δ| ≤ 2e-3 · max(1, max|grad|)
// Cases the fixture flags as float32-inconsistent (check.float32_reference_consistent false: near-degenerate
// vertex solutions where qpth's own float32 run breaks down) are detected from the data and counted in the
// note; they are still held to the float32 tolerances, since the op rounds only its inputs and outputs to
// float32 and solves in Float64.
import * as tf from '@tensorflow/tfjs';
import { qpBackward } from '../../src/solvers/qp/backward.ts';
import { qpLayer, solveQp } from '../../src/solvers/qp/layer.ts';
import { registerReferenceCheck, type ReferenceCheckResult } from './reference-checks.ts';

const NAMES = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return a.length === b.length ? m : Infinity;
}

export function checkQp(fixture: any): ReferenceCheckResult {
  const s = fixture.solver_settings ?? {};
  const opts = { eps: s.eps ?? 1e-12, maxIter: s.maxIter ?? 60, notImprovedLim: s.notImprovedLim ?? 5 };
  const err = { z: 0, g: 0, z32: 0, g32: 0, kkt: 0 };
  let notOptimal = 0, hard32 = 0;
  for (const c of fixture.cases) {
    const sol = solveQp({ Q: c.Q, p: c.p, G: c.G, h: c.h, A: c.A, b: c.b }, opts);
    notOptimal += sol.status.filter((t) => t !== 'optimal').length;
    const zref = flat(c.zstar);
    err.z = Math.max(err.z, maxAbsDiff(sol.z, zref));
    err.kkt = Math.max(err.kkt, ...Array.from(sol.residual));
    const g = qpBackward(sol.problem, sol, Float64Array.from(flat(c.w)));
    const scale = Math.max(...NAMES.flatMap((k) => flat(c.grad[k]).map(Math.abs)));
    for (const k of NAMES) err.g = Math.max(err.g, maxAbsDiff(g[k], flat(c.grad[k])) / scale);
    if (c.check?.float32_reference_consistent === false) hard32++;
    const names = NAMES.filter((k) => flat(c[k]).length > 0);
    const [z32, g32] = tf.tidy(() => {
      const xs = names.map((k) => tf.tensor(c[k]));
      const w = tf.tensor(c.w);
      const f = (...ys: tf.Tensor[]) => qpLayer(Object.fromEntries(names.map((k, i) => [k, ys[i]!])) as never, opts);
      const z = f(...xs).dataSync();
      const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
      return [z, grads.map((t) => t.dataSync())] as const;
    });
    zref.forEach((v, i) => (err.z32 = Math.max(err.z32, Math.abs(z32[i]! - v) / (1e-4 + 1e-4 * Math.abs(v)))));
    const scale32 = Math.max(1, scale);
    names.forEach((k, i) => (err.g32 = Math.max(err.g32, maxAbsDiff(g32[i]!, flat(c.grad[k])) / scale32)));
  }
  const row = (quantity: string, maxError: number, tolerance: number, note?: string) => ({
    quantity, maxError, tolerance, pass: maxError <= tolerance, ...(note ? { note } : {}),
  });
  return {
    cases: fixture.cases.length,
    rows: [
      row('zstar (Float64 core)', err.z, 1e-6, notOptimal ? `${notOptimal} problem(s) not 'optimal'` : 'all problems optimal'),
      row('grad rel. to case max (Float64 core)', err.g, 1e-5, 'Q, p, G, h, A, b'),
      row('KKT residual (Float64 core)', err.kkt, 1e-8, "qpth's merit ‖ry‖+‖rz‖+‖rx‖+nineq·μ"),
      row('zstar / (1e-4 + 1e-4|z|) (float32 op)', err.z32, 1, `includes ${hard32} case(s) where qpth's own float32 run fails`),
      row('grad / max(1, max|grad|) (float32 op)', err.g32, 2e-3),
    ],
  };
}

registerReferenceCheck({ file: 'qp.json', caseFields: { cases: ['Q', 'p', 'G', 'h', 'A', 'b', 'w', 'zstar', 'grad'] }, check: checkQp });
