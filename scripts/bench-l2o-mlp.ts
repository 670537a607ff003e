// The learned optimizer on a real network: a small tanh MLP classifier trained full-batch on Iris and on two
// spirals (policies/l2o/classification-tasks.ts) by SGD, Adam, ε-greedy SGD restarts and the learned
// optimizers (DDPG without and with the explorer ensemble, adaptive step scale; and the ensemble optimizer
// with the version-1 fixed step, for before/after), every method from the same seeded start for T steps.
//
// Pipeline: (1) train the learned optimizers on the synthetic family (`--train-family`, default mlp) and
// save checkpoints (reused when their training settings match); (2) tune SGD's and Adam's learning rates per
// task on tuning seeds disjoint from the test seeds (grid, mean final log10 loss); (3) per (task, seed),
// `runMlpSeed(config, task, seed)` — a pure function of JSON config and seed, so it can run as an executor
// job — returns one JSON row per method, appended as one line to <out>/l2o-mlp/seeds.jsonl as soon as the
// seed finishes (a rerun with the same config skips finished seeds; a torn last line is cut off);
// (4) the summary over seeds (mean ± std and the 95 % interval of the mean, scripts/lib/seed-stats.ts) is
// printed, saved as <out>/l2o-mlp.json and plotted as <out>/l2o-mlp/<task>.png.
// Per row: final and best training loss, test accuracy at the best iterate, and the f + ∇f evaluations and
// wall time until the training loss first reached the task's target.
//
// Run: diffmpc l2o-mlp [--task iris|spirals|all] [--seeds 3] [--steps 300] [--full] [--out bench-results]
//      or diffmpc bench l2o-mlp (the small default). --full: 10 seeds, 600 steps, 100 training episodes.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { appendJsonl, readJsonlRecords, truncateFile } from '../src/tensor/files.ts';
import { plotLearningCurve, savePng } from '../src/plot/index.ts';
import { getClassificationTask, classificationTaskRegistry } from '../policies/l2o/classification-tasks.ts';
import { mlpClassifierProblem, type ClassifierProblem } from '../policies/l2o/mlp-classifier.ts';
import { RecordingProblem } from '../policies/l2o/recording-problem.ts';
import { runAdam, runEpsGreedySgd, runSgd } from '../policies/l2o/baselines.ts';
import { LearnedOptimizer } from '../policies/l2o/learned-optimizer.ts';
import { trainLearnedOptimizer } from '../policies/l2o/train.ts';
import type { StepScaleRule } from '../policies/l2o/state.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { seedStats } from './lib/seed-stats.ts';
import { bestSoFar } from './bench-l2o.ts';

/** A learned optimizer to train: DDPG with or without explorers, with the adaptive or the fixed step. */
export interface LearnedSpec {
  name: string;
  explorers: boolean;
  scale: StepScaleRule;
}

export const LEARNED: readonly LearnedSpec[] = [
  { name: 'l2o', explorers: false, scale: 'adaptive' },
  { name: 'l2o+explorers', explorers: true, scale: 'adaptive' },
  { name: 'l2o+explorers (fixed step, v1)', explorers: true, scale: 'fixed' },
];

/** Everything a seed's run depends on (JSON). */
export interface MlpSeedConfig {
  steps: number;
  /** Checkpoint path per learned method name. */
  checkpoints: Record<string, string>;
  /** Tuned learning rates per task. */
  sgdLr: Record<string, number>;
  adamLr: Record<string, number>;
  epsGreedy: { restarts: number; epsilon: number; stepScale: number };
}

export interface MethodResult {
  method: string;
  finalLoss: number;
  bestLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** f + ∇f evaluations (and ms) until the loss first reached the target; null when it never did. */
  evalsToTarget: number | null;
  msToTarget: number | null;
  /** All f + ∇f evaluations of the run, and its wall time. */
  evals: number;
  ms: number;
  /** Best-so-far training loss per step (t = 0 … T). */
  curve: number[];
}

export interface SeedResult {
  key: string;
  task: string;
  seed: number;
  target: number;
  methods: MethodResult[];
}

type Runner = (p: RecordingProblem, theta0: tf.Tensor, steps: number, rng: Rng) => void;

const loaded = new Map<string, LearnedOptimizer>();
function loadOptimizer(file: string): LearnedOptimizer {
  let o = loaded.get(file);
  if (!o) {
    o = LearnedOptimizer.load(file);
    loaded.set(file, o);
  }
  return o;
}

function runners(cfg: MlpSeedConfig, task: string): Record<string, Runner> {
  const sgdLr = cfg.sgdLr[task];
  const adamLr = cfg.adamLr[task];
  if (sgdLr === undefined || adamLr === undefined) throw new Error(`runMlpSeed: config has no tuned learning rates for task "${task}"`);
  const out: Record<string, Runner> = {
    sgd: (p, th, T) => void runSgd(p, th, T, sgdLr),
    adam: (p, th, T) => void runAdam(p, th, T, adamLr),
    [`eps-greedy-sgd x${cfg.epsGreedy.restarts}`]: (p, th, T, rng) => void runEpsGreedySgd(p, th, T, { lr: sgdLr, ...cfg.epsGreedy, rng }),
  };
  for (const [name, file] of Object.entries(cfg.checkpoints)) {
    out[name] = (p, th, T) => loadOptimizer(file).run(p, th, T).theta.dispose();
  }
  return out;
}

/** A stable key of the config: rows recorded under another key are not reused. */
export function configKey(cfg: MlpSeedConfig): string {
  const s = JSON.stringify(cfg);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** One (task, seed): every method from the same start θ0 on the same split; pure in (config, task, seed). */
export function runMlpSeed(cfg: MlpSeedConfig, taskName: string, seed: number): SeedResult {
  const task = getClassificationTask(taskName);
  const split = task.split(seed);
  const problem: ClassifierProblem = mlpClassifierProblem(split.train, task.hidden, taskName);
  const theta0 = problem.init(1, new Rng(seed * 7919 + 13));
  const methods: MethodResult[] = [];
  try {
    for (const [method, run] of Object.entries(runners(cfg, taskName))) {
      const rec = new RecordingProblem(problem);
      run(rec, theta0, cfg.steps, new Rng(seed * 104729 + 1));
      const { values, ms, evals } = rec.log;
      const best = rec.best;
      if (!best) throw new Error(`runMlpSeed(${taskName}, ${method}): no finite loss was recorded (the run diverged at once)`);
      const curve = bestSoFar(values);
      const hit = values.findIndex((v) => v <= task.target);
      methods.push({
        method,
        finalLoss: values.at(-1)!,
        bestLoss: curve.at(-1)!,
        trainAccuracy: problem.accuracy(best, split.train)[0]!,
        testAccuracy: problem.accuracy(best, split.test)[0]!,
        evalsToTarget: hit >= 0 ? evals[hit]! : null,
        msToTarget: hit >= 0 ? ms[hit]! : null,
        evals: rec.evaluations,
        ms: ms.at(-1)!,
        curve,
      });
      rec.dispose();
    }
  } finally {
    theta0.dispose();
    problem.dispose();
  }
  return { key: configKey(cfg), task: taskName, seed, target: task.target, methods };
}

export interface BenchL2OMlpOptions {
  tasks: string[];
  seeds: number;
  steps?: number;
  full: boolean;
  trainFamily: string;
  /** Base seed: test seeds are seed … seed + seeds − 1; training uses seed, tuning 10⁶ + seed. */
  seed: number;
  /** Tensor backend (default: $DIFFMPC_BACKEND or auto). */
  backend?: string;
  outDir: string;
  /** Overrides the training budget (tests). */
  training?: Partial<TrainingBudget>;
  log?: (line: string) => void;
}

export interface TrainingBudget {
  dims: number[];
  episodes: number;
  steps: number;
  runs: number;
}

const BUDGET = {
  fast: { steps: 300, seeds: 3, training: { dims: [2, 5, 10], episodes: 25, steps: 40, runs: 4 } },
  full: { steps: 600, seeds: 10, training: { dims: [2, 5, 10, 20], episodes: 100, steps: 50, runs: 4 } },
} as const;

export function mlpBenchDefaults(full: boolean): { steps: number; seeds: number } {
  const b = BUDGET[full ? 'full' : 'fast'];
  return { steps: b.steps, seeds: b.seeds };
}

/** Trains (or reuses) each learned optimizer; returns checkpoint paths and the training cost. */
function trainOptimizers(o: BenchL2OMlpOptions, budget: TrainingBudget, dir: string, log: (l: string) => void): { checkpoints: Record<string, string>; training: Record<string, unknown> } {
  const checkpoints: Record<string, string> = {};
  const training: Record<string, unknown> = {};
  for (const spec of LEARNED) {
    const file = path.join(dir, `optimizer-${spec.name.replace(/[^a-z0-9+]+/gi, '-').replace(/-+$/, '')}.json`);
    const want = { family: o.trainFamily, dims: budget.dims, episodes: budget.episodes, steps: budget.steps, runs: budget.runs, explorers: spec.explorers, scale: spec.scale, seed: o.seed };
    if (fs.existsSync(file)) {
      const prev = LearnedOptimizer.load(file);
      const same = JSON.stringify(prev.meta['settings']) === JSON.stringify(want);
      const envSteps = prev.meta['envSteps'];
      prev.dispose();
      if (same) {
        checkpoints[spec.name] = file;
        training[spec.name] = { reused: true, envSteps };
        log(`reusing ${file}`);
        continue;
      }
    }
    const t0 = performance.now();
    const { optimizer, log: eps } = trainLearnedOptimizer({
      family: o.trainFamily,
      dims: budget.dims,
      episodes: budget.episodes,
      steps: budget.steps,
      runs: budget.runs,
      explorers: spec.explorers ? { count: 4 } : null,
      l2o: { scale: spec.scale },
      seed: o.seed,
    });
    const seconds = (performance.now() - t0) / 1000;
    optimizer.meta = { ...optimizer.meta, settings: want };
    optimizer.save(file);
    optimizer.dispose();
    checkpoints[spec.name] = file;
    training[spec.name] = { seconds, envSteps: eps.at(-1)!.envSteps, finalLogImprovement: eps.at(-1)!.logImprovement };
    log(`trained ${spec.name} on ${o.trainFamily}: ${budget.episodes} episodes, ${eps.at(-1)!.envSteps} optimizee steps, ${seconds.toFixed(1)} s → ${file}`);
  }
  return { checkpoints, training };
}

const SGD_GRID = [0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const ADAM_GRID = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

/** The learning rate of `grid` with the lowest mean final log10 best loss over two tuning seeds. */
function tuneLr(taskName: string, steps: number, grid: number[], run: (p: RecordingProblem, th: tf.Tensor, lr: number) => void, seed: number): number {
  const task = getClassificationTask(taskName);
  let best = grid[0]!;
  let bestScore = Infinity;
  for (const lr of grid) {
    let score = 0;
    for (let k = 0; k < 2; k++) {
      const s = 1_000_000 + seed + k;
      const problem = mlpClassifierProblem(task.split(s).train, task.hidden, taskName);
      const th = problem.init(1, new Rng(s));
      const rec = new RecordingProblem(problem);
      run(rec, th, lr);
      const b = bestSoFar(rec.log.values).at(-1)!;
      score += Number.isFinite(b) ? Math.log10(b + 1e-12) : Infinity;
      rec.dispose();
      th.dispose();
      problem.dispose();
    }
    if (score < bestScore) {
      bestScore = score;
      best = lr;
    }
  }
  return best;
}

function fmt(x: number, digits = 3): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toFixed(digits) : x.toExponential(2);
}

/** mean ± std and "[lo, hi]" of values (std/interval omitted for one value). */
function describe(xs: number[], digits = 3): { mean: number; text: string; ci: string } {
  const s = seedStats(xs);
  return {
    mean: s.mean,
    text: s.std === null ? fmt(s.mean, digits) : `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}`,
    ci: s.ci95 ? `[${fmt(s.ci95[0], digits)}, ${fmt(s.ci95[1], digits)}]` : '-',
  };
}

/** Summary rows per (task, method) over the seeds' results. */
export function summarise(results: SeedResult[]): Row[] {
  const rows: Row[] = [];
  const tasks = [...new Set(results.map((r) => r.task))];
  for (const task of tasks) {
    const rs = results.filter((r) => r.task === task);
    const methods = rs[0]!.methods.map((m) => m.method);
    for (const method of methods) {
      const ms = rs.map((r) => r.methods.find((m) => m.method === method)!);
      const loss = describe(ms.map((m) => Math.log10(m.bestLoss + 1e-12)), 2);
      const acc = describe(ms.map((m) => m.testAccuracy), 3);
      const hit = ms.filter((m) => m.evalsToTarget !== null);
      rows.push({
        task,
        method,
        seeds: ms.length,
        'log10 best loss': loss.text,
        'log10 loss 95% CI': loss.ci,
        'median best loss': ms.map((m) => m.bestLoss).sort((a, b) => a - b)[Math.floor(ms.length / 2)]!,
        'test acc': acc.text,
        'test acc 95% CI': acc.ci,
        target: rs[0]!.target,
        reached: `${hit.length}/${ms.length}`,
        'evals to target': hit.length ? describe(hit.map((m) => m.evalsToTarget!), 0).text : '-',
        'ms to target': hit.length ? describe(hit.map((m) => m.msToTarget!), 0).text : '-',
        'ms/run': seedStats(ms.map((m) => m.ms)).mean,
      });
    }
  }
  return rows;
}

/** Reads the finished seeds recorded under `key`, cutting off a torn last line first. */
function readFinished(file: string, key: string, log: (l: string) => void): SeedResult[] {
  const r = readJsonlRecords<SeedResult>(file);
  if (r.tornBytes > 0) {
    log(`note: ${file}: cutting a torn last line (${r.tornBytes} bytes, a write interrupted by a kill)`);
    truncateFile(file, r.ends.at(-1) ?? 0);
  }
  return r.records.filter((x) => x.key === key);
}

export async function benchL2OMlp(o: BenchL2OMlpOptions): Promise<string> {
  const log = o.log ?? ((l: string) => console.log(l));
  const b = BUDGET[o.full ? 'full' : 'fast'];
  const steps = o.steps ?? b.steps;
  for (const [k, v] of Object.entries({ '--seeds': o.seeds, '--steps': steps })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k}: expected a positive integer (got ${v})`);
  }
  if (o.tasks.length === 0) throw new Error(`--task: name at least one task (${classificationTaskRegistry.list().join(', ')}, or all)`);
  for (const t of o.tasks) getClassificationTask(t);
  await initBackend(o.backend, { quiet: true });
  const dir = path.resolve(o.outDir, 'l2o-mlp');
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const budget: TrainingBudget = { ...b.training, dims: [...b.training.dims], ...o.training };
  const { checkpoints, training } = trainOptimizers(o, budget, dir, log);
  const sgdLr: Record<string, number> = {};
  const adamLr: Record<string, number> = {};
  for (const t of o.tasks) {
    sgdLr[t] = tuneLr(t, steps, SGD_GRID, (p, th, lr) => void runSgd(p, th, steps, lr), o.seed);
    adamLr[t] = tuneLr(t, steps, ADAM_GRID, (p, th, lr) => void runAdam(p, th, steps, lr), o.seed);
    log(`${t}: tuned sgd lr ${sgdLr[t]}, adam lr ${adamLr[t]} (tuning seeds disjoint from the test seeds)`);
  }
  const cfg: MlpSeedConfig = { steps, checkpoints, sgdLr, adamLr, epsGreedy: { restarts: 4, epsilon: 0.1, stepScale: 0.5 } };
  const key = configKey(cfg);
  const jsonl = path.join(dir, 'seeds.jsonl');
  const results = readFinished(jsonl, key, log);
  for (const task of o.tasks) {
    for (let s = o.seed; s < o.seed + o.seeds; s++) {
      if (results.some((r) => r.task === task && r.seed === s)) {
        log(`${task} seed ${s}: already recorded in ${jsonl}`);
        continue;
      }
      const r = runMlpSeed(cfg, task, s);
      appendJsonl(jsonl, r);
      results.push(r);
      log(`${task} seed ${s}: ` + r.methods.map((m) => `${m.method} ${m.bestLoss.toExponential(2)}/${(100 * m.testAccuracy).toFixed(0)}%`).join(', '));
    }
  }
  const chosen = results.filter((r) => o.tasks.includes(r.task) && r.seed >= o.seed && r.seed < o.seed + o.seeds);
  const rows = summarise(chosen);
  log(formatTable(rows));
  const plots: string[] = [];
  for (const task of o.tasks) {
    const rs = chosen.filter((r) => r.task === task);
    const names = rs[0]!.methods.map((m) => m.method);
    const png = plotLearningCurve({
      curves: names.map((label) => ({
        label,
        seeds: rs.map((r) => r.methods.find((m) => m.method === label)!.curve.map((v) => Math.log10(v + 1e-12))),
        x: Array.from({ length: steps + 1 }, (_, i) => i),
      })),
      title: `${getClassificationTask(task).summary}: best training loss over ${rs.length} seeds (mean ± std)`,
      xLabel: 'step (one f and one ∇f evaluation each)',
      yLabel: 'log10 cross-entropy',
    });
    const file = path.join(dir, `${task}.png`);
    savePng(file, png);
    plots.push(file);
  }
  for (const opt of loaded.values()) opt.dispose();
  loaded.clear();
  const file = saveReport(
    'l2o-mlp',
    rows,
    {
      mode: o.full ? 'full' : 'fast',
      tasks: o.tasks,
      seeds: [o.seed, o.seed + o.seeds - 1],
      trainFamily: o.trainFamily,
      trainingBudget: budget,
      training,
      config: cfg,
      key,
      backend: o.backend ?? 'auto',
      seedsFile: jsonl,
      plots,
      totalSeconds: (performance.now() - t0) / 1000,
    },
    o.outDir,
  );
  log(`saved ${file}, per-seed rows in ${jsonl}, plots ${plots.join(', ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return file;
}

registerBenchSuite({
  name: 'l2o-mlp',
  summary: 'learned optimizer vs SGD, Adam, ε-greedy SGD training an MLP on Iris and two spirals',
  run: ({ backends, outDir, quick }) => benchL2OMlp({ tasks: ['iris', 'spirals'], seeds: quick ? 1 : 3, ...(quick ? { steps: 100 } : {}), full: false, trainFamily: 'mlp', seed: 0, backend: backends[0] ?? 'wasm', outDir }),
});
