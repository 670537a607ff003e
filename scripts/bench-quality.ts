// Benchmark of control QUALITY (not speed) of MPC on the envs' differentiable twins, over seeded episodes:
//   1. Pendulum-v1 swing-up, 200 steps, seeds 0..9: mean ± std of the return per planner (dcem, novas, and
//      'qp' when a planner of that name is registered) and per physics (analytic, matter), against the
//      DESIGN.md target mean ≥ −160;
//   2. CartPoleSwingUp-v0, 500 steps, seeds 0..9, per physics: success rate, where success = the episode is not
//      terminated (cart within |x| ≤ 2.4) and cos θ > 0.95 over each of its last 100 steps (reached and held).
//      The planner minimizes the twin's cost with the smooth track penalty (cartPoleSwingUpSystem, envs/cartpole-swingup.ts).
//   3. PlanarQuadrotor-v0, 200 steps, seeds 0..9, per planner (dcem, novas, gd, qp): success = within 0.1 m of the
//      goal (0, 1) m in each of the last 50 states (reached and hovering);
//   4. AcrobotSwingUp-v0, 200 steps, seeds 0..9, per planner: success = the tip reached Gymnasium's bar h ≥ 1;
//      the share of the last 50 states above the bar is reported (only qp is expected to hold it there).
//   Both are defined only as system definitions (one physics: the definition on numbers, 'analytic').
// Every row records its settings (horizon, samples, iterations, solver config) and the median ms per act.
// `--quick` runs 3 pendulum, quadrotor and acrobot seeds and 2 cart-pole seeds of 300 steps. The direct entry
// can run one part so the parts run as parallel processes:
// `--only pendulum|cartpole|quadrotor|acrobot --physics analytic|matter --solvers dcem,novas`
// (the JSON is then named quality-<filters>.json).
// Each episode is one piece (job `quality-episode`, scripts/lib/quality-jobs.ts): reset seed k, its own MPC
// seeded k; the pieces run through the chosen executor (`--workers N`, `--executor`) and the rows are built in
// table order from the results, so every executor prints the same numbers (ms/act and load aside).
// Run: `npx tsx scripts/bench-quality.ts [--quick] [filters] [--workers N]` or `diffmpc bench quality [--quick] [--workers N]`.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import '../envs/index.ts';
import '../src/solvers/index.ts';
import { plannerPresetsFor, type PlannerPreset } from '../controllers/presets.ts';
import '../controllers/index.ts';
import { getPlanner } from '../controllers/planners.ts';
import { runAll } from '../src/exec/collect.ts';
import type { Executor } from '../src/exec/executor.ts';
import type { JobSpec } from '../src/exec/job.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { registerBenchSuite, type BenchRunOptions } from './lib/bench-suites.ts';
import { INLINE, createExecutor, describeChoice, executorChoice } from './lib/executor-options.ts';
import { machineLoad } from './lib/machine-load.ts';
import { QUALITY_TARGETS, type QualityEpisodeConfig, type QualityEpisodeResult } from './lib/quality-jobs.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

export { QUALITY_TARGETS, acrobotSwing, quadrotorHovered, swingUpHeld } from './lib/quality-jobs.ts';

type Physics = 'analytic' | 'matter';

/** Planner settings per solver: the registered presets (controllers/presets.ts) of each task. */
const PENDULUM_QUALITY = plannerPresetsFor('Pendulum-v1');
const CARTPOLE_QUALITY = plannerPresetsFor('CartPoleSwingUp-v0');
const QUADROTOR_QUALITY = plannerPresetsFor('PlanarQuadrotor-v0');
const ACROBOT_QUALITY = plannerPresetsFor('AcrobotSwingUp-v0');

export type QualityPart = 'pendulum' | 'cartpole' | 'quadrotor' | 'acrobot';
const PARTS: QualityPart[] = ['pendulum', 'cartpole', 'quadrotor', 'acrobot'];

/** How each part is run and judged: its env, presets, physics and success criterion (a `qualityJudges` name). */
const PART_TASKS: Record<QualityPart, { env: string; presets: Record<string, PlannerPreset>; physics: Physics[]; judge?: string; target: string }> = {
  pendulum: { env: 'Pendulum-v1', presets: PENDULUM_QUALITY, physics: ['analytic', 'matter'], target: `≥ ${QUALITY_TARGETS.pendulumReturn}` },
  cartpole: { env: 'CartPoleSwingUp-v0', presets: CARTPOLE_QUALITY, physics: ['analytic', 'matter'], judge: 'swing-up', target: 'success 1' },
  quadrotor: { env: 'PlanarQuadrotor-v0', presets: QUADROTOR_QUALITY, physics: ['analytic'], judge: 'hover', target: `success 1 (≤ ${QUALITY_TARGETS.hoverRadius} m over the last ${QUALITY_TARGETS.hoverSteps} steps)` },
  acrobot: { env: 'AcrobotSwingUp-v0', presets: ACROBOT_QUALITY, physics: ['analytic'], judge: 'acrobot', target: `success 1 (tip reaches h ≥ ${QUALITY_TARGETS.acrobotBar})` },
};

/** Which part of the suite to run (the direct entry's `--only`, `--physics`, `--solvers` flags). */
export interface QualityFilter {
  parts?: QualityPart[];
  physics?: Physics[];
  solvers?: string[];
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, std };
}

/** Whether a planner or solver of this name resolves (e.g. 'qp' only once the SQP planner is registered). */
function plannerAvailable(name: string): boolean {
  try {
    getPlanner(name, {});
    return true;
  } catch {
    return false;
  }
}

/** One row of the table: a task × physics × solver over seeds 0 … seeds − 1 (one piece per seed). */
export interface QualityGroup {
  part: QualityPart;
  env: string;
  physics: Physics;
  solver: string;
  preset: PlannerPreset;
  seeds: number;
  steps: number;
}

/** The groups of the suite under a filter, in table order. */
export function qualityGroups(sizes: { pendulumSeeds: number; cartSeeds: number; cartSteps: number }, f: QualityFilter = {}, log: (s: string) => void = () => {}): QualityGroup[] {
  const parts = f.parts ?? PARTS;
  const out: QualityGroup[] = [];
  const add = (part: QualityPart, seeds: number, steps: number) => {
    const { env, presets, physics: allowed } = PART_TASKS[part];
    for (const [solver, preset] of Object.entries(presets)) {
      if (f.solvers && !f.solvers.includes(solver)) continue;
      if (!plannerAvailable(solver)) {
        log(`${part}: planner "${solver}" is not registered, skipped`);
        continue;
      }
      for (const physics of allowed.filter((p) => !f.physics || f.physics.includes(p))) out.push({ part, env, physics, solver, preset, seeds, steps });
    }
  };
  for (const part of PARTS.filter((p) => parts.includes(p))) {
    if (part === 'cartpole') add(part, sizes.cartSeeds, sizes.cartSteps);
    else add(part, sizes.pendulumSeeds, 200);
  }
  return out;
}

/** Id of the piece of group `g` with seed `s`, e.g. "Pendulum-v1/analytic/dcem/s3". */
export const qualityPieceId = (g: QualityGroup, s: number): string => `${g.env}/${g.physics}/${g.solver}/s${s}`;

/** The pieces of the groups: one `quality-episode` job per group × seed, in table order. */
export function qualityJobs(groups: readonly QualityGroup[]): JobSpec[] {
  return groups.flatMap((g) =>
    Array.from({ length: g.seeds }, (_, s): JobSpec => {
      const config: QualityEpisodeConfig = {
        env: g.env,
        physics: g.physics,
        solver: g.solver,
        horizon: g.preset.horizon,
        samples: g.preset.samples,
        iterations: g.preset.iterations,
        solverConfig: g.preset.solverConfig,
        maxEpisodeSteps: g.steps,
        ...(PART_TASKS[g.part].judge ? { judge: PART_TASKS[g.part].judge } : {}),
      };
      return { id: qualityPieceId(g, s), command: 'quality-episode', config: config as never, seed: s };
    }),
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/** The table rows of the groups from their pieces' results (`results[i]` of `qualityJobs(groups)[i]`). */
export function qualityRows(groups: readonly QualityGroup[], results: readonly QualityEpisodeResult[]): Row[] {
  let i = 0;
  return groups.map((g) => {
    const eps = results.slice(i, (i += g.seeds));
    const { mean, std } = meanStd(eps.map((e) => e.return));
    const settings = `H ${g.preset.horizon}, N ${g.preset.samples}, iters ${g.preset.iterations}, ${JSON.stringify(g.preset.solverConfig)}`;
    const common = { physics: g.physics, solver: g.solver, seeds: g.seeds, 'mean return': mean, std };
    const timing = { 'ms/act': median(eps.map((e) => e.actMs)), load: machineLoad() };
    if (g.part === 'pendulum') {
      return { task: `${g.env} (${g.steps} steps)`, ...common, min: Math.min(...eps.map((e) => e.return)), target: `≥ ${QUALITY_TARGETS.pendulumReturn}`, pass: mean >= QUALITY_TARGETS.pendulumReturn, ...timing, settings };
    }
    const ok = eps.map((e) => e.success === true);
    const shares = eps.map((e) => e.tailShare);
    return {
      task: `${g.env} (${g.steps} steps)`,
      ...common,
      success: ok.filter(Boolean).length / g.seeds,
      'failed seeds': ok.flatMap((h, k) => (h ? [] : [k])).join(' ') || '-',
      ...(shares.every((x) => x !== undefined) ? { 'held (last 50)': shares.reduce((a, b) => a + b!, 0) / g.seeds } : {}),
      target: PART_TASKS[g.part].target,
      pass: ok.every(Boolean),
      ...timing,
      settings: g.part === 'cartpole' ? `${settings}, track penalty on` : settings,
    };
  });
}

/** Runs every piece of the groups through `executor` and returns the rows (the same under every executor, timing aside). */
export async function runQualityGroups(groups: readonly QualityGroup[], executor: Executor, log: (s: string) => void = () => {}): Promise<{ rows: Row[]; results: QualityEpisodeResult[] }> {
  const jobs = qualityJobs(groups);
  const results = (await runAll(executor, jobs, {
    what: 'quality episode',
    onResult: (r, done, total) => log(`  [${done}/${total}] ${r.id}: ${r.ok ? `return ${(r.result as unknown as QualityEpisodeResult).return.toFixed(1)}` : `FAILED: ${r.error.message}`} (${(r.ms / 1000).toFixed(1)} s)`),
  })) as unknown as QualityEpisodeResult[];
  return { rows: qualityRows(groups, results), results };
}

export async function runQualityBench(opts: BenchRunOptions, filter: QualityFilter = {}): Promise<string> {
  const backend = opts.backends[0] ?? 'wasm';
  const info = await initBackend(backend);
  const sizes = { pendulumSeeds: opts.quick ? 3 : 10, cartSeeds: opts.quick ? 2 : 10, cartSteps: opts.quick ? 300 : 500 };
  const log = (s: string) => console.error(s);
  const choice = opts.executor ?? INLINE;
  const groups = qualityGroups(sizes, filter, log);
  log(`quality: ${groups.length} row(s), ${groups.reduce((a, g) => a + g.seeds, 0)} episodes on ${describeChoice(choice)}`);
  const t0 = performance.now();
  const { rows } = await runQualityGroups(groups, createExecutor(choice, { backend: info.name }), log);
  const seconds = (performance.now() - t0) / 1000;
  const columns = ['task', 'physics', 'solver', 'seeds', 'mean return', 'std', 'success', 'failed seeds', 'held (last 50)', 'target', 'pass', 'ms/act', 'settings', 'load'];
  console.log(formatTable(rows, columns));
  console.log(`${groups.reduce((a, g) => a + g.seeds, 0)} episodes in ${seconds.toFixed(1)} s on ${describeChoice(choice)}`);
  const filtered = filter.parts || filter.physics || filter.solvers;
  const name = filtered ? ['quality', ...(filter.parts ?? []), ...(filter.physics ?? []), ...(filter.solvers ?? [])].join('-') : 'quality';
  return saveReport(name, rows, { backend: info.name, quick: opts.quick, executor: choice, seconds, pendulum: PENDULUM_QUALITY, cartPole: CARTPOLE_QUALITY, quadrotor: QUADROTOR_QUALITY, acrobot: ACROBOT_QUALITY, targets: QUALITY_TARGETS, seeds: { pendulum: sizes.pendulumSeeds, cartPole: sizes.cartSeeds }, cartPoleSteps: sizes.cartSteps, filter, cpus: os.cpus().length, loadavg: os.loadavg() }, opts.outDir);
}

registerBenchSuite({
  name: 'quality',
  summary: 'MPC control quality: Pendulum-v1 return per solver/physics (target ≥ −160), cart-pole swing-up, planar quadrotor hover and acrobot swing-up success rates',
  pieces: 'episodes (task × physics × solver × seed)',
  run: runQualityBench,
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, physics: { type: 'string' }, solvers: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string', default: 'bench-results' }, executor: { type: 'string' }, workers: { type: 'string' } },
  });
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) throw new Error(`bench-quality --workers: expected an integer in 1..256 (got "${values.workers}")`);
  const executor = executorChoice({ executor: values.executor, workers });
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()) : undefined);
  const parts = list(values.only);
  for (const p of parts ?? []) if (!PARTS.includes(p as QualityPart)) throw new Error(`bench-quality --only: "${p}" is not a part; use ${PARTS.join(', ')} (comma-separated)`);
  const physics = list(values.physics);
  for (const p of physics ?? []) if (p !== 'analytic' && p !== 'matter') throw new Error(`bench-quality --physics: "${p}" is unknown; use analytic, matter or both (comma-separated)`);
  const solvers = list(values.solvers);
  const filter: QualityFilter = { ...(parts ? { parts: parts as QualityFilter['parts'] } : {}), ...(physics ? { physics: physics as Physics[] } : {}), ...(solvers ? { solvers } : {}) };
  const file = await runQualityBench({ backends: [values.backend!], quick: values.quick!, outDir: values.out!, executor }, filter);
  console.log(`saved ${file}`);
}
