// Benchmark of the generated rollout kernels of system definitions (src/models/system/): median ms per MPC.act,
// H 20, side by side in one process, for dcem (N 500, 5 iterations, 50 elites), novas (N 300, 5 iterations),
// gd (5 iterations) and the SQP/QP planner (5 iterations; its Jacobians come from generated code for a
// compiled system, from autodiff on the generic path), for EVERY registered env with a compiled twin
// (Pendulum-v1, CartPole-v1, CartPoleSwingUp-v0, MountainCarContinuous-v0, PlanarQuadrotor-v0,
// AcrobotSwingUp-v0, …, states from each env's reset distribution) and two user-style definitions (the 2-D
// point mass, nu = 2, envs/systems/point-mass.ts; a pendulum with Coulomb friction,
// envs/systems/friction-pendulum.ts), each on
//   generated    the compiled definition: the fused kernel generated from it
//   generic      the same twin with the fused path and generated Jacobians hidden (H × (step + cost) tfjs ops)
// with the ratios generated / Pendulum-v1 generated (target ≤ 1.5 at equal H, N and iterations) and
// generic / generated. 40 warm-up acts before timing (10 on the generic path in --quick). The generated
// paths of all systems are timed interleaved (rounds of a few acts of each system in turn, the order rotating
// every round), and the ratio to Pendulum-v1 is the median over rounds of the per-round ratio, so a load
// burst on the shared machine hits every system alike instead of whichever was being timed.
// Run: `npx tsx scripts/bench-system.ts [--quick] [--backends wasm]` or `diffmpc bench system`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { MPC } from '../controllers/mpc.ts';
import { compileSystem, SystemDynamics } from '../src/models/system/compile.ts';
import type { SystemDefinition } from '../src/models/system/definition.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import '../src/solvers/dcem.ts';
import '../src/solvers/novas.ts';
import '../src/solvers/gd.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { listEnvs, make } from '../envs/index.ts';
import { pointMassSystem } from '../envs/systems/point-mass.ts';
import { frictionPendulumSystem } from '../envs/systems/friction-pendulum.ts';
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
  /** Env id or definition name. */
  system: string;
  model: DynamicsModel;
  cost: CostModel;
  bounds: [number[], number[]];
  observe(rng: Rng): Float32Array;
  dispose(): void;
}

/** The same dynamics without the fused rollout and generated Jacobians: the generic loop, autodiff Jacobians. */
function genericView(model: DynamicsModel): DynamicsModel {
  return { stateDim: model.stateDim, actionDim: model.actionDim, step: (x, u) => model.step(x, u), variables: () => model.variables() };
}

const pendulumObs = (rng: Rng): Float32Array => {
  const th = rng.uniformIn(-Math.PI, Math.PI);
  return Float32Array.of(Math.cos(th), Math.sin(th), rng.uniformIn(-2, 2));
};

/** Every registered env whose model() is a compiled system ('analytic' physics where offered), then the user definitions. */
function systemCases(): Case[] {
  const cases: Case[] = [];
  for (const spec of listEnvs()) {
    const env = make(spec.id, 'physics' in spec.defaults ? { physics: 'analytic' } : {});
    const twin = env.model?.();
    if (!twin || !(twin.dynamics instanceof SystemDynamics)) {
      if (twin) tf.dispose(twin.dynamics.variables());
      env.close?.();
      continue;
    }
    const dyn = twin.dynamics;
    cases.push({
      system: spec.id,
      model: dyn,
      cost: twin.cost,
      bounds: [Array.from(env.actionSpace.low), Array.from(env.actionSpace.high)],
      observe: (rng) => env.reset({ seed: Math.floor(rng.uniformIn(0, 1e6)) }).obs,
      dispose: () => {
        dyn.dispose();
        env.close?.();
      },
    });
  }
  for (const [def, observe] of [
    [pointMassSystem, (rng: Rng) => rng.uniformArray(4, -2, 2)],
    [frictionPendulumSystem, pendulumObs],
  ] as const) {
    const sys = compileSystem(def as SystemDefinition);
    cases.push({ system: `${def.name} (user definition)`, model: sys.dynamics, cost: sys.cost, bounds: [[...def.actionBounds.low], [...def.actionBounds.high]], observe, dispose: () => sys.dynamics.dispose() });
  }
  return cases;
}

function median(xs: number[]): number {
  const ys = [...xs].sort((a, b) => a - b);
  const m = ys.length >> 1;
  return ys.length % 2 ? ys[m]! : 0.5 * (ys[m - 1]! + ys[m]!);
}

/** ms of each MPC.act over fresh observations, after `warmup` acts. */
function timeActs(mpc: MPC, observe: (rng: Rng) => Float32Array, rng: Rng, reps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) mpc.act(observe(rng));
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const o = observe(rng);
    const t0 = performance.now();
    mpc.act(o);
    ts.push(performance.now() - t0);
  }
  return ts;
}

/**
 * Interleaved latencies of several MPCs: after `warmup` acts each, `rounds` rounds of `per` acts of every MPC
 * in turn (the order rotating by one each round). Returns each MPC's act times and its per-round medians.
 */
function interleavedLatency(mpcs: Array<{ mpc: MPC; observe: (rng: Rng) => Float32Array }>, rounds: number, per: number, warmup: number): Array<{ all: number[]; rounds: number[] }> {
  const rngs = mpcs.map(() => new Rng(1));
  mpcs.forEach((m, i) => timeActs(m.mpc, m.observe, rngs[i]!, 0, warmup));
  const out = mpcs.map(() => ({ all: [] as number[], rounds: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < mpcs.length; j++) {
      const i = (j + r) % mpcs.length;
      const ts = timeActs(mpcs[i]!.mpc, mpcs[i]!.observe, rngs[i]!, per, 0);
      out[i]!.all.push(...ts);
      out[i]!.rounds.push(median(ts));
    }
  }
  return out;
}

export async function benchSystem(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  // Timed acts of each generated path: rounds × per, interleaved; of each generic path: genericReps.
  const [rounds, per] = quick ? [6, 10] : [10, 20];
  const genericReps = quick ? 10 : 40;
  const rows: Row[] = [];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    const cases = systemCases();
    const reference = cases.find((c) => c.system === 'Pendulum-v1');
    if (!reference) throw new Error('bench system: Pendulum-v1 is not registered with a compiled twin');
    for (const p of PLANNERS) {
      const mpcOf = (c: Case, path: 'generated' | 'generic') => new MPC({
        model: path === 'generated' ? c.model : genericView(c.model),
        cost: c.cost,
        solver: p.solver,
        horizon: SYSTEM_BENCH.horizon,
        samples: p.samples,
        iterations: p.iterations,
        bounds: c.bounds,
        seed: 0,
        ...('solverConfig' in p ? { solverConfig: { ...p.solverConfig } } : {}),
      });
      const row = (c: Case, path: string, ts: number[], leaked: number): Row =>
        ({ backend, solver: p.solver, samples: p.samples, system: c.system, path, 'ms/act': median(ts), 'min ms': Math.min(...ts), ratio: null, 'tensors leaked': leaked, load: machineLoad() });
      // Generated paths, interleaved across the systems.
      const before = tf.memory().numTensors;
      const gen = interleavedLatency(cases.map((c) => ({ mpc: mpcOf(c, 'generated'), observe: c.observe })), rounds, per, SYSTEM_BENCH.warmup);
      const leaked = tf.memory().numTensors - before;
      // Leaks are counted over the interleaved block: every generated row carries the block's count.
      cases.forEach((c, i) => rows.push(row(c, 'generated', gen[i]!.all, leaked)));
      // Generic paths (many times slower), one system after another.
      const generic = cases.map((c) => {
        const b0 = tf.memory().numTensors;
        const ts = timeActs(mpcOf(c, 'generic'), c.observe, new Rng(1), genericReps, quick ? 10 : SYSTEM_BENCH.warmup);
        rows.push(row(c, 'generic', ts, tf.memory().numTensors - b0));
        return median(ts);
      });
      const ref = gen[cases.indexOf(reference)]!.rounds;
      cases.forEach((c, i) => {
        const ratio = median(gen[i]!.rounds.map((m, r) => m / ref[r]!));
        rows.push({ backend, solver: p.solver, samples: p.samples, system: c.system, path: 'generated / Pendulum-v1', 'ms/act': null, 'min ms': null, ratio, 'tensors leaked': null, load: machineLoad() });
        rows.push({ backend, solver: p.solver, samples: p.samples, system: c.system, path: 'generic / generated', 'ms/act': null, 'min ms': null, ratio: generic[i]! / median(gen[i]!.all), 'tensors leaked': null, load: machineLoad() });
      });
    }
    for (const c of cases) c.dispose();
  }
  console.log(formatTable(rows, ['backend', 'solver', 'samples', 'system', 'path', 'ms/act', 'min ms', 'ratio', 'tensors leaked', 'load']));
  console.log(`(target: every generated path within ${SYSTEM_BENCH.targetRatio}× of Pendulum-v1's; generated / Pendulum-v1 is the median over interleaved rounds of the per-round ratio of medians)`);
  const file = saveReport('system', rows, { backends, quick, ...SYSTEM_BENCH, planners: PLANNERS, ...machineMeta() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'system',
  summary: 'MPC ms/act of the generated kernel vs the generic tfjs loop for every registered env with a compiled twin and two user definitions (2-D point mass, friction pendulum), and the ratio to Pendulum-v1',
  run: ({ backends, quick, outDir }) => benchSystem(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--backends');
  const backends = i >= 0 ? process.argv[i + 1]!.split(',') : ['wasm'];
  await benchSystem(backends, quick);
}
