// End-to-end imitation through the differentiable MPC (small settings): the expert's parameters are a
// zero of the loss, and learning moves wrong mass/length toward them through DCEM, NOVAS and the QP (SQP)
// planner.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MPC } from '../../controllers/mpc.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import '../../src/solvers/index.ts';
import '../../controllers/planners.ts'; // registers the 'qp' (SQP) planner
import { Rng } from '../../src/tensor/rng.ts';
import { expertData, imitate } from '../../src/train/imitation.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const CASES = [
  { solver: 'dcem', solverConfig: { elites: 5 }, samples: 32, iterations: 2, sampling: true },
  { solver: 'novas', solverConfig: {}, samples: 32, iterations: 2, sampling: true },
  { solver: 'qp', solverConfig: {}, samples: 1, iterations: 3, sampling: false },
];

describe('imitation through the MPC solver', () => {
  it.each(CASES)('drives mass and length toward the expert values through $solver', ({ solver, solverConfig, samples, iterations, sampling }) => {
    const rng = new Rng(3);
    const obs = tf.tensor(Array.from({ length: 8 }, () => {
      const th = rng.uniformIn(-Math.PI, Math.PI);
      return [Math.cos(th), Math.sin(th), rng.uniformIn(-3, 3)];
    }));
    const common = { horizon: 5, solver, solverConfig, bounds: [-2, 2] as [number, number], iterations, samples };
    const ex = compileSystem(pendulumSystem);
    const expert = new MPC({ ...common, model: ex.dynamics, cost: ex.cost, seed: 1 });
    const data = expertData(expert, obs, { sampling });
    // Identical model ⇒ identical plans (common random numbers for the sampling solvers): the loss is zero.
    const twin = compileSystem(pendulumSystem);
    const same = new MPC({ ...common, model: twin.dynamics, cost: twin.cost });
    const zero = tf.tidy(() => tf.mean(tf.square(tf.sub(same.plan(obs, { mean: data.mean, ...(data.noise ? { noise: data.noise } : {}), backward: 'none' }).actions, data.plans))).dataSync()[0]!);
    expect(zero).toBeLessThan(1e-10);

    const ls = compileSystem(pendulumSystem, { params: { mass: 1.3, length: 0.8 }, trainable: ['mass', 'length'] });
    const lm = ls.dynamics;
    const learner = new MPC({ ...common, model: lm, cost: ls.cost });
    const losses = imitate(learner, data, lm.variables(), { iterations: 25, learningRate: 0.03 });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 3);
    const errBefore = Math.abs(1.3 - 1) + Math.abs(0.8 - 1);
    const errAfter = Math.abs(lm.values().mass - 1) + Math.abs(lm.values().length - 1);
    expect(errAfter).toBeLessThan(errBefore / 2);
  });

  it('rejects an empty variable list', () => {
    const mpc = new MPC({ horizon: 2, solver: 'dcem', bounds: [-2, 2], ...(({ dynamics, cost }) => ({ model: dynamics, cost }))(compileSystem(pendulumSystem)) });
    expect(() => imitate(mpc, { obs: tf.zeros([1, 3]), plans: tf.zeros([1, 2, 1]), mean: tf.zeros([1, 2]) }, [], { iterations: 1, learningRate: 0.1 })).toThrow(/no variables to learn/);
  });
});
