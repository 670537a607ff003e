// Benchmark of the MPC inner loop on the pendulum twin (issue 6 target: horizon 20, 500 samples, 5 DCEM
// iterations, one control step under 10 ms on the wasm backend):
//   1. step latency of controllers/mpc.ts MPC.act per registered sampling/gradient solver (dcem, novas, gd)
//      and backend, with the fused rollout op generated from the definition (envs/pendulum.ts, compiled by
//      src/models/system/) vs the generic tfjs loop;
//   2. throughput of ONE batched controller over 64 observations (MPC.actBatch, 64 rows) vs 64 separate
//      controllers each acting on one observation (target ≥ 10×), per planner (dcem N 500, novas and qp at
//      their presets, gd), with the per-call / per-row split that bounds it;
//   3. a profile of one fused DCEM step: the objective (fused op), noise generation, tfjs kernels by name
//      (tf.profile), the LML soft top-k on its own, and the remainder (op dispatch, host syncs, JS).
// The machine's 1-minute load average is printed next to every number (timings on a shared CPU are noisy).
// Run: `npx tsx scripts/bench-mpc.ts [--quick] [--backends wasm,cpu]` or `diffmpc bench mpc`.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { MPC } from '../controllers/mpc.ts';
import { hasFusedRollout } from '../src/models/fused-rollout.ts';
import { compileSystem, type SystemDynamics } from '../src/models/system/compile.ts';
import { pendulumSystem } from '../envs/pendulum.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import { lml } from '../src/solvers/lml.ts';
import { listSolvers } from '../src/solvers/types.ts';
import { plannerPresetsFor } from '../controllers/presets.ts';
import '../src/solvers/dcem.ts';
import '../src/solvers/novas.ts';
import '../src/solvers/gd.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, timeMs, type Row } from './lib/report.ts';

export const MPC_BENCH = { horizon: 20, samples: 500, iterations: 5, batch: 64, targetMs: 10, targetSpeedup: 10 } as const;
const SOLVERS = ['dcem', 'novas', 'gd'];

/** 1-minute load average of the machine, as a string next to each number. */
const load = (): number => Number(os.loadavg()[0]!.toFixed(2));

/** The same dynamics without the fused rollout: the generic loop of H × (step + cost) tfjs ops. */
export function genericView(model: DynamicsModel): DynamicsModel {
  return { stateDim: model.stateDim, actionDim: model.actionDim, step: (x, u) => model.step(x, u), variables: () => model.variables() };
}

/** `count` pendulum observations [cos θ, sin θ, θ̇] from a seeded generator, `[count][3]`. */
function observations(count: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    return Float32Array.of(Math.cos(th), Math.sin(th), rng.uniformIn(-2, 2));
  });
}

function controller(model: DynamicsModel, cost: CostModel, solver: string, seed = 0): MPC {
  return new MPC({
    model,
    cost,
    solver,
    horizon: MPC_BENCH.horizon,
    samples: MPC_BENCH.samples,
    iterations: MPC_BENCH.iterations,
    bounds: [-2, 2],
    seed,
  });
}

/**
 * Median and minimum latency (ms) of one MPC.act over a sequence of observations, after WARMUP steps (the
 * wasm engine tiers its kernels up during the first steps: with 2 warm-up steps the first solver's median was
 * about 2× the later ones, with 10 still about 1.5×, with 40 the same as the later ones).
 */
const WARMUP = 40;
function stepLatency(mpc: MPC, reps: number): { median: number; min: number } {
  const obs = observations(reps + WARMUP, 1);
  for (let i = 0; i < WARMUP; i++) mpc.act(obs[i]!);
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    mpc.act(obs[i + WARMUP]!);
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]! };
}

/** Latency of every solver × path on the current backend. */
async function latencyRows(backend: string, dynamics: SystemDynamics<string>, cost: CostModel, reps: number): Promise<Row[]> {
  const rows: Row[] = [];
  const registered = new Set(listSolvers().map((s) => s.name));
  for (const solver of SOLVERS.filter((s) => registered.has(s))) {
    for (const path of ['fused', 'generic'] as const) {
      const model = path === 'fused' ? dynamics : genericView(dynamics);
      const before = tf.memory().numTensors;
      const { median: ms, min } = stepLatency(controller(model, cost, solver), reps);
      const leaked = tf.memory().numTensors - before;
      rows.push({ bench: 'step', backend, solver, path, 'ms/step': ms, 'min ms': min, Hz: Math.round(1000 / ms), 'under 10 ms': ms < MPC_BENCH.targetMs, 'tensors leaked': leaked, load: load() });
    }
  }
  return rows;
}

/** A planner configuration of the throughput comparison. */
interface ThroughputPlanner {
  solver: string;
  samples: number;
  iterations: number;
  solverConfig?: Record<string, unknown>;
}

/**
 * The planners of the throughput comparison: DCEM at the latency target's settings (N 500), NOVAS and the SQP
 * planner at their Pendulum-v1 presets (controllers/presets.ts), and gradient-descent shooting (gd, 5 steps).
 */
function throughputPlanners(): ThroughputPlanner[] {
  const presets = plannerPresetsFor('Pendulum-v1');
  const fromPreset = (solver: string): ThroughputPlanner[] => {
    const p = presets[solver];
    return p ? [{ solver, samples: p.samples, iterations: p.iterations, solverConfig: p.solverConfig }] : [];
  };
  return [
    { solver: 'dcem', samples: MPC_BENCH.samples, iterations: MPC_BENCH.iterations },
    ...fromPreset('novas'),
    ...fromPreset('qp'),
    { solver: 'gd', samples: 1, iterations: MPC_BENCH.iterations },
  ];
}

/**
 * One batched controller over `batch` observations vs `batch` controllers acting one by one (fused rollout).
 * Batching removes the per-call cost o (op dispatch, host syncs, JS) of all but one call and keeps the per-row
 * compute c (rollout arithmetic, noise, ranking, QP solves), so the speedup is at most (o + c) / (o/B + c);
 * the last row estimates o and c from the two timings (t_sep = B(o + c), t_bat = o + Bc) and gives the
 * ceiling (o + c)/c, the speedup as B → ∞.
 */
async function throughputRows(backend: string, dynamics: SystemDynamics<string>, cost: CostModel, reps: number, planner: ThroughputPlanner): Promise<Row[]> {
  const B = MPC_BENCH.batch;
  const obs = observations(B, 2);
  const make = (seed: number) =>
    new MPC({ model: dynamics, cost, solver: planner.solver, horizon: MPC_BENCH.horizon, samples: planner.samples, iterations: planner.iterations, bounds: [-2, 2], seed, ...(planner.solverConfig ? { solverConfig: planner.solverConfig } : {}) });
  const batched = make(0);
  const flat = new Float32Array(B * 3);
  obs.forEach((o, i) => flat.set(o, 3 * i));
  const tBatched = await timeMs(() => batched.actBatch(flat), reps, 1);
  const separate = obs.map((_, i) => make(i));
  const tSeparate = await timeMs(() => separate.forEach((m, i) => m.act(obs[i]!)), Math.max(1, Math.floor(reps / 3)), 1);
  const speedup = tSeparate / tBatched;
  // t_sep = B(o + c), t_bat = o + B c  ⇒  o = (t_sep − t_bat)/(B − 1), c = t_sep/B − o.
  const perCall = Math.max(0, (tSeparate - tBatched) / (B - 1));
  const perRow = Math.max(1e-9, tSeparate / B - perCall);
  const base = { bench: 'throughput', backend, solver: planner.solver, samples: planner.samples };
  return [
    { ...base, path: `1 controller × ${B} rows`, 'ms/round': tBatched, 'obs/s': Math.round((B / tBatched) * 1000), speedup: 1, load: load() },
    { ...base, path: `${B} controllers × 1 row`, 'ms/round': tSeparate, 'obs/s': Math.round((B / tSeparate) * 1000), speedup: 1 / speedup, load: load() },
    { ...base, path: 'batched / separate', 'ms/round': null, 'obs/s': null, speedup, 'meets 10×': speedup >= MPC_BENCH.targetSpeedup, load: load() },
    { ...base, path: `ceiling: per-call o ${perCall.toFixed(2)} ms, per-row c ${perRow.toFixed(2)} ms`, 'ms/round': null, 'obs/s': null, speedup: (perCall + perRow) / perRow, 'meets 10×': null, load: load() },
  ];
}

/** Wraps `obj[key]` (a method) to accumulate its wall time into `acc.ms` and its call count. */
function timeMethod<T extends object>(obj: T, key: keyof T, acc: { ms: number; calls: number }): () => void {
  const original = obj[key] as unknown as (...a: unknown[]) => unknown;
  const own = Object.hasOwn(obj, key);
  (obj as Record<keyof T, unknown>)[key] = (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return original.apply(obj, args);
    } finally {
      acc.ms += performance.now() - t0;
      acc.calls++;
    }
  };
  return () => {
    if (own) (obj as Record<keyof T, unknown>)[key] = original;
    else delete (obj as Record<keyof T, unknown>)[key];
  };
}

/** Where the time of one fused DCEM step goes (averages over `reps` steps). */
async function profileRows(backend: string, dynamics: SystemDynamics<string>, cost: CostModel, reps: number): Promise<Row[]> {
  const { horizon: H, samples: N, iterations: T } = MPC_BENCH;
  const mpc = controller(dynamics, cost, 'dcem');
  const obs = observations(reps + 2, 3);
  for (let i = 0; i < 2; i++) mpc.act(obs[i]!);
  // Timed runs: step wall time with the objective and noise timers (a few µs of overhead per call).
  const objective = { ms: 0, calls: 0 };
  const noise = { ms: 0, calls: 0 };
  let wall = 0;
  const restore = [timeMethod(dynamics, 'fusedRolloutCost', objective), timeMethod(mpc.rng, 'normalTensor', noise)];
  try {
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      mpc.act(obs[r + 2]!);
      wall += performance.now() - t0;
    }
  } finally {
    restore.forEach((f) => f());
  }
  // Kernel view from separate runs under tf.profile (which slows the step down; only kernel times are used).
  const kernels = new Map<string, { ms: number; count: number }>();
  for (let r = 0; r < reps; r++) {
    const info = await tf.profile(() => {
      mpc.act(obs[r % obs.length]!);
    });
    for (const k of info.kernels) {
      const e = kernels.get(k.name) ?? { ms: 0, count: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.count++;
      kernels.set(k.name, e);
    }
  }
  // LML on its own: T projections of [1, N] with k = 10, eps 1e-3 (DCEM's defaults), forward only.
  const z = tf.tensor2d(new Rng(4).normalArray(N), [1, N]);
  const lmlMs = await timeMs(() => tf.tidy(() => lml(z, 10, { eps: 1e-3 }).dataSync()), 15, 2);
  z.dispose();
  // One tiny op and a host read (DCEM's stop test reads ‖μ' − μ‖ once per iteration).
  const s = tf.tensor1d([1]);
  const syncMs = await timeMs(() => tf.tidy(() => tf.sum(tf.square(s)).dataSync()), 30, 3);
  s.dispose();
  const per = (ms: number) => ms / reps;
  const stepMs = per(wall);
  const all = [...kernels.values()];
  const kernelMs = all.reduce((a, e) => a + e.ms, 0) / reps;
  const kernelCount = all.reduce((a, e) => a + e.count, 0) / reps;
  // Custom ops (fused rollout, LML, repeatRows) appear as 'unnamed scope' kernels; the rest are tfjs kernels.
  const customMs = per(kernels.get('unnamed scope')?.ms ?? 0);
  const tfjsMs = kernelMs - customMs;
  const remainder = stepMs - per(objective.ms) - per(noise.ms) - lmlMs * T - tfjsMs;
  const row = (part: string, ms: number, calls: number | null): Row => ({ bench: 'profile', backend, part, ms, share: ms / stepMs, calls, load: load() });
  const rows: Row[] = [
    row('MPC step (dcem, fused) = 100%', stepMs, 1),
    row(`fused objective (${N}×${H} rollout + cost)`, per(objective.ms), objective.calls / reps),
    row(`noise (${T}×${N}×${H} normals, Rng)`, per(noise.ms), noise.calls / reps),
    row(`LML [1, ${N}] ×${T} (standalone)`, lmlMs * T, T),
    row(`tfjs kernels (${Math.round(kernelCount)} launched per step; ms of the built-in ones)`, tfjsMs, Math.round(kernelCount)),
    row('remainder (estimate): op dispatch, tidy, host syncs, JS', remainder, null),
    row('one tiny op + host read (standalone)', syncMs, 1),
  ];
  const top = [...kernels.entries()].filter(([name]) => name !== 'unnamed scope').sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
  for (const [name, e] of top) rows.push(row(`  kernel ${name}`, e.ms / reps, e.count / reps));
  return rows;
}

export async function benchMpc(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const reps = quick ? 5 : 30;
  const all: Row[] = [];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    const { dynamics, cost } = compileSystem(pendulumSystem);
    if (!hasFusedRollout(dynamics)) throw new Error('bench mpc: the pendulum twin has no fused rollout');
    const latency = await latencyRows(backend, dynamics, cost, reps);
    console.log(formatTable(latency, ['backend', 'solver', 'path', 'ms/step', 'min ms', 'Hz', 'under 10 ms', 'tensors leaked', 'load']));
    const throughput: Row[] = [];
    for (const planner of throughputPlanners()) throughput.push(...(await throughputRows(backend, dynamics, cost, quick ? 2 : 4, planner)));
    console.log(formatTable(throughput, ['backend', 'solver', 'samples', 'path', 'ms/round', 'obs/s', 'speedup', 'load']));
    console.log('(ceiling rows: per-call cost o and per-row compute c estimated from the two timings; speedup (o + c)/c as B → ∞)');
    const profile = await profileRows(backend, dynamics, cost, quick ? 3 : 8);
    console.log(formatTable(profile, ['backend', 'part', 'ms', 'share', 'calls', 'load']));
    console.log('');
    all.push(...latency, ...throughput, ...profile);
    dynamics.dispose();
  }
  const file = saveReport('mpc', all, { backends, quick, ...MPC_BENCH, cpus: os.cpus().length, loadavg: os.loadavg() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'mpc',
  summary: 'pendulum MPC step latency (H 20, N 500, 5 iters) per solver/backend, fused vs generic rollout; batched throughput',
  run: ({ backends, quick, outDir }) => benchMpc(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--backends');
  const backends = i >= 0 ? process.argv[i + 1]!.split(',') : ['wasm', 'cpu'];
  await benchMpc(backends, quick);
}
