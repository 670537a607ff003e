// Benchmark of the learned optimizer (policies/l2o): train on one problem family, test on held-out ones.
//
// Two coordinate-wise optimizers are trained with DDPG on random instances of the training family, one
// with plain action noise and one whose replay buffer is augmented by the gradient-based explorer ensemble
// (policies/l2o/explorers.ts). SGD and Adam learning rates are tuned on the training family (grid, mean
// final log10 f), and ε-greedy SGD runs n restarts with the same total step budget. Every method then runs
// T steps on the same S seeded instances (and starting points) of every test family and dimension. With
// several training seeds (--full: 3), test seed s uses the optimizer trained with seed s mod 3, so the
// seed bands include the variance of DDPG training itself.
// Reported per (family, dim, method): mean ± std over seeds of log10 of the best value reached, the median
// best value, how many seeds reached the threshold f ≤ 1e-2·f(θ0) and the mean step at which they did, and
// the mean wall time per run. Convergence plots (log10 best-so-far f, mean ± std band over seeds) are PNGs.
//
// Run: npx tsx scripts/bench-l2o.ts [--full] [--train-seeds K] [--train-family quadratic] [--seed 0] [--backend wasm]
//      [--out bench-results]
//      or `diffmpc bench l2o` (fast default, ≤ 3 min on 2 cores). Checkpoints: <out>/l2o/optimizer*.json.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { plotLearningCurve, savePng } from '../src/plot/index.ts';
import { listProblemFamilies, makeProblem, type Problem } from '../policies/l2o/problems.ts';
import { trainLearnedOptimizer, type EpisodeLog } from '../policies/l2o/train.ts';
import { runAdam, runEpsGreedySgd, runSgd } from '../policies/l2o/baselines.ts';
import type { LearnedOptimizer } from '../policies/l2o/learned-optimizer.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

export interface BenchL2OOptions {
  full: boolean;
  /** Overrides the budget's number of training seeds. */
  trainSeeds?: number;
  trainFamily: string;
  seed: number;
  backend: string;
  outDir: string;
}

interface Budget {
  /** Independently trained optimizers per variant; test seed s uses optimizer s mod trainSeeds. */
  trainSeeds: number;
  trainDims: number[];
  episodes: number;
  trainSteps: number;
  runs: number;
  testDims: number[];
  seeds: number;
  steps: number;
}

const BUDGETS: Record<'fast' | 'full', Budget> = {
  fast: { trainSeeds: 1, trainDims: [2, 5, 10], episodes: 25, trainSteps: 40, runs: 4, testDims: [2, 10], seeds: 4, steps: 100 },
  full: { trainSeeds: 3, trainDims: [2, 5, 10, 20], episodes: 150, trainSteps: 50, runs: 4, testDims: [2, 5, 10, 20], seeds: 10, steps: 200 },
};

/** A method run: problem, start `[1, M]`, steps, a seeded Rng and the test-seed index → values per step. */
type Method = (p: Problem, theta0: tf.Tensor, steps: number, rng: Rng, seedIndex: number) => Float32Array[];

/** Best-so-far values per step: best[t] = min_{τ ≤ t} f_τ (non-finite values never count as best). */
export function bestSoFar(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  let b = Infinity;
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (Number.isFinite(v) && v < b) b = v;
    out.push(b);
  }
  return out;
}

/** Picks the learning rate from `grid` with the lowest mean final log10 best value on the training family. */
function tuneLr(run: (p: Problem, th: tf.Tensor, lr: number) => Float32Array[], family: string, dims: number[], steps: number, seed: number): number {
  const grid = [0.003, 0.01, 0.03, 0.1, 0.3];
  let best = grid[0]!;
  let bestScore = Infinity;
  for (const lr of grid) {
    const rng = new Rng(seed);
    let score = 0;
    for (const dim of dims) {
      const p = makeProblem(family, dim, rng);
      const th = p.init(4, rng);
      const vals = run(p, th, lr);
      for (let b = 0; b < 4; b++) score += Math.log10(bestSoFar(vals.map((v) => v[b]!)).at(-1)! + 1e-12);
      th.dispose();
      p.dispose();
    }
    if (score < bestScore) {
      bestScore = score;
      best = lr;
    }
  }
  return best;
}

export async function benchL2O(o: BenchL2OOptions): Promise<string> {
  await initBackend(o.backend, { quiet: true });
  const budget = { ...BUDGETS[o.full ? 'full' : 'fast'] };
  if (o.trainSeeds !== undefined) {
    if (!Number.isInteger(o.trainSeeds) || o.trainSeeds < 1) throw new Error(`--train-seeds: expected a positive integer (got ${o.trainSeeds})`);
    budget.trainSeeds = o.trainSeeds;
  }
  const outDir = path.resolve(o.outDir, 'l2o');
  const t0 = performance.now();
  const trained: Record<string, Array<{ opt: LearnedOptimizer; log: EpisodeLog[]; seconds: number }>> = {};
  for (const [name, explorers] of [['l2o', null], ['l2o+explorers', { count: 4 }]] as const) {
    for (let k = 0; k < budget.trainSeeds; k++) {
      const ts = performance.now();
      const { optimizer, log } = trainLearnedOptimizer({
        family: o.trainFamily,
        dims: budget.trainDims,
        episodes: budget.episodes,
        steps: budget.trainSteps,
        runs: budget.runs,
        explorers,
        seed: o.seed + k,
      });
      const seconds = (performance.now() - ts) / 1000;
      const suffix = k === 0 ? '' : `-seed${o.seed + k}`;
      optimizer.save(path.join(outDir, `${name === 'l2o' ? 'optimizer' : 'optimizer-explorers'}${suffix}.json`));
      (trained[name] ??= []).push({ opt: optimizer, log, seconds });
      console.log(`trained ${name} (seed ${o.seed + k}) on ${o.trainFamily}: ${budget.episodes} episodes, ${log.at(-1)!.envSteps} optimizee steps, ${seconds.toFixed(1)} s`);
    }
  }
  const sgdLr = tuneLr((p, th, lr) => runSgd(p, th, budget.trainSteps, lr).values, o.trainFamily, budget.trainDims, budget.trainSteps, o.seed + 1);
  const adamLr = tuneLr((p, th, lr) => runAdam(p, th, budget.trainSteps, lr).values, o.trainFamily, budget.trainDims, budget.trainSteps, o.seed + 1);
  console.log(`tuned on ${o.trainFamily}: sgd lr ${sgdLr}, adam lr ${adamLr}`);
  const stepScale = trained['l2o']![0]!.opt.config.stepScale;
  const learned = (name: string): Method => (p, th, T, _rng, s) => {
    const pool = trained[name]!;
    const r = pool[s % pool.length]!.opt.run(p, th, T);
    r.theta.dispose();
    return r.values;
  };
  const methods: Record<string, Method> = {
    l2o: learned('l2o'),
    'l2o+explorers': learned('l2o+explorers'),
    sgd: (p, th, T) => runSgd(p, th, T, sgdLr).values,
    adam: (p, th, T) => runAdam(p, th, T, adamLr).values,
    'eps-greedy-sgd x4': (p, th, T, rng) => runEpsGreedySgd(p, th, T, { lr: sgdLr, restarts: 4, epsilon: 0.1, stepScale, rng }).values,
  };
  const rows: Row[] = [];
  const curves: Record<string, unknown> = {};
  const families = [o.trainFamily, ...listProblemFamilies().filter((f) => f !== o.trainFamily)];
  for (const family of families) {
    for (const dim of budget.testDims) {
      const perMethod: Record<string, { best: number[][]; ms: number[] }> = {};
      for (let s = 0; s < budget.seeds; s++) {
        const rng = new Rng(o.seed * 1000 + 7919 * s + dim);
        const p = makeProblem(family, dim, rng);
        const th = p.init(1, rng);
        for (const [name, run] of Object.entries(methods)) {
          const tm = performance.now();
          const vals = run(p, th, budget.steps, rng.split(), s);
          const ms = performance.now() - tm;
          (perMethod[name] ??= { best: [], ms: [] }).best.push(bestSoFar(vals.map((v) => v[0]!)));
          perMethod[name]!.ms.push(ms);
        }
        th.dispose();
        p.dispose();
      }
      for (const [name, r] of Object.entries(perMethod)) {
        const finals = r.best.map((b) => b.at(-1)!);
        const logs = finals.map((v) => Math.log10(v + 1e-12));
        const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
        const std = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
        const hit = r.best.map((b) => b.findIndex((v) => v <= 1e-2 * b[0]!)).filter((i) => i >= 0);
        const sorted = finals.slice().sort((a, b) => a - b);
        rows.push({
          family: family === o.trainFamily ? `${family} (train)` : family,
          dim,
          method: name,
          'log10 best (mean)': mean,
          'log10 best (std)': std,
          'median best f': sorted[Math.floor(sorted.length / 2)]!,
          reached: `${hit.length}/${finals.length}`,
          'steps to 1e-2 f0': hit.length ? hit.reduce((a, b) => a + b, 0) / hit.length : null,
          'ms/run': r.ms.reduce((a, b) => a + b, 0) / r.ms.length,
        });
      }
      curves[`${family}-${dim}`] = Object.fromEntries(Object.entries(perMethod).map(([k, v]) => [k, v.best]));
      const png = plotLearningCurve({
        curves: Object.entries(perMethod).map(([label, v]) => ({ label, seeds: v.best.map((b) => b.map((x) => Math.log10(x + 1e-12))), x: b0(v.best[0]!.length) })),
        title: `${family}, M = ${dim}: best-so-far value over ${budget.seeds} seeds (mean ± std)`,
        xLabel: 'step',
        yLabel: 'log10 best f',
      });
      savePng(path.join(outDir, `${family}-${dim}.png`), png);
    }
  }
  console.log(formatTable(rows));
  const file = saveReport(
    'l2o',
    rows,
    {
      mode: o.full ? 'full' : 'fast',
      trainFamily: o.trainFamily,
      budget,
      backend: o.backend,
      seed: o.seed,
      sgdLr,
      adamLr,
      threshold: 'f <= 1e-2 f(theta0)',
      training: Object.fromEntries(
        Object.entries(trained).map(([k, runs]) => [k, runs.map((v) => ({ seconds: v.seconds, envSteps: v.log.at(-1)!.envSteps, log: v.log }))]),
      ),
      totalSeconds: (performance.now() - t0) / 1000,
      plots: outDir,
    },
    o.outDir,
  );
  for (const runs of Object.values(trained)) for (const t of runs) t.opt.dispose();
  console.log(`saved ${file} and convergence plots in ${outDir} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return file;
}

/** x values 0, 1, …, n − 1 (step 0 is the start). */
function b0(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

registerBenchSuite({
  name: 'l2o',
  summary: 'learned optimizer (DDPG ± explorer ensemble) vs SGD, Adam, ε-greedy SGD on held-out families',
  run: ({ backends, outDir }) => benchL2O({ full: false, trainFamily: 'quadratic', seed: 0, backend: backends[0] ?? 'wasm', outDir }),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      'train-family': { type: 'string', default: 'quadratic' },
      'train-seeds': { type: 'string', default: undefined },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
      out: { type: 'string', default: 'bench-results' },
    },
  });
  await benchL2O({
    full: Boolean(values.full),
    ...(values['train-seeds'] !== undefined ? { trainSeeds: Number(values['train-seeds']) } : {}),
    trainFamily: values['train-family']!,
    seed: Number(values.seed),
    backend: values.backend!,
    outDir: values.out!,
  });
}
