// MPC controller: planning on a double integrator with a known optimum, warm start shifting, batched
// planning equal to separate plans, differentiable plans (gradient w.r.t. a model parameter vs finite
// differences), bounds, input errors, and flat tensor memory over many control steps.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MPC } from '../../controllers/mpc.ts';
import '../../src/solvers/dcem.ts';
import '../../src/solvers/gd.ts';
import type { CostModel, DynamicsModel } from '../../src/models/types.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

/** x = [p, v], x' = [p + dt v, v + dt·k·u]; k is a learnable gain. */
class DoubleIntegrator implements DynamicsModel {
  readonly stateDim = 2;
  readonly actionDim = 1;
  readonly gain: tf.Variable;
  constructor(gain = 1) {
    this.gain = tf.variable(tf.scalar(gain));
  }
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [p, v] = tf.split(x, 2, 1);
      return tf.concat([tf.add(p!, tf.mul(0.1, v!)), tf.add(v!, tf.mul(0.1, tf.mul(this.gain, u)))], 1);
    });
  }
  variables() {
    return [this.gain];
  }
}

/** c = p² + 0.1 v² + 0.01 u². */
const quadCost: CostModel = {
  cost: (x, u) => tf.tidy(() => tf.sum(tf.add(tf.mul(tf.square(x), tf.tensor([1, 0.1])), tf.mul(0.01, tf.square(u))), 1)),
  variables: () => [],
};

describe('MPC', () => {
  it('drives the double integrator toward the origin with DCEM (receding horizon)', () => {
    const mpc = new MPC({ model: new DoubleIntegrator(), cost: quadCost, horizon: 10, solver: 'dcem', solverConfig: { elites: 20 }, bounds: [-1, 1], iterations: 6, samples: 200, seed: 1 });
    const model = new DoubleIntegrator();
    let x = tf.tensor([[1, 0]]);
    for (let t = 0; t < 40; t++) {
      const u = mpc.act(x.dataSync() as Float32Array);
      expect(u[0]! >= -1 && u[0]! <= 1).toBe(true);
      const nx = model.step(x, tf.tensor([[u[0]!]]));
      x.dispose();
      x = nx;
    }
    const [p, v] = x.dataSync();
    expect(Math.abs(p!)).toBeLessThan(0.2);
    expect(Math.abs(v!)).toBeLessThan(0.3);
  });

  it('shifts the previous plan as the next warm start', () => {
    const mpc = new MPC({ model: new DoubleIntegrator(), cost: quadCost, horizon: 5, solver: 'dcem', bounds: [-1, 1], iterations: 2, samples: 50 });
    mpc.act([1, 0]);
    const plan = mpc.lastPlan!;
    const warm = (mpc as unknown as { warm: Float32Array }).warm;
    expect(Array.from(warm.slice(0, 4))).toEqual(Array.from(plan.slice(1, 5)));
    expect(warm[4]).toBe(plan[4]);
    mpc.reset();
    expect((mpc as unknown as { warm?: Float32Array }).warm).toBeUndefined();
  });

  it('plans a batch as one solve and returns one action per row', () => {
    const mpc = new MPC({ model: new DoubleIntegrator(), cost: quadCost, horizon: 5, solver: 'dcem', bounds: [-1, 1], iterations: 3, samples: 64 });
    const u = mpc.actBatch([Float32Array.of(1, 0), Float32Array.of(-1, 0), Float32Array.of(0.5, 0.5)]);
    expect(u.length).toBe(3);
    expect(u[0]!).toBeLessThan(0); // pushes back toward the origin
    expect(u[1]!).toBeGreaterThan(0);
  });

  it('plan() is differentiable w.r.t. model variables (gd planner, finite differences)', () => {
    const model = new DoubleIntegrator(1);
    const mpc = new MPC({ model, cost: quadCost, horizon: 4, solver: 'gd', solverConfig: { steps: 5, lr: 0.5 }, bounds: [-10, 10], iterations: 5, samples: 1 });
    const x0 = tf.tensor([[1, -0.5]]);
    const mean = tf.zeros([1, 4]);
    const loss = () => tf.sum(tf.square(mpc.plan(x0, { mean, backward: 'unroll' }).actions)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, [model.gain]);
    const g = grads[model.gain.name]!.dataSync()[0]!;
    const h = 1e-2;
    const at = (k: number) => {
      model.gain.assign(tf.scalar(k));
      return loss().dataSync()[0]!;
    };
    const fd = (at(1 + h) - at(1 - h)) / (2 * h);
    model.gain.assign(tf.scalar(1));
    expect(Math.abs(g)).toBeGreaterThan(1e-3);
    expect(Math.abs(g - fd)).toBeLessThan(0.05 * Math.abs(fd) + 1e-3);
    const { grads: g0 } = tf.variableGrads(() => tf.sum(tf.square(mpc.plan(x0, { mean, backward: 'none' }).actions)) as tf.Scalar, [model.gain]);
    expect(g0[model.gain.name]!.dataSync()[0]).toBe(0);
  });

  it('rejects bad configuration and observations with clear errors', () => {
    const base = { model: new DoubleIntegrator(), cost: quadCost, horizon: 5, solver: 'dcem', bounds: [-1, 1] as [number, number] };
    expect(() => new MPC({ ...base, solver: 'nope' })).toThrow(/unknown solver "nope"; registered: .*dcem/);
    expect(() => new MPC({ ...base, horizon: 0 })).toThrow(/horizon: expected a positive integer/);
    expect(() => new MPC({ ...base, bounds: [1, -1] })).toThrow(/low\[0\] = 1 must be below high\[0\] = -1/);
    expect(() => new MPC({ ...base, bounds: [[-1, -1], [1, 1]] })).toThrow(/expected a number or 1 values/);
    const mpc = new MPC(base);
    expect(() => mpc.act([1, 2, 3])).toThrow(/observation must have length 2/);
    expect(() => mpc.act([1, Number.NaN])).toThrow(/contains NaN/);
  });

  it('keeps the tensor count flat over many control steps', () => {
    const mpc = new MPC({ model: new DoubleIntegrator(), cost: quadCost, horizon: 5, solver: 'dcem', bounds: [-1, 1], iterations: 2, samples: 32 });
    mpc.act([1, 0]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) mpc.act([1 - i / 50, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
