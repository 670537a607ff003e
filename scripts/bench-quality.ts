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
//   Both are defined only as system definitions (one physics: the definition on numbers).
// Every row records its settings (horizon, samples, iterations, solver config) and the median ms per act.
// `--quick` runs 3 pendulum, quadrotor and acrobot seeds and 2 cart-pole seeds of 300 steps. The direct entry can
// run one part so the parts run as parallel processes:
// `--only pendulum|cartpole|quadrotor|acrobot --physics analytic|matter --solvers dcem,novas`
// (the JSON is then named quality-<filters>.json).
// Run: `npx tsx scripts/bench-quality.ts [--quick] [filters]` or `diffmpc bench quality [--quick]`.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import '../envs/index.ts';
import '../src/solvers/index.ts';
import { plannerPresetsFor, type PlannerPreset } from '../controllers/presets.ts';
import '../controllers/index.ts';
import { getPlanner } from '../controllers/planners.ts';
import type { Episode } from '../src/streams/collect-episodes.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { controlRun, type ControlRunConfig } from '../src/train/control-run.ts';
import { controlRunSetup } from '../controllers/build-controller.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { QUADROTOR_GOAL } from '../envs/planar-quadrotor.ts';
import { ACROBOT_BAR, acrobotTipHeight } from '../envs/acrobot-swingup.ts';

type Physics = 'analytic' | 'matter';

/** Planner settings per solver: the registered presets (controllers/presets.ts) of each task. */
const PENDULUM_QUALITY = plannerPresetsFor('Pendulum-v1');
const CARTPOLE_QUALITY = plannerPresetsFor('CartPoleSwingUp-v0');
const QUADROTOR_QUALITY = plannerPresetsFor('PlanarQuadrotor-v0');
const ACROBOT_QUALITY = plannerPresetsFor('AcrobotSwingUp-v0');

export type QualityPart = 'pendulum' | 'cartpole' | 'quadrotor' | 'acrobot';
const PARTS: QualityPart[] = ['pendulum', 'cartpole', 'quadrotor', 'acrobot'];

/** Which part of the suite to run (the direct entry's `--only`, `--physics`, `--solvers` flags). */
export interface QualityFilter {
  parts?: QualityPart[];
  physics?: Physics[];
  solvers?: string[];
}

export const QUALITY_TARGETS = { pendulumReturn: -160, holdSteps: 100, holdCos: 0.95, xLimit: 2.4, hoverSteps: 50, hoverRadius: 0.1, acrobotBar: ACROBOT_BAR, acrobotTail: 50 } as const;

const load = (): number => Number(os.loadavg()[0]!.toFixed(2));

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, std };
}

/**
 * Whether a swing-up episode reached upright and held it: it ran all `steps` steps without terminating and
 * cos θ (observation index 2) > holdCos with |x| ≤ xLimit in each of the last `holdSteps` states.
 */
export function swingUpHeld(ep: Episode, steps: number, holdSteps: number = QUALITY_TARGETS.holdSteps, holdCos: number = QUALITY_TARGETS.holdCos): boolean {
  if (ep.terminated || ep.rewards.length < steps) return false;
  return ep.states.slice(-holdSteps).every((s) => s[2]! > holdCos && Math.abs(s[0]!) <= QUALITY_TARGETS.xLimit);
}

/** Whether a quadrotor episode hovers at the goal: within hoverRadius (m) of it in each of the last hoverSteps states. */
export function quadrotorHovered(ep: Episode, steps: number): boolean {
  if (ep.terminated || ep.rewards.length < steps) return false;
  return ep.states.slice(-QUALITY_TARGETS.hoverSteps).every((s) => Math.hypot(s[0]! - QUADROTOR_GOAL.x, s[1]! - QUADROTOR_GOAL.z) <= QUALITY_TARGETS.hoverRadius);
}

/** The acrobot's tip heights over an episode; success = it reached the bar, `held` = share of the last states above it. */
export function acrobotSwing(ep: Episode): { reached: boolean; held: number } {
  const h = ep.states.map((s) => acrobotTipHeight(s));
  const tail = h.slice(-QUALITY_TARGETS.acrobotTail);
  return { reached: h.some((v) => v >= QUALITY_TARGETS.acrobotBar), held: tail.filter((v) => v >= QUALITY_TARGETS.acrobotBar).length / tail.length };
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

function runConfig(env: string, physics: Physics, solver: string, s: PlannerPreset, episodes: number, maxEpisodeSteps: number): ControlRunConfig {
  return { env, physics, controller: 'mpc', solver, ...s, episodes, maxEpisodeSteps, seed: 0, gif: false };
}

const PHYSICS: Physics[] = ['analytic', 'matter'];

async function pendulumRows(seeds: number, f: QualityFilter, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, s] of Object.entries(PENDULUM_QUALITY)) {
    if (f.solvers && !f.solvers.includes(name)) continue;
    if (!plannerAvailable(name)) {
      log(`pendulum: planner "${name}" is not registered, skipped`);
      continue;
    }
    for (const physics of PHYSICS.filter((p) => !f.physics || f.physics.includes(p))) {
      const t0 = performance.now();
      const cfg = runConfig('Pendulum-v1', physics, name, s, seeds, 200);
      const r = await controlRun(controlRunSetup(cfg), cfg);
      const { mean, std } = meanStd(r.episodes.map((e) => e.return));
      rows.push({
        task: 'Pendulum-v1 (200 steps)',
        physics,
        solver: name,
        seeds,
        'mean return': mean,
        std,
        min: Math.min(...r.episodes.map((e) => e.return)),
        target: `≥ ${QUALITY_TARGETS.pendulumReturn}`,
        pass: mean >= QUALITY_TARGETS.pendulumReturn,
        'ms/act': r.actMs,
        settings: `H ${s.horizon}, N ${s.samples}, iters ${s.iterations}, ${JSON.stringify(s.solverConfig)}`,
        's total': Math.round((performance.now() - t0) / 1000),
        load: load(),
      });
      log(formatTable([rows.at(-1)!]));
    }
  }
  return rows;
}

async function cartPoleRows(seeds: number, steps: number, f: QualityFilter, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, s] of Object.entries(CARTPOLE_QUALITY)) {
  if (f.solvers && !f.solvers.includes(name)) continue;
  for (const physics of PHYSICS.filter((p) => !f.physics || f.physics.includes(p))) {
    const t0 = performance.now();
    const cfg = runConfig('CartPoleSwingUp-v0', physics, name, s, seeds, steps);
    const r = await controlRun(controlRunSetup(cfg), cfg);
    const held = r.episodes.map((e) => swingUpHeld(e, steps));
    const { mean, std } = meanStd(r.episodes.map((e) => e.return));
    rows.push({
      task: `CartPoleSwingUp-v0 (${steps} steps)`,
      physics,
      solver: name,
      seeds,
      'mean return': mean,
      std,
      success: held.filter(Boolean).length / seeds,
      'failed seeds': held.flatMap((h, i) => (h ? [] : [i])).join(' ') || '-',
      target: 'success 1',
      pass: held.every(Boolean),
      'ms/act': r.actMs,
      settings: `H ${s.horizon}, N ${s.samples}, iters ${s.iterations}, ${JSON.stringify(s.solverConfig)}, track penalty on`,
      's total': Math.round((performance.now() - t0) / 1000),
      load: load(),
    });
    log(formatTable([rows.at(-1)!]));
  }
  }
  return rows;
}

/** Rows of a system-defined task (one physics): per planner preset, mean return and the success of each seed. */
async function systemTaskRows(
  env: string,
  presets: Record<string, PlannerPreset>,
  seeds: number,
  steps: number,
  f: QualityFilter,
  log: (s: string) => void,
  judge: (ep: Episode) => { ok: boolean; note?: number },
  what: { target: string; note?: string },
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, s] of Object.entries(presets)) {
    if (f.solvers && !f.solvers.includes(name)) continue;
    if (!plannerAvailable(name)) {
      log(`${env}: planner "${name}" is not registered, skipped`);
      continue;
    }
    const t0 = performance.now();
    const cfg = runConfig(env, 'analytic', name, s, seeds, steps);
    const r = await controlRun(controlRunSetup(cfg), cfg);
    const judged = r.episodes.map(judge);
    const { mean, std } = meanStd(r.episodes.map((e) => e.return));
    rows.push({
      task: `${env} (${steps} steps)`,
      physics: 'definition',
      solver: name,
      seeds,
      'mean return': mean,
      std,
      success: judged.filter((j) => j.ok).length / seeds,
      'failed seeds': judged.flatMap((j, i) => (j.ok ? [] : [i])).join(' ') || '-',
      ...(what.note ? { [what.note]: judged.reduce((a, j) => a + (j.note ?? 0), 0) / seeds } : {}),
      target: what.target,
      pass: judged.every((j) => j.ok),
      'ms/act': r.actMs,
      settings: `H ${s.horizon}, N ${s.samples}, iters ${s.iterations}, ${JSON.stringify(s.solverConfig)}`,
      's total': Math.round((performance.now() - t0) / 1000),
      load: load(),
    });
    log(formatTable([rows.at(-1)!]));
  }
  return rows;
}

export async function runQualityBench(opts: { backends: string[]; quick: boolean; outDir: string }, filter: QualityFilter = {}): Promise<string> {
  const backend = opts.backends[0] ?? 'wasm';
  const info = await initBackend(backend);
  const pendSeeds = opts.quick ? 3 : 10;
  const cartSeeds = opts.quick ? 2 : 10;
  const cartSteps = opts.quick ? 300 : 500;
  const log = (s: string) => console.error(s);
  const parts = filter.parts ?? PARTS;
  const rows = [
    ...(parts.includes('pendulum') ? await pendulumRows(pendSeeds, filter, log) : []),
    ...(parts.includes('cartpole') ? await cartPoleRows(cartSeeds, cartSteps, filter, log) : []),
    ...(parts.includes('quadrotor')
      ? await systemTaskRows('PlanarQuadrotor-v0', QUADROTOR_QUALITY, pendSeeds, 200, filter, log, (ep) => ({ ok: quadrotorHovered(ep, 200) }), { target: `success 1 (≤ ${QUALITY_TARGETS.hoverRadius} m over the last ${QUALITY_TARGETS.hoverSteps} steps)` })
      : []),
    ...(parts.includes('acrobot')
      ? await systemTaskRows('AcrobotSwingUp-v0', ACROBOT_QUALITY, pendSeeds, 200, filter, log, (ep) => {
          const a = acrobotSwing(ep);
          return { ok: a.reached, note: a.held };
        }, { target: `success 1 (tip reaches h ≥ ${QUALITY_TARGETS.acrobotBar})`, note: 'held (last 50)' })
      : []),
  ];
  const columns = ['task', 'physics', 'solver', 'seeds', 'mean return', 'std', 'success', 'failed seeds', 'held (last 50)', 'target', 'pass', 'ms/act', 'settings', 's total', 'load'];
  console.log(formatTable(rows, columns));
  const filtered = filter.parts || filter.physics || filter.solvers;
  const name = filtered ? ['quality', ...(filter.parts ?? []), ...(filter.physics ?? []), ...(filter.solvers ?? [])].join('-') : 'quality';
  return saveReport(name, rows, { backend: info.name, quick: opts.quick, pendulum: PENDULUM_QUALITY, cartPole: CARTPOLE_QUALITY, quadrotor: QUADROTOR_QUALITY, acrobot: ACROBOT_QUALITY, targets: QUALITY_TARGETS, seeds: { pendulum: pendSeeds, cartPole: cartSeeds }, cartPoleSteps: cartSteps, filter, cpus: os.cpus().length }, opts.outDir);
}

registerBenchSuite({
  name: 'quality',
  summary: 'MPC control quality: Pendulum-v1 return per solver/physics (target ≥ −160), cart-pole swing-up, planar quadrotor hover and acrobot swing-up success rates',
  run: runQualityBench,
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, physics: { type: 'string' }, solvers: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, out: { type: 'string', default: 'bench-results' } },
  });
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()) : undefined);
  const parts = list(values.only);
  for (const p of parts ?? []) if (!PARTS.includes(p as QualityPart)) throw new Error(`bench-quality --only: "${p}" is not a part; use ${PARTS.join(', ')} (comma-separated)`);
  const physics = list(values.physics);
  for (const p of physics ?? []) if (p !== 'analytic' && p !== 'matter') throw new Error(`bench-quality --physics: "${p}" is unknown; use analytic, matter or both (comma-separated)`);
  const solvers = list(values.solvers);
  const filter: QualityFilter = { ...(parts ? { parts: parts as QualityFilter['parts'] } : {}), ...(physics ? { physics: physics as Physics[] } : {}), ...(solvers ? { solvers } : {}) };
  const file = await runQualityBench({ backends: [values.backend!], quick: values.quick!, outDir: values.out! }, filter);
  console.log(`saved ${file}`);
}
