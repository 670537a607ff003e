// Every local derivative rule (src/models/system/rules.ts) through the generated kernel: a synthetic system
// whose step and cost use every op of the table (checked by tracing it), against tfjs autodiff of its twin
// (float32, 1e-4 relative) and Richardson central differences of the Float64 kernel (1e-6 relative), for the
// gradients w.r.t. x0, U and both parameters.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { traceStage } from '../../../src/models/system/codegen.ts';
import { defineSystem } from '../../../src/models/system/definition.ts';
import { OP_RULES } from '../../../src/models/system/rules.ts';
import { rolloutCostGeneric } from '../../../src/models/rollout.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { expectClose } from '../finite-difference.ts';
import { partialByDifferences } from '../../../src/models/system/check.ts';

beforeAll(async () => {
  await useTestBackend();
});

const DT = 0.05;
const everyOp = defineSystem({
  name: 'every op',
  stateDim: 2,
  actionDim: 2,
  params: { k: 0.7, c: 1.3 },
  dt: DT,
  actionBounds: { low: [-1, -1], high: [1, 1] },
  transition([a, b], [u, v], p, m) {
    const da = m.add(m.mul(m.tanh(u!), m.exp(m.mul(-0.1, m.square(b!)))), m.mul(p.k, m.sin(b!)));
    const db = m.sub(m.add(m.min(a!, u!), m.max(b!, m.neg(v!))), m.div(m.sqrt(m.add(1, m.square(a!))), p.c));
    const branch = m.select(m.sub(a!, b!), m.log(m.add(1.5, m.cos(a!))), m.abs(m.clip(v!, -0.8, 0.8)));
    return [m.add(a!, m.mul(DT, m.add(da, m.mul(0.1, branch)))), m.add(b!, m.mul(DT, m.add(db, m.atan2(m.mul(p.c, v!), m.add(2, a!)))))];
  },
  cost([a, b], [u, v], p, m) {
    return m.add(m.add(m.square(a!), m.mul(0.5, m.square(b!))), m.mul(p.k, m.add(m.square(u!), m.square(v!))));
  },
});

const H = 6;

describe('local derivative rules', () => {
  it('the synthetic system uses every op of the rule table', () => {
    const used = new Set(traceStage(everyOp).entries.flatMap((e) => (e.kind === 'op' ? [e.op] : [])));
    expect([...used].sort()).toEqual(Object.keys(OP_RULES).sort());
  });

  it('generated gradients equal tfjs autodiff of the twin and central differences of the Float64 kernel', () => {
    const sys = compileSystem(everyOp);
    const R = 24;
    const rng = new Rng(31);
    const x0 = rng.uniformArray(R * 2, -1, 1);
    const U = rng.uniformArray(R * H * 2, -1.2, 1.2);
    const w = rng.uniformArray(R, 0.5, 1.5);
    const vars = [sys.dynamics.params.k, sys.dynamics.params.c];
    const grads = (fused: boolean) =>
      tf.tidy(() => {
        const xt = tf.tensor2d(x0, [R, 2]);
        const Ut = tf.tensor3d(U, [R, H, 2]);
        const wt = tf.tensor1d(w);
        const J = (x: tf.Tensor, u: tf.Tensor) => (fused ? sys.dynamics.fusedRolloutCost(sys.cost, x, u)! : rolloutCostGeneric(sys.dynamics, sys.cost, x, u.reshape([R, 1, H * 2]), H).reshape([R]));
        const loss = (x: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(wt, J(x, u))) as tf.Scalar;
        const [dx, du] = tf.grads(loss)([xt, Ut]);
        const vg = tf.variableGrads(() => loss(xt, Ut), vars);
        return { J: J(xt, Ut).dataSync(), dx: dx!.dataSync(), du: du!.dataSync(), p: vars.map((v) => vg.grads[v.name]!.dataSync()[0]!) };
      });
    const a = grads(true);
    const b = grads(false);
    const close = (x: ArrayLike<number>, y: ArrayLike<number>, what: string) => {
      for (let i = 0; i < x.length; i++) expectClose(`${what}[${i}]`, [x[i]!, y[i]!], 1e-4, 1e-5);
    };
    close(a.J, b.J, 'J');
    close(a.dx, b.dx, 'dJ/dx0');
    close(a.du, b.du, 'dJ/dU');
    close(a.p, b.p, 'dJ/dparam');
    // Float64: central differences with relative steps, smooth points (no ties of min/max/select, inside clips).
    const k = sys.dynamics.kernel;
    const P = Float64Array.of(0.7, 1.3);
    const r = 4;
    const x64 = Float64Array.from(x0.subarray(0, r * 2));
    const U64 = Float64Array.from(U.subarray(0, r * H * 2), (u) => 0.6 * u);
    const dJ = Float64Array.from({ length: r }, (_, i) => 1 + 0.5 * i);
    const total = (x: Float64Array, u: Float64Array, p: Float64Array) => k.forward(x, u, p, r, H, false).J.reduce((s, v, i) => s + dJ[i]! * v, 0);
    const g = k.backward(k.forward(x64, U64, P, r, H, true).traj, U64, P, dJ, r, H);
    for (let i = 0; i < x64.length; i++) expectClose(`fd dx0[${i}]`, [g.dx0[i]!, partialByDifferences(x64, i, (x) => total(x, U64, P))], 1e-6, 1e-7);
    for (let i = 0; i < U64.length; i++) expectClose(`fd dU[${i}]`, [g.dU[i]!, partialByDifferences(U64, i, (u) => total(x64, u, P))], 1e-6, 1e-7);
    for (let i = 0; i < 2; i++) expectClose(`fd dP[${i}]`, [g.dParams[i]!, partialByDifferences(P, i, (p) => total(x64, U64, p))], 1e-6, 1e-7);
    sys.dynamics.dispose();
  });
});
