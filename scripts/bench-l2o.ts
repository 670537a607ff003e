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
//      [--out bench-results] [--workers N]
//      or `diffmpc bench l2o` (fast default, ≤ 3 min on 2 cores). Checkpoints: <out>/l2o/optimizer*.json.
// Pieces (scripts/lib/l2o-jobs.ts) run through the chosen executor (`--workers N`, `--executor`): each
// variant × training seed (l2o-train), then each family × dim × seed × method (l2o-test); the tables are built
// in that order from the results, so every executor reports the same numbers (wall times aside).
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { runAll } from '../src/exec/collect.ts';
import type { JobSpec } from '../src/exec/job.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { writeJsonAtomic } from '../src/tensor/files.ts';
import { Rng } from '../src/tensor/rng.ts';
import { plotLearningCurve, savePng } from '../src/plot/index.ts';
import { listProblemFamilies, makeProblem, type Problem } from '../policies/l2o/problems.ts';
import { runAdam, runSgd } from '../policies/l2o/baselines.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { INLINE, createExecutor, describeChoice, executorChoice, type ExecutorChoice } from './lib/executor-options.ts';
import { bestSoFar, type L2OTestConfig, type L2OTestResult, type L2OTrainConfig, type L2OTrainResult } from './lib/l2o-jobs.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

export interface BenchL2OOptions {
  full: boolean;
  /** Overrides the budget's number of training seeds. */
  trainSeeds?: number;
  trainFamily: string;
  seed: number;
  backend: string;
  outDir: string;
  /** Where the training and test runs go (default inline). */
  executor?: ExecutorChoice;
  /** Overrides of the budget's sizes (small runs in tests). */
  budget?: Partial<Budget>;
}

export interface Budget {
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

export { bestSoFar } from './lib/l2o-jobs.ts';

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
  const budget = { ...BUDGETS[o.full ? 'full' : 'fast'], ...o.budget };
  if (o.trainSeeds !== undefined) {
    if (!Number.isInteger(o.trainSeeds) || o.trainSeeds < 1) throw new Error(`--train-seeds: expected a positive integer (got ${o.trainSeeds})`);
    budget.trainSeeds = o.trainSeeds;
  }
  const outDir = path.resolve(o.outDir, 'l2o');
  const t0 = performance.now();
  const choice = o.executor ?? INLINE;
  const executor = createExecutor(choice, { backend: o.backend });
  const variants = [['l2o', null], ['l2o+explorers', { count: 4 }]] as const;
  const trainJobs: JobSpec[] = variants.flatMap(([name, explorers]) =>
    Array.from({ length: budget.trainSeeds }, (_, k): JobSpec => {
      const config: L2OTrainConfig = { family: o.trainFamily, dims: budget.trainDims, episodes: budget.episodes, steps: budget.trainSteps, runs: budget.runs, explorers };
      return { id: `train/${name}/seed${o.seed + k}`, command: 'l2o-train', config: config as never, seed: o.seed + k };
    }),
  );
  console.log(`l2o: ${trainJobs.length} training run(s) on ${describeChoice(choice)}`);
  const trainedAll = (await runAll(executor, trainJobs, { what: 'l2o training run' })) as unknown as L2OTrainResult[];
  const trained: Record<string, L2OTrainResult[]> = {};
  variants.forEach(([name], v) => {
    for (let k = 0; k < budget.trainSeeds; k++) {
      const t = trainedAll[v * budget.trainSeeds + k]!;
      const suffix = k === 0 ? '' : `-seed${o.seed + k}`;
      writeJsonAtomic(path.join(outDir, `${name === 'l2o' ? 'optimizer' : 'optimizer-explorers'}${suffix}.json`), t.checkpoint);
      (trained[name] ??= []).push(t);
      console.log(`trained ${name} (seed ${o.seed + k}) on ${o.trainFamily}: ${budget.episodes} episodes, ${t.log.at(-1)!.envSteps} optimizee steps, ${t.seconds.toFixed(1)} s`);
    }
  });
  const sgdLr = tuneLr((p, th, lr) => runSgd(p, th, budget.trainSteps, lr).values, o.trainFamily, budget.trainDims, budget.trainSteps, o.seed + 1);
  const adamLr = tuneLr((p, th, lr) => runAdam(p, th, budget.trainSteps, lr).values, o.trainFamily, budget.trainDims, budget.trainSteps, o.seed + 1);
  console.log(`tuned on ${o.trainFamily}: sgd lr ${sgdLr}, adam lr ${adamLr}`);
  const stepScale = trained['l2o']![0]!.checkpoint.config.stepScale;
  // Test seed s uses the optimizer trained with seed s mod trainSeeds.
  const learned = (name: string) => (s: number): L2OTestConfig['method'] => ({ kind: 'learned', checkpoint: trained[name]![s % budget.trainSeeds]!.checkpoint as never });
  const methods: Record<string, (s: number) => L2OTestConfig['method']> = {
    l2o: learned('l2o'),
    'l2o+explorers': learned('l2o+explorers'),
    sgd: () => ({ kind: 'sgd', lr: sgdLr }),
    adam: () => ({ kind: 'adam', lr: adamLr }),
    'eps-greedy-sgd x4': () => ({ kind: 'eps-greedy-sgd', lr: sgdLr, restarts: 4, epsilon: 0.1, stepScale }),
  };
  const families = [o.trainFamily, ...listProblemFamilies().filter((f) => f !== o.trainFamily)];
  const cases = families.flatMap((family) => budget.testDims.map((dim) => ({ family, dim })));
  const testJobs: JobSpec[] = cases.flatMap(({ family, dim }) =>
    Array.from({ length: budget.seeds }, (_, s) =>
      Object.entries(methods).map(([name, m], i): JobSpec => {
        const config: L2OTestConfig = { family, dim, steps: budget.steps, split: i, method: m(s) };
        return { id: `test/${family}/${dim}/s${s}/${name}`, command: 'l2o-test', config: config as never, seed: o.seed * 1000 + 7919 * s + dim };
      }),
    ).flat(),
  );
  console.log(`l2o: ${testJobs.length} test run(s) (${cases.length} family × dim, ${budget.seeds} seeds, ${Object.keys(methods).length} methods) on ${describeChoice(choice)}`);
  const tested = (await runAll(executor, testJobs, { what: 'l2o test run' })) as unknown as L2OTestResult[];
  const rows: Row[] = [];
  const curves: Record<string, unknown> = {};
  let at = 0;
  for (const { family, dim } of cases) {
      const perMethod: Record<string, { best: number[][]; ms: number[] }> = {};
      for (let s = 0; s < budget.seeds; s++) {
        for (const name of Object.keys(methods)) {
          const r = tested[at++]!;
          (perMethod[name] ??= { best: [], ms: [] }).best.push(r.best);
          perMethod[name]!.ms.push(r.ms);
        }
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
      executor: choice,
      finalBest: Object.fromEntries(testJobs.map((j, i) => [j.id, tested[i]!.best.at(-1)!])),
      totalSeconds: (performance.now() - t0) / 1000,
      plots: outDir,
    },
    o.outDir,
  );
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
  pieces: 'training runs, then problem × seed × optimizer test runs',
  run: ({ backends, outDir, executor }) => benchL2O({ full: false, trainFamily: 'quadratic', seed: 0, backend: backends[0] ?? 'wasm', outDir, ...(executor ? { executor } : {}) }),
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
      executor: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) throw new Error(`bench-l2o --workers: expected an integer in 1..256 (got "${values.workers}")`);
  await benchL2O({
    full: Boolean(values.full),
    ...(values['train-seeds'] !== undefined ? { trainSeeds: Number(values['train-seeds']) } : {}),
    trainFamily: values['train-family']!,
    seed: Number(values.seed),
    backend: values.backend!,
    outDir: values.out!,
    executor: executorChoice({ executor: values.executor, workers }),
  });
}
