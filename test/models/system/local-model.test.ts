// The host local model of a compiled system (SystemDynamics.hostLocalModel / hostRolloutCost, the interface of
// src/models/local-model.ts) against tfjs on the twin, for Pendulum-v1 (terminal-free) and the 2-D point mass
// with a terminal cost added (nu = 2): J against the generic rollout loop, ∇_U J against tfjs autodiff of that
// loop, A_t and B_t against autodiff linearization of the twin's step along the rollout, the stage and terminal
// Hessians against nested autodiff of the twin's cost (float32 references, 1e-4 relative); undefined for a cost
// the system did not compile; sizes checked.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../helpers/backend.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import { defineSystem, type SystemDefinition } from '../../../src/models/system/definition.ts';
import { hasHostLocalModel } from '../../../src/models/local-model.ts';
import { linearize } from '../../../src/models/linearize.ts';
import { rolloutCostGeneric, rolloutStates } from '../../../src/models/rollout.ts';
import type { CostModel } from '../../../src/models/types.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';
import { pointMassSystem } from '../../../envs/systems/point-mass.ts';

beforeAll(async () => {
  await useTestBackend();
});

const pointMassWithTerminal = defineSystem({
  ...pointMassSystem,
  name: 'point-mass with terminal cost',
  terminal([x, y, vx, vy], _p, m) {
    return m.add(m.mul(5, m.add(m.square(x!), m.square(y!))), m.mul(m.square(vx!), m.add(1, m.square(vy!))));
  },
});

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!)));
};

describe('host local model of a compiled system', () => {
  const cases: Array<[string, SystemDefinition, (rng: Rng) => number[]]> = [
    ['Pendulum-v1', pendulumSystem as SystemDefinition, (r) => {
      const th = r.uniformIn(-3, 3);
      return [Math.cos(th), Math.sin(th), r.uniformIn(-3, 3)];
    }],
    ['point mass with a terminal cost', pointMassWithTerminal as SystemDefinition, (r) => Array.from({ length: 4 }, () => r.uniformIn(-2, 2))],
  ];
  for (const [name, def, state] of cases) {
    it(`${name}: J, ∇J, A, B and the cost Hessians equal tfjs on the twin`, () => {
      const sys = compileSystem(def);
      const { stateDim: nx, actionDim: nu } = def;
      const B = 3, H = 6, n = H * nu, k = nx + nu;
      const rng = new Rng(12);
      const x0 = Array.from({ length: B }, () => state(rng)).flat();
      const U = Array.from({ length: B * n }, () => rng.uniformIn(-1.3 * def.actionBounds.high[0]!, 1.3 * def.actionBounds.high[0]!));
      expect(hasHostLocalModel(sys.dynamics)).toBe(true);
      const lm = sys.dynamics.hostLocalModel(sys.cost, x0, U, B, H)!;
      const ref = tf.tidy(() => {
        const x0t = tf.tensor2d(x0, [B, nx]);
        const Ut = tf.tensor2d(U, [B, n]);
        const J = rolloutCostGeneric(sys.dynamics, sys.cost, x0t, Ut.reshape([B, 1, n]), H).dataSync();
        const grad = tf.grad((u: tf.Tensor) => tf.sum(rolloutCostGeneric(sys.dynamics, sys.cost, x0t, u.reshape([B, 1, n]), H)))(Ut).dataSync();
        const xs = rolloutStates(sys.dynamics, x0t, Ut, H);
        const xt = xs.slice([0, 0, 0], [B, H, nx]).reshape([B * H, nx]);
        const lin = linearize({ step: (a, b) => sys.dynamics.step(a, b) }, xt, Ut.reshape([B * H, nu]));
        const hess = (f: (y: tf.Tensor) => tf.Tensor, y: tf.Tensor, m: number) =>
          tf.stack(Array.from({ length: m }, (_, i) => tf.grad((yy: tf.Tensor) => tf.sum(tf.grad((y2: tf.Tensor) => tf.sum(f(y2)))(yy).slice([0, i], [-1, 1])))(y)), 1).dataSync();
        const y = tf.concat([xt, Ut.reshape([B * H, nu])], 1);
        const stage = hess((yy) => sys.cost.cost(yy.slice([0, 0], [-1, nx]), yy.slice([0, nx], [-1, nu]), 0), y, k);
        const terminal = sys.cost.terminal ? hess((yy) => sys.cost.terminal!(yy), xs.slice([0, H, 0], [B, 1, nx]).reshape([B, nx]), nx) : undefined;
        return { J, grad, A: lin.A.dataSync(), B: lin.B.dataSync(), stage, terminal };
      });
      close(lm.J, ref.J);
      close(lm.grad, ref.grad);
      close(lm.A, ref.A);
      close(lm.B, ref.B);
      close(lm.stage, ref.stage);
      if (def.terminal) close(lm.terminal!, ref.terminal!);
      else expect(lm.terminal).toBeUndefined();
      expect(lm.B.some((v) => v === 0)).toBe(true); // clipped actions
      close(sys.dynamics.hostRolloutCost(sys.cost, x0, U, B, H)!, ref.J);
      sys.dynamics.dispose();
    });
  }

  it('answers undefined for a cost the system did not compile, and checks sizes', () => {
    const sys = compileSystem(pointMassSystem);
    const other: CostModel = { cost: (x, u, t) => sys.cost.cost(x, u, t), variables: () => [] };
    expect(sys.dynamics.hostLocalModel(other, new Float64Array(4), new Float64Array(4), 1, 2)).toBeUndefined();
    expect(sys.dynamics.hostRolloutCost(other, new Float64Array(4), new Float64Array(4), 1, 2)).toBeUndefined();
    expect(() => sys.dynamics.hostLocalModel(sys.cost, new Float64Array(3), new Float64Array(4), 1, 2)).toThrow(/x0 has 3 values, expected \[R, nx\] = \[1, 4\]/);
    expect(() => sys.dynamics.hostRolloutCost(sys.cost, new Float64Array(4), new Float64Array(5), 1, 2)).toThrow(/U has 5 values, expected \[R, H, nu\] = \[1, 2, 2\]/);
    sys.dynamics.dispose();
  });
});
