// Benchmark of the generated rollout kernels of system definitions (src/models/system/) against the built-in
// pendulum's hand-written kernel: median ms per MPC.act, H 20, side by side in one process, for dcem (N 500,
// 5 iterations, 50 elites), novas (N 300, 5 iterations), gd (5 iterations) and the SQP/QP planner (5
// iterations; its Jacobians come from generated code for a compiled system, from autodiff otherwise) on
//   builtin      Pendulum twin (src/models/pendulum.ts) with its hand-written fused kernel
//   generated    the pendulum system definition (envs/systems/pendulum.ts) through compileSystem
//   generic      the same definition with the fused path hidden (H × (step + cost) tfjs ops)
//   point mass   the 2-D point mass definition (nu = 2, envs/systems/point-mass.ts), generated kernel
//   friction     a pendulum with Coulomb friction (envs/systems/friction-pendulum.ts), generated kernel
//   quadrotor    PlanarQuadrotor-v0's definition (nx 6, nu 2), acrobot AcrobotSwingUp-v0's (RK4), generated;
//                states from each env's reset distribution
// and the ratios generated / builtin (target ≤ 1.5) and generic / generated. 40 warm-up acts before timing.
// Run: `npx tsx scripts/bench-system.ts [--quick] [--backends wasm]` or `diffmpc bench system`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { MPC } from '../controllers/mpc.ts';
import { pendulumModel } from '../src/models/pendulum.ts';
import { compileSystem } from '../src/models/system/compile.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import '../src/solvers/dcem.ts';
import '../src/solvers/novas.ts';
import '../src/solvers/gd.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { pendulumSystem } from '../envs/systems/pendulum.ts';
import { pointMassSystem } from '../envs/systems/point-mass.ts';
import { frictionPendulumSystem } from '../envs/systems/friction-pendulum.ts';
import { planarQuadrotorEnvSpec, planarQuadrotorSystem } from '../envs/planar-quadrotor.ts';
import { acrobotSwingUpEnvSpec, acrobotSwingUpSystem } from '../envs/acrobot-swingup.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

export const SYSTEM_BENCH = { horizon: 20, warmup: 40, targetRatio: 1.5 } as const;

/** The planners compared, with their sizes. */
const PLANNERS = [
  { solver: 'dcem', samples: 500, iterations: 5, solverConfig: { elites: 50 } },
  { solver: 'novas', samples: 300, iterations: 5 },
  { solver: 'gd', samples: 1, iterations: 5 },
  { solver: 'qp', samples: 1, iterations: 5 },
] as const;

interface Case {
  path: string;
  model: DynamicsModel;
  cost: CostModel;
  bounds: [number | number[], number | number[]];
  observe(rng: Rng): Float32Array;
}

/** The same dynamics without the fused rollout: the generic loop. */
function genericView(model: DynamicsModel): DynamicsModel {
  return { stateDim: model.stateDim, actionDim: model.actionDim, step: (x, u) => model.step(x, u), variables: () => model.variables() };
}

const pendulumObs = (rng: Rng): Float32Array => {
  const th = rng.uniformIn(-Math.PI, Math.PI);
  return Float32Array.of(Math.cos(th), Math.sin(th), rng.uniformIn(-2, 2));
};
const pointMassObs = (rng: Rng): Float32Array => rng.uniformArray(4, -2, 2);

/** Median and minimum ms of one MPC.act over fresh observations, after the warm-up acts. */
function latency(mpc: MPC, observe: (rng: Rng) => Float32Array, reps: number): { median: number; min: number } {
  const rng = new Rng(1);
  for (let i = 0; i < SYSTEM_BENCH.warmup; i++) mpc.act(observe(rng));
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const o = observe(rng);
    const t0 = performance.now();
    mpc.act(o);
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]! };
}

export async function benchSystem(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const reps = quick ? 10 : 40;
  const rows: Row[] = [];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    const builtin = pendulumModel();
    const pend = compileSystem(pendulumSystem);
    const pm = compileSystem(pointMassSystem);
    const fp = compileSystem(frictionPendulumSystem);
    const quad = compileSystem(planarQuadrotorSystem);
    const acro = compileSystem(acrobotSwingUpSystem);
    const cases: Case[] = [
      { path: 'builtin pendulum (hand-written kernel)', model: builtin.dynamics, cost: builtin.cost, bounds: [-2, 2], observe: pendulumObs },
      { path: 'pendulum definition (generated)', model: pend.dynamics, cost: pend.cost, bounds: [-2, 2], observe: pendulumObs },
      { path: 'pendulum definition (generic tfjs)', model: genericView(pend.dynamics), cost: pend.cost, bounds: [-2, 2], observe: pendulumObs },
      { path: 'point mass nu=2 (generated)', model: pm.dynamics, cost: pm.cost, bounds: [-1, 1], observe: pointMassObs },
      { path: 'friction pendulum (generated)', model: fp.dynamics, cost: fp.cost, bounds: [-2, 2], observe: pendulumObs },
      { path: 'planar quadrotor nx=6 nu=2 (generated)', model: quad.dynamics, cost: quad.cost, bounds: [[...planarQuadrotorSystem.actionBounds.low], [...planarQuadrotorSystem.actionBounds.high]], observe: (r) => Float32Array.from(planarQuadrotorEnvSpec.initial(r, planarQuadrotorSystem.params)) },
      { path: 'acrobot RK4 (generated)', model: acro.dynamics, cost: acro.cost, bounds: [-1, 1], observe: (r) => Float32Array.from(acrobotSwingUpEnvSpec.initial(r, acrobotSwingUpSystem.params)) },
    ];
    for (const p of PLANNERS) {
      const ms: Record<string, number> = {};
      for (const c of cases) {
        const mpc = new MPC({
          model: c.model,
          cost: c.cost,
          solver: p.solver,
          horizon: SYSTEM_BENCH.horizon,
          samples: p.samples,
          iterations: p.iterations,
          bounds: c.bounds,
          seed: 0,
          ...('solverConfig' in p ? { solverConfig: { ...p.solverConfig } } : {}),
        });
        const before = tf.memory().numTensors;
        const t = latency(mpc, c.observe, reps);
        ms[c.path] = t.median;
        rows.push({ backend, solver: p.solver, samples: p.samples, path: c.path, 'ms/act': t.median, 'min ms': t.min, 'vs builtin': null, 'tensors leaked': tf.memory().numTensors - before, load: machineLoad() });
      }
      const base = ms[cases[0]!.path]!;
      for (const r of rows.slice(-cases.length)) r['vs builtin'] = (r['ms/act'] as number) / base;
      const gen = ms[cases[1]!.path]!;
      rows.push({ backend, solver: p.solver, samples: p.samples, path: 'generic / generated', 'ms/act': null, 'min ms': null, 'vs builtin': ms[cases[2]!.path]! / gen, 'tensors leaked': null, load: machineLoad() });
    }
    builtin.dynamics.dispose();
    pend.dynamics.dispose();
    pm.dynamics.dispose();
    fp.dynamics.dispose();
    quad.dynamics.dispose();
    acro.dynamics.dispose();
  }
  console.log(formatTable(rows, ['backend', 'solver', 'samples', 'path', 'ms/act', 'min ms', 'vs builtin', 'tensors leaked', 'load']));
  console.log(`(target: generated within ${SYSTEM_BENCH.targetRatio}× of the builtin pendulum; 'vs builtin' is the ratio of medians)`);
  const file = saveReport('system', rows, { backends, quick, ...SYSTEM_BENCH, planners: PLANNERS, ...machineMeta() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'system',
  summary: 'MPC ms/act of generated system kernels (pendulum, 2-D point mass, friction pendulum, planar quadrotor, acrobot definitions) vs the hand-written pendulum kernel and the generic tfjs loop',
  run: ({ backends, quick, outDir }) => benchSystem(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--backends');
  const backends = i >= 0 ? process.argv[i + 1]!.split(',') : ['wasm'];
  await benchSystem(backends, quick);
}
