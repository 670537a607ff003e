// controllers/build-controller.ts: the env and controllers of an experiment built from its config, which the
// src/train loops take as parameters: the registered env with its TimeLimit bound, one controller per seed,
// and the exploration / learned-model planner pair of model-based RL.
import { beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import { make } from '../../envs/registry.ts';
import { buildController, controlRunSetup, modelBasedControllers } from '../../controllers/build-controller.ts';
import { LQRController } from '../../controllers/lqr.ts';
import { MPC } from '../../controllers/mpc.ts';
import { RandomController } from '../../controllers/random.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import type { ControlRunConfig } from '../../src/train/control-run.ts';
import { useTestBackend } from '../helpers/backend.ts';

const cfg: ControlRunConfig = { env: 'Pendulum-v1', physics: 'analytic', controller: 'mpc', solver: 'dcem', horizon: 4, samples: 8, iterations: 1, episodes: 1, seed: 5, gif: false };

describe('build-controller', () => {
  beforeAll(useTestBackend);

  it('buildController makes MPC on the twin (exposed as .mpc), LQR or random from the config', () => {
    const env = make('Pendulum-v1', { physics: 'analytic' });
    const mpc = buildController(env, cfg);
    expect(mpc).toBeInstanceOf(MPC);
    expect(mpc.mpc).toBe(mpc);
    expect((mpc.mpc as MPC).horizon).toBe(4);
    expect(buildController(env, { ...cfg, controller: 'lqr' })).toBeInstanceOf(LQRController);
    expect(buildController(env, { ...cfg, controller: 'random' })).toBeInstanceOf(RandomController);
  });

  it('controlRunSetup makes the registered env, takes the TimeLimit bound from its spec and seeds each controller', () => {
    const s = controlRunSetup(cfg);
    expect(s.env.id).toBe('Pendulum-v1');
    expect(s.maxEpisodeSteps).toBe(200);
    expect(controlRunSetup({ ...cfg, maxEpisodeSteps: 7 }).maxEpisodeSteps).toBe(7);
    const r = controlRunSetup({ ...cfg, controller: 'random' });
    const a = Array.from(r.controller(1).act(new Float32Array(3)) as Float32Array);
    expect(Array.from(r.controller(1).act(new Float32Array(3)) as Float32Array)).toEqual(a);
    expect(Array.from(r.controller(2).act(new Float32Array(3)) as Float32Array)).not.toEqual(a);
  });

  it('modelBasedControllers explores in the action box and plans with MPC on the given model', () => {
    const env = make('Pendulum-v1', { physics: 'analytic' });
    const { cost } = env.model!();
    const c = modelBasedControllers(env, cost, { ...cfg, episodes: 2, randomEpisodes: 1, episodeSteps: 10, hidden: [8], ensemble: 1, epochs: 1, batchSize: 4, learningRate: 1e-3 });
    const explore = c.explore(9);
    expect(explore).toBeInstanceOf(RandomController);
    for (let k = 0; k < 20; k++) {
      const u = (explore.act(new Float32Array(3)) as Float32Array)[0]!;
      expect(Math.abs(u)).toBeLessThanOrEqual(2);
    }
    const model = compileSystem(pendulumSystem).dynamics;
    const plan = c.plan(model, 9) as MPC;
    expect(plan).toBeInstanceOf(MPC);
    expect(plan.model).toBe(model);
    expect(plan.cost).toBe(cost);
    expect(plan.horizon).toBe(4);
  });
});
