// MPC's `trace` option: with it, `lastInfo.trace` holds the solver's per-iteration objective statistics
// `[iters][B]` (mean ≥ best, σ ≥ 0, finite) for every sampling solver; without it there is none (the default
// costs no device reads). The browser playground charts it live.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MPC } from '../../controllers/mpc.ts';
import '../../controllers/planners.ts';
import '../../src/solvers/index.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

describe('MPC trace option', () => {
  for (const solver of ['dcem', 'novas', 'gd']) {
    it(`${solver}: lastInfo.trace has one row per iteration when asked for, none otherwise`, () => {
      const { dynamics, cost } = compileSystem(pendulumSystem);
      const common = { model: dynamics, cost, horizon: 8, samples: solver === 'gd' ? 1 : 64, iterations: 4, solver, bounds: [-2, 2] as [number, number], seed: 1 };
      const obs = Float32Array.of(-1, 0, 0);
      const plain = new MPC(common);
      plain.act(obs);
      expect(plain.lastInfo?.trace).toBeUndefined();
      const traced = new MPC({ ...common, trace: true });
      traced.act(obs);
      const t = traced.lastInfo?.trace;
      expect(t).toBeDefined();
      expect(t!.mean.length).toBe(4);
      for (let i = 0; i < 4; i++) {
        expect(t!.mean[i]!.length).toBe(1);
        expect(Number.isFinite(t!.mean[i]![0]!)).toBe(true);
        expect(t!.std[i]![0]!).toBeGreaterThanOrEqual(0);
        expect(t!.best[i]![0]!).toBeLessThanOrEqual(t!.mean[i]![0]! + 1e-4);
      }
      tf.dispose([...dynamics.variables(), ...cost.variables()]);
    });
  }
});
