// User models that break the contract: a step or cost of the wrong shape is reported with the class, the
// method, the step and the expected shape; a model with no gradient in the actions is refused by the gradient
// planners (gd, adam, qp) instead of leaving the plan at its start, and still plans with a sampling solver.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MPC } from '../../controllers/mpc.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';
import '../../src/solvers/index.ts';
import { useTestBackend } from '../helpers/backend.ts';

class Integrator implements DynamicsModel {
  readonly stateDim = 2;
  readonly actionDim = 1;
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, tf.concat([tf.mul(0.1, tf.slice(x, [0, 1], [-1, 1])), tf.mul(0.1, u)], 1)));
  }
  variables(): tf.Variable[] {
    return [];
  }
}

/** Returns one value per row instead of a state: [R] rather than [R, 2]. */
class FlatStep extends Integrator {
  override step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.sum(super.step(x, u), 1);
  }
}

/** Reads the state back to the host and builds a fresh tensor: no gradient reaches the actions. */
class HostStep extends Integrator {
  override step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const y = super.step(x, u);
    return tf.tensor(y.dataSync(), y.shape);
  }
}

class StateCost implements CostModel {
  cost(x: tf.Tensor): tf.Tensor {
    return tf.sum(tf.square(x), 1);
  }
  variables(): tf.Variable[] {
    return [];
  }
}

/** State cost plus an action penalty. */
class EffortCost extends StateCost {
  override cost(x: tf.Tensor, u?: tf.Tensor): tf.Tensor {
    return tf.add(super.cost(x), tf.sum(tf.square(u!), 1));
  }
}

/** Returns [R, 1] instead of [R]. */
class ColumnCost extends StateCost {
  override cost(x: tf.Tensor): tf.Tensor {
    return tf.sum(tf.square(x), 1, true);
  }
}

const mpc = (model: DynamicsModel, cost: CostModel, solver: string) => new MPC({ model, cost, solver, horizon: 5, bounds: [-1, 1], samples: 20, iterations: 2, ...(solver === 'dcem' ? { solverConfig: { elites: 5 } } : {}) });

describe('user models that break the contract', () => {
  beforeAll(useTestBackend);

  it('a step or cost of the wrong shape names the class, the method, the step and the expected shape', () => {
    expect(() => mpc(new FlatStep(), new StateCost(), 'dcem').act([1, 0])).toThrow(/FlatStep\.step\(x \[20, 2\], u \[20, 1\]\) at step t = 0 must return \[20, 2\] \(got \[20\]\)/);
    expect(() => mpc(new Integrator(), new ColumnCost(), 'novas').act([1, 0])).toThrow(/ColumnCost\.cost\(x \[20, 2\], u \[20, 1\], t = 0\) must return \[20\] \(got \[20, 1\]\)/);
  });

  it('gradient planners refuse a model with no action gradient; sampling planners still plan with it', () => {
    for (const solver of ['gd', 'adam', 'qp']) {
      expect(() => mpc(new HostStep(), new StateCost(), solver).act([1, 0]), solver).toThrow(
        new RegExp(`${solver} planner: the rollout cost of StateCost over HostStep (has no gradient with respect to the actions|does not depend differentiably on the actions).*plan with a sampling solver \\(dcem, novas\\)`),
      );
    }
    const a = mpc(new HostStep(), new StateCost(), 'dcem').act([1, 0]);
    expect(Number.isFinite(a[0]!)).toBe(true);
    // and the differentiable twin of the same system passes the check and moves toward the origin
    const u = mpc(new Integrator(), new StateCost(), 'gd').act([1, 0]);
    expect(u[0]!).toBeLessThan(0);
    // a one-step horizon differentiates too (tfjs's unstack gradient breaks on a single step), and a cost
    // that cannot see the action's effect within the horizon is refused rather than planned at the start
    const one = (cost: CostModel) => new MPC({ model: new Integrator(), cost, solver: 'gd', horizon: 1, bounds: [-1, 1], iterations: 2 });
    expect(Number.isFinite(one(new EffortCost()).act([1, 1])[0]!)).toBe(true);
    expect(() => one(new StateCost()).act([1, 1])).toThrow(/gd planner: the rollout cost of StateCost over Integrator (has no gradient with respect to|does not depend differentiably on) the actions/);
  });
});
