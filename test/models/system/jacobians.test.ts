// Generated stage Jacobians (src/models/system/jacobians.ts via SystemDynamics.linearize) against tfjs
// autodiff of the compiled twin (src/models/linearize.ts on its step only, 1e-5 relative, saturated torques and speeds
// included) and against central differences of the Float64 transition (1e-7 relative), for the pendulum and
// the 2-D point mass (nu = 2).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { generateJacobians } from '../../../src/models/system/jacobians.ts';
import { linearize } from '../../../src/models/linearize.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';
import { pointMassSystem } from '../../../envs/systems/point-mass.ts';
import { relErr as maxRelErr } from '../finite-difference.ts';

beforeAll(async () => {
  await useTestBackend();
});


describe('generated stage Jacobians', () => {
  const cases = [
    {
      name: 'pendulum',
      sys: () => compileSystem(pendulumSystem, { params: { mass: 1.2, length: 0.9, damping: 0.1 } }),
      data: (rng: Rng, R: number) => {
        const x = new Float32Array(R * 3);
        for (let r = 0; r < R; r++) {
          const th = rng.uniformIn(-Math.PI, Math.PI);
          x.set([Math.cos(th), Math.sin(th), rng.uniformIn(-9, 9)], 3 * r);
        }
        return { x, u: rng.uniformArray(R, -3, 3) };
      },
    },
    { name: 'point mass (nu = 2)', sys: () => compileSystem(pointMassSystem, { params: { mass: 1.3, drag: 0.2 } }), data: (rng: Rng, R: number) => ({ x: rng.uniformArray(R * 4, -2, 2), u: rng.uniformArray(R * 2, -1.5, 1.5) }) },
  ];
  for (const c of cases) {
    it(`${c.name}: f, A, B equal autodiff of the twin`, () => {
      const sys = c.sys();
      const { stateDim: nx, actionDim: nu } = sys.dynamics;
      const R = 40;
      const { x, u } = c.data(new Rng(21), R);
      const before = tf.memory().numTensors;
      const [gen, ref] = tf.tidy(() => {
        const xt = tf.tensor2d(x, [R, nx]);
        const ut = tf.tensor2d(u, [R, nu]);
        const g = sys.dynamics.linearize(xt, ut);
        const dispatched = linearize(sys.dynamics, xt, ut); // src/models/linearize.ts defers to the generated code
        expect(dispatched.A.dataSync()).toEqual(g.A.dataSync());
        const r = linearize({ step: (a, b) => sys.dynamics.step(a, b) }, xt, ut); // autodiff of the twin
        return [g, r].map((l) => ({ f: l.f.dataSync(), A: l.A.dataSync(), B: l.B.dataSync(), shapes: [l.f.shape, l.A.shape, l.B.shape] }));
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(gen!.shapes).toEqual([[R, nx], [R, nx, nx], [R, nx, nu]]);
      expect(maxRelErr(gen!.f, ref!.f)).toBeLessThan(1e-6);
      expect(maxRelErr(gen!.A, ref!.A)).toBeLessThan(1e-5);
      expect(maxRelErr(gen!.B, ref!.B)).toBeLessThan(1e-5);
      expect(gen!.B.some((v) => v === 0)).toBe(true); // saturated actions
      expect(gen!.B.some((v) => v !== 0)).toBe(true);
      sys.dynamics.dispose();
    });

    it(`${c.name}: A, B equal central differences of the Float64 transition`, () => {
      const sys = c.sys();
      const { stateDim: nx, actionDim: nu } = sys.dynamics;
      const fn = generateJacobians(sys.dynamics.kernel, nx, nu).fn;
      const P = Object.values(sys.dynamics.values()) as number[];
      const x = Float64Array.from(c.data(new Rng(22), 1).x);
      if (nx === 3) x[2] = 0.4; // the pendulum's speed inside its clip
      const u = Float64Array.from({ length: nu }, (_, j) => 0.3 - 0.5 * j); // inside the action clip
      const { A, B } = fn(x, u, P, 1);
      const h = 1e-6;
      const diff = (xp: Float64Array, up: Float64Array, xm: Float64Array, um: Float64Array) => {
        const fp = fn(xp, up, P, 1).f;
        const fm = fn(xm, um, P, 1).f;
        return Array.from(fp, (v, i) => (v - fm[i]!) / (2 * h));
      };
      for (let k = 0; k < nx; k++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[k]! += h;
        xm[k]! -= h;
        const col = diff(xp, u, xm, u);
        for (let i = 0; i < nx; i++) expect(A[i * nx + k]).toBeCloseTo(col[i]!, 7);
      }
      for (let j = 0; j < nu; j++) {
        const up = u.slice();
        const um = u.slice();
        up[j]! += h;
        um[j]! -= h;
        const col = diff(x, up, x, um);
        for (let i = 0; i < nx; i++) expect(B[i * nu + j]).toBeCloseTo(col[i]!, 7);
      }
      sys.dynamics.dispose();
    });
  }
});
