// MPC guards (issue 14): every planner (dcem, novas, gd, qp) reports a non-finite rollout cost with the model,
// the cost, the iteration and the parameter or observation at fault, instead of "planning" a bound; bad
// observations are refused by name (strings, NaN, not an array); sizes past controllers/plan-limits.ts are
// refused before anything is allocated (they used to abort inside XNNPACK, throw "Invalid typed array
// length" or hang).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../controllers/index.ts';
import { MPC } from '../../controllers/mpc.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import type { DynamicsModel } from '../../src/models/types.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import '../../src/solvers/index.ts';
import { NonFiniteObjectiveError } from '../../src/solvers/non-finite.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const pendulum = () => compileSystem(pendulumSystem);
const pendulumModel = () => {
  const { dynamics, cost } = pendulum();
  return { model: dynamics, cost };
};
const make = (solver: string, model: DynamicsModel = pendulum().dynamics, extra: Record<string, unknown> = {}) =>
  new MPC({ model, cost: pendulum().cost, horizon: 6, solver, bounds: [-2, 2], samples: 40, iterations: 3, ...(solver === 'dcem' ? { solverConfig: { elites: 5 } } : {}), ...extra });

describe('MPC guards', () => {
  for (const solver of ['dcem', 'novas', 'gd', 'qp']) {
    it(`${solver}: a NaN model parameter is named (no action returned)`, () => {
      const model = pendulum().dynamics;
      model.params.mass.assign(tf.scalar(NaN));
      const mpc = make(solver, model);
      let err: unknown;
      try {
        mpc.act([1, 0, 0.5]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NonFiniteObjectiveError);
      expect((err as Error).message).toMatch(
        new RegExp(`^MPC\\.act \\(planner ${solver}\\): the rollout cost \\(model SystemDynamics, cost SystemCost\\) is NaN for \\d+ of \\d+ candidates at (iteration 1 of 3|the start) .*; the model parameter mass is NaN`),
      );
      model.dispose();
    });

    it(`${solver}: an observation that overflows the rollout ([1, 0, 1e30]) is named`, () => {
      expect(() => make(solver).act([1, 0, 1e30])).toThrow(/the rollout cost \(model SystemDynamics, cost SystemCost\) is (Infinity|NaN) .*check the model's parameters and the observation \[1, 0, 1e\+30\]/);
    });
  }

  it('qp: a stage Hessian that is NaN where the cost is finite (atan2 at the observation [0, 0, 0]) is named before the PSD projection', () => {
    expect(() => make('qp', pendulum().dynamics, { horizon: 1 }).act([0, 0, 0])).toThrow(
      /^MPC\.act \(planner qp\): the Hessian of the rollout cost \(model SystemDynamics, cost SystemCost\) is NaN in \d+ of \d+ entries at iteration 1 of 3 .*although the rollout cost .* and its gradient are finite; check the model's parameters and the observation \[0, 0, 0\]/,
    );
  });

  it('plan() names a non-finite rollout as MPC.plan and the row of a batch', () => {
    const mpc = make('dcem');
    const x0 = tf.tensor([[1, 0, 0], [1, 0, 1e30]]);
    expect(() => mpc.plan(x0, { backward: 'none' })).toThrow(/^MPC\.plan \(planner dcem\): .*problem 1 of 2.*observation \[1, 0, 1e\+30\] \(row 1\)/);
  });

  it('refuses observations that are not finite numbers, naming the entry', () => {
    const mpc = make('dcem');
    expect(() => mpc.act(['a', 0, 0] as unknown as number[])).toThrow(/^MPC\.act: observation: entry 0 is the string "a", not a number/);
    expect(() => mpc.act([1, 0, NaN])).toThrow(/MPC\.act: observation: contains NaN at flat index 2/);
    expect(() => mpc.act(undefined as unknown as number[])).toThrow(/MPC\.act: observation must be an array of 3 numbers \(got undefined\)/);
    expect(() => mpc.actBatch([[1, 0, 0], [1, 'x', 0]] as unknown as number[][])).toThrow(/observation row 1: entry 1 is the string "x"/);
    expect(() => mpc.actBatch([])).toThrow(/not a positive multiple/);
    expect(() => mpc.plan(tf.tensor([[1, 0, Infinity]]))).toThrow(/^MPC\.plan: observation row 0 contains Infinity at entry 2/);
    expect(() => mpc.plan([[1, 0, 0]] as unknown as tf.Tensor)).toThrow(/MPC\.plan: observations must be a tf\.Tensor/);
  });

  it('refuses sizes past the plan limit before allocating, naming the option', () => {
    expect(() => make('dcem', undefined, { samples: 1e12 })).toThrow(/^MPC samples 1000000000000 × MPC horizon 6 .* over the limit of 67108864/);
    expect(() => make('dcem', undefined, { samples: 10_000_000, horizon: 20 })).toThrow(/lower MPC samples \(at most \d+ at this horizon\)/);
    expect(() => make('dcem', undefined, { horizon: 100_000 })).toThrow(/^MPC horizon: 100000 is over the limit of 1000 steps/);
    expect(() => make('dcem', undefined, { samples: 1.5 })).toThrow(/MPC samples: expected a positive integer \(got 1\.5\)/);
    const mpc = make('dcem');
    expect(() => mpc.plan(tf.zeros([1, 3]), { samples: 1e9 })).toThrow(/^MPC\.plan: samples 1000000000 × horizon 6/);
    expect(() => mpc.plan(tf.zeros([1, 3]), { iterations: 0 })).toThrow(/MPC\.plan: iterations: expected a positive integer/);
  });

  it('the qp planner refuses a condensed QP too large to allocate', () => {
    const mpc = new MPC({ ...pendulumModel(), horizon: 1000, solver: 'qp', bounds: [-2, 2], samples: 1 });
    expect(() => mpc.plan(tf.tensor([[1, 0, 0]]).tile([100, 1]), { backward: 'none' })).toThrow(/^qp planner: batch 100 × \(horizon 1000 × 1 action dim\(s\)\)² = 1\.00e\+8 QP matrix entries, over the limit/);
  });

  it('refuses a config without a model or cost by name', () => {
    expect(() => new MPC({ cost: pendulum().cost, horizon: 5, solver: 'dcem', bounds: [-2, 2] } as never)).toThrow(/^MPC model: expected a DynamicsModel/);
    expect(() => new MPC({ model: pendulum().dynamics, horizon: 5, solver: 'dcem', bounds: [-2, 2] } as never)).toThrow(/^MPC cost: expected a CostModel/);
    expect(() => new MPC({ ...pendulumModel(), horizon: 5, solver: 'dcem', bounds: -2 } as never)).toThrow(/^MPC bounds: expected \[low, high\]/);
  });
});
