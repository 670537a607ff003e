// Generated stage- and terminal-cost Hessians (src/models/system/hessians.ts) of a cost that uses every
// smooth and non-smooth op with second partials, of Pendulum-v1 and of the 2-D point mass: the gradient
// against central differences of the Float64 value, the Hessian against central differences of the generated
// gradient (both 1e-6 relative, points away from kinks), and all three against nested tfjs autodiff of the
// compiled twin's cost (float32, 1e-4 relative, clipped actions included; exp and tanh differentiate twice
// through src/tensor/higher-order-grads.ts).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { defineSystem, type SystemDefinition } from '../../../src/models/system/definition.ts';
import { generateCostHessians } from '../../../src/models/system/hessians.ts';
import { OP_RULES } from '../../../src/models/system/rules.ts';
import { traceStage } from '../../../src/models/system/codegen.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';
import { pointMassSystem } from '../../../envs/systems/point-mass.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** A cost reading every op that has second partials, plus the piecewise-linear ones. */
const curvy = defineSystem({
  name: 'curvy cost',
  stateDim: 3,
  actionDim: 2,
  params: { k: 0.7 },
  dt: 0.1,
  actionBounds: { low: [-1, -1], high: [1, 1] },
  transition([a, b, c], [u, v], _p, m) {
    return [m.add(a!, m.mul(0.1, u!)), m.add(b!, m.mul(0.1, v!)), c!];
  },
  cost([a, b, c], [u, v], p, m) {
    const smooth = m.add(m.mul(m.sin(a!), m.cos(b!)), m.div(m.exp(m.mul(0.3, c!)), m.add(2, m.square(u!))));
    const more = m.add(m.mul(p.k, m.log(m.add(3, m.tanh(m.mul(a!, v!))))), m.sqrt(m.add(1, m.square(m.sub(b!, c!)))));
    const kinks = m.add(m.abs(m.clip(v!, -0.8, 0.8)), m.select(m.sub(a!, b!), m.min(a!, u!), m.max(b!, m.neg(v!))));
    return m.add(m.add(smooth, more), m.add(m.mul(0.5, m.square(m.atan2(b!, m.add(1.5, a!)))), m.mul(kinks, m.square(c!))));
  },
  terminal([a, b, c], _p, m) {
    return m.add(m.mul(m.square(a!), m.cos(b!)), m.div(m.square(c!), m.add(2, m.sin(a!))));
  },
});

const cases: Array<{ name: string; def: SystemDefinition; x: (rng: Rng) => number[]; u: (rng: Rng) => number[] }> = [
  { name: 'every op', def: curvy as SystemDefinition, x: (r) => [r.uniformIn(-1, 1), r.uniformIn(-1, 1), r.uniformIn(-1, 1)], u: (r) => [r.uniformIn(-1.2, 1.2), r.uniformIn(-1.2, 1.2)] },
  {
    name: 'Pendulum-v1',
    def: pendulumSystem as SystemDefinition,
    x: (r) => {
      const th = r.uniformIn(-3, 3);
      return [Math.cos(th), Math.sin(th), r.uniformIn(-6, 6)];
    },
    u: (r) => [r.uniformIn(-3, 3)],
  },
  { name: 'point mass', def: pointMassSystem as SystemDefinition, x: (r) => Array.from({ length: 4 }, () => r.uniformIn(-2, 2)), u: (r) => [r.uniformIn(-1.5, 1.5), r.uniformIn(-1.5, 1.5)] },
];

describe('generated cost Hessians', () => {
  it('the test cost uses every op with second partials', () => {
    const used = new Set(traceStage(curvy).entries.flatMap((e) => (e.kind === 'op' ? [e.op] : [])));
    for (const op of Object.keys(OP_RULES)) if (OP_RULES[op as keyof typeof OP_RULES].second) expect(used.has(op as keyof typeof OP_RULES)).toBe(true);
  });

  for (const c of cases) {
    const prog = traceStage(c.def);
    const { stateDim: nx, actionDim: nu } = c.def;
    const P = Float64Array.from(Object.values(c.def.params));
    for (const which of ['stage', ...(c.def.terminal ? ['terminal' as const] : [])] as const) {
      const k = which === 'stage' ? nx + nu : nx;
      const { fn } = generateCostHessians(prog, nx, nu, which);
      const split = (y: ArrayLike<number>) => [Array.from(y).slice(0, nx), Array.from(y).slice(nx)] as const;

      it(`${c.name} (${which}): gradient and Hessian equal central differences of the Float64 value and gradient`, () => {
        const rng = new Rng(5);
        let checked = 0;
        for (let trial = 0; trial < 6; trial++) {
          const y = [...c.x(rng), ...(which === 'stage' ? c.u(rng) : [])];
          if (which === 'stage') for (let j = nx; j < k; j++) y[j] = Math.max(-0.7, Math.min(0.7, y[j]!)); // inside the clips
          const at = (yy: number[]) => {
            const [x, u] = split(yy);
            return fn(x, u, P, 1);
          };
          const base = at(y);
          const h = 1e-5;
          for (let i = 0; i < k; i++) {
            const yp = y.slice(), ym = y.slice();
            yp[i]! += h;
            ym[i]! -= h;
            const fp = at(yp), fm = at(ym);
            const dc = (fp.c[0]! - fm.c[0]!) / (2 * h);
            expect(Math.abs(base.g[i]! - dc)).toBeLessThan(1e-6 * (1 + Math.abs(dc)));
            for (let j = 0; j < k; j++) {
              const dg = (fp.g[j]! - fm.g[j]!) / (2 * h);
              expect(Math.abs(base.H[i * k + j]! - dg)).toBeLessThan(1e-6 * (1 + Math.abs(dg)));
              expect(base.H[i * k + j]).toBe(base.H[j * k + i]);
              checked += Math.abs(dg) > 1e-3 ? 1 : 0;
            }
          }
        }
        expect(checked).toBeGreaterThan(0);
      });

      it(`${c.name} (${which}): gradient and Hessian equal nested autodiff of the twin's cost`, () => {
        const sys = compileSystem(c.def);
        const rng = new Rng(6);
        const R = 16;
        const X: number[] = [], U: number[] = [];
        for (let r = 0; r < R; r++) {
          X.push(...c.x(rng));
          U.push(...c.u(rng)); // some outside the action clips
        }
        const got = fn(X, U, P, R);
        const [g, Hm] = tf.tidy(() => {
          const y = which === 'stage' ? tf.concat([tf.tensor2d(X, [R, nx]), tf.tensor2d(U, [R, nu])], 1) : tf.tensor2d(X, [R, nx]);
          const f = (yy: tf.Tensor) => (which === 'stage' ? sys.cost.cost(yy.slice([0, 0], [R, nx]), yy.slice([0, nx], [R, nu]), 0) : sys.cost.terminal!(yy));
          const grad = tf.grad((yy: tf.Tensor) => tf.sum(f(yy)))(y);
          const rows = Array.from({ length: k }, (_, i) => tf.grad((yy: tf.Tensor) => tf.sum(tf.grad((y2: tf.Tensor) => tf.sum(f(y2)))(yy).slice([0, i], [R, 1])))(y));
          return [grad.dataSync(), tf.stack(rows, 1).dataSync()];
        });
        for (let i = 0; i < R * k; i++) expect(Math.abs(got.g[i]! - g![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(g![i]!)));
        for (let i = 0; i < R * k * k; i++) expect(Math.abs(got.H[i]! - Hm![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(Hm![i]!)));
        sys.dynamics.dispose();
      });
    }
  }

  it('refuses a terminal Hessian of a system without terminal cost', () => {
    expect(() => generateCostHessians(traceStage(pointMassSystem), 4, 2, 'terminal')).toThrow(/no terminal cost/);
  });
});
