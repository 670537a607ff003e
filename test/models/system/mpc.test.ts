// The compiled pendulum definition plans as its own generic tfjs twin (the same step and cost with the fused
// rollout and generated Jacobians hidden: H × (step + cost) tfjs ops, autodiff Jacobians): with the same seed,
// MPC.act gives the same actions (to float32 rounding of the objective) for dcem and gd, whose rollouts run
// through the generated kernel (counted), and for the SQP/QP planner, whose rollouts, Jacobians and cost
// Hessians come from the generated code's host local model (counted).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../../helpers/backend.ts';
import { MPC } from '../../../controllers/mpc.ts';
import '../../../src/solvers/dcem.ts';
import '../../../src/solvers/gd.ts';
import { compileSystem } from '../../../src/models/system/compile.ts';
import type { CostModel, DynamicsModel } from '../../../src/models/types.ts';
import { pendulumSystem } from '../../../envs/pendulum.ts';

beforeAll(async () => {
  await useTestBackend();
});

const obs = [Float32Array.of(-1, 0, 0), Float32Array.of(Math.cos(2), Math.sin(2), 1.5), Float32Array.of(Math.cos(-0.5), Math.sin(-0.5), -3)];

function actions(model: DynamicsModel, cost: CostModel, solver: string): number[] {
  const mpc = new MPC({ model, cost, solver, horizon: 10, samples: solver === 'dcem' ? 100 : 1, iterations: 3, bounds: [-2, 2], seed: 7 });
  return obs.map((o) => mpc.act(o)[0]!);
}

describe('MPC on a compiled system', () => {
  for (const solver of ['dcem', 'gd', 'qp']) {
    it(`${solver}: the same actions as the generic twin, through the generated rollout and Jacobians`, () => {
      const sys = compileSystem(pendulumSystem);
      const plain: DynamicsModel = { stateDim: 3, actionDim: 1, step: (x, u) => sys.dynamics.step(x, u), variables: () => sys.dynamics.variables() };
      const counts = { fused: 0, host: 0 };
      const fused = sys.dynamics.fusedRolloutCost.bind(sys.dynamics);
      sys.dynamics.fusedRolloutCost = (c, x, u) => {
        const J = fused(c, x, u);
        if (J) counts.fused++;
        return J;
      };
      const local = sys.dynamics.hostLocalModel.bind(sys.dynamics);
      sys.dynamics.hostLocalModel = (c, x, U, B, H) => {
        const m = local(c, x, U, B, H);
        if (m) counts.host++;
        return m;
      };
      const before = tf.memory().numTensors;
      const a = actions(sys.dynamics, sys.cost, solver);
      const b = actions(plain, sys.cost, solver);
      expect(tf.memory().numTensors).toBe(before);
      a.forEach((v, i) => expect(v, `obs ${i}`).toBeCloseTo(b[i]!, 3));
      if (solver !== 'qp') expect(a.some((v) => Math.abs(v) < 1.9)).toBe(true); // not all saturated
      if (solver === 'qp') expect(counts.host).toBeGreaterThan(0);
      else expect(counts.fused).toBeGreaterThan(0);
      sys.dynamics.dispose();
    });
  }
});
