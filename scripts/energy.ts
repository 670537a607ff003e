// The energy-based regression experiment of the DCEM and NOVAS papers (src/train/energy-regression.ts):
// trains E_θ(x, y) end to end through each solver (unrolled GD with 1/5/10/20 steps, DCEM, NOVAS with the
// stated settings, with the paper code's σ floor, and unrolled) on y = x·sin x, then prints a table
// (train/test MSE mean ± std over seeds, wall time per epoch, and the test MSE when each trained energy is
// minimized with 1/5/10/20/50 inner iterations at test time), saves it as JSON, and renders a PNG of the
// learned energy landscapes and fits plus the test-MSE learning curves.
// Each contender × seed is one piece (job `energy-seed`, scripts/lib/energy-jobs.ts) run through the chosen
// executor (`--workers N`, `--executor`); the table is built in contender × seed order, so it is the same on
// every executor (wall times aside).
// Run: `diffmpc energy [--full] [--epochs E] [--seeds S] [--batch B] [--only gd-10,dcem] [--out DIR] [--workers N]`
// or `npx tsx scripts/energy.ts [same flags]`.
import * as tf from '@tensorflow/tfjs';
import { createCanvas, loadImage } from '../src/plot/canvas.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { plotEnergyLandscape } from '../src/plot/energy-landscape.ts';
import { plotLearningCurve } from '../src/plot/learning-curve.ts';
import { savePng } from '../src/plot/renderer.ts';
import { runAll } from '../src/exec/collect.ts';
import type { JobSpec } from '../src/exec/job.ts';
import { groundTruth } from '../src/train/energy-regression.ts';
import { ABLATION_ITERATIONS, ENERGY_CONTENDERS, type EnergyContender } from './lib/energy-contenders.ts';
import type { EnergySeedConfig, EnergySeedResult } from './lib/energy-jobs.ts';
import { INLINE, createExecutor, describeChoice, executorChoice, type ExecutorChoice } from './lib/executor-options.ts';
import { Progress } from './lib/progress.ts';
import { UsageError } from './lib/flags.ts';
import { protocolOptionsFrom, runEnergyProtocol } from './energy-protocol.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { initExperimentBackend } from './lib/experiment-backend.ts';

export { ABLATION_ITERATIONS, ENERGY_CONTENDERS, type EnergyContender } from './lib/energy-contenders.ts';

export interface EnergyRunOptions {
  full: boolean;
  epochs?: number;
  seeds?: number;
  batchSize?: number;
  only?: string[];
  outDir: string;
  runDir: string;
  /** Seeds seedBase, seedBase + 1, … are run. */
  seedBase: number;
  /** Box on y for every solver (default [−10, 10]). */
  yBound: number;
  /** Where the contender × seed training runs go (default inline). */
  executor?: ExecutorChoice;
  /** Backend of pool threads (default: this process's). */
  backend?: string;
}

const meanStd = (v: number[]): { mean: number; std: number } => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, std: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) };
};

/** mean ± std over seeds; the spread is undefined for one seed, so only the value is printed then. */
const fmt = (m: { mean: number; std: number }, n: number) => (n > 1 ? `${m.mean.toExponential(2)} ± ${m.std.toExponential(1)}` : m.mean.toExponential(2));

/** Landscape panel of one trained model (the landscape computed by its piece). */
function landscapePng(label: string, r: EnergySeedResult): Buffer {
  const l = r.landscape!;
  return plotEnergyLandscape({
    xs: l.xs,
    ys: l.ys,
    energy: l.energy,
    yhat: l.yhat,
    truth: l.xs.map(groundTruth),
    trainX: l.trainX,
    trainY: l.trainY,
    title: `${label}: test MSE ${r.testMse.toExponential(2)}`,
    width: 600,
    height: 430,
  });
}

/** Tiles PNG buffers into a grid, `cols` per row. */
async function tile(pngs: Buffer[], cols: number): Promise<Buffer> {
  const imgs = await Promise.all(pngs.map((p) => loadImage(p)));
  const w = Math.max(...imgs.map((i) => i.width));
  const h = Math.max(...imgs.map((i) => i.height));
  const rows = Math.ceil(imgs.length / cols);
  const canvas = createCanvas(w * Math.min(cols, imgs.length), h * rows);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  imgs.forEach((img, i) => ctx.drawImage(img, (i % cols) * w, Math.floor(i / cols) * h));
  return canvas.toBuffer('image/png');
}

/** The pieces of a run: one `energy-seed` job per contender × seed, contender-major (the table order). */
export function energyJobs(contenders: readonly EnergyContender[], o: { seeds: number; seedBase: number; epochs: number; batchSize: number; yBound: number }): JobSpec[] {
  return contenders.flatMap((c) =>
    Array.from({ length: o.seeds }, (_, s): JobSpec => {
      const config: EnergySeedConfig = { contender: c.label, index: s, epochs: o.epochs, batchSize: o.batchSize, yBound: o.yBound, evalEvery: Math.max(1, Math.floor(o.epochs / 20)), landscape: s === 0 };
      return { id: `${c.label}/s${o.seedBase + s}`, command: 'energy-seed', config: config as never, seed: o.seedBase + s };
    }),
  );
}

export async function runEnergy(o: EnergyRunOptions): Promise<{ json: string; png: string; rows: Row[] }> {
  const epochs = o.epochs ?? (o.full ? 1000 : 6);
  const seeds = o.seeds ?? (o.full ? 3 : 2);
  const batchSize = o.batchSize ?? 16;
  const contenders = o.only ? ENERGY_CONTENDERS.filter((c) => o.only!.includes(c.label)) : ENERGY_CONTENDERS;
  if (contenders.length === 0) {
    throw new Error(`--only: no contender matches "${o.only!.join(',')}"; known: ${ENERGY_CONTENDERS.map((c) => c.label).join(', ')}`);
  }
  const choice = o.executor ?? INLINE;
  const jobs = energyJobs(contenders, { seeds, seedBase: o.seedBase, epochs, batchSize, yBound: o.yBound });
  // Progress over every training epoch of every contender and seed (updated as each contender × seed finishes).
  const bar = new Progress(`energy (${contenders.length} solvers × ${seeds} seeds × ${epochs} epochs)`, contenders.length * seeds * epochs);
  console.log(`energy: ${jobs.length} training run(s) on ${describeChoice(choice)}`);
  const all = (await runAll(createExecutor(choice, { backend: o.backend ?? tf.getBackend() }), jobs, {
    what: 'energy training run',
    onResult: (r, done) => {
      if (r.ok) {
        const x = r.result as unknown as EnergySeedResult;
        console.log(`${r.id.padEnd(12)}: train MSE ${x.trainMse.toExponential(3)}, test MSE ${x.testMse.toExponential(3)}, ${x.msPerEpoch.toFixed(0)} ms/epoch, ${(r.ms / 1000).toFixed(1)} s`);
      }
      bar.update(done * epochs, r.id);
    },
  })) as unknown as EnergySeedResult[];
  const rows: Row[] = [];
  const panels: Buffer[] = [];
  const curves: Array<{ label: string; seeds: number[][]; x: number[] }> = [];
  for (const [ci, c] of contenders.entries()) {
    const results = all.slice(ci * seeds, (ci + 1) * seeds);
    panels.push(landscapePng(c.label, results[0]!));
    const ablation: Row = {};
    for (const T of ABLATION_ITERATIONS) {
      const m = meanStd(results.map((r) => r.ablation[String(T)]!));
      ablation[`test@${T}`] = m.mean.toExponential(2);
      ablation[`test_mse_at_${T}_iterations`] = m.mean;
    }
    const train = meanStd(results.map((r) => r.trainMse));
    const test = meanStd(results.map((r) => r.testMse));
    const ms = meanStd(results.map((r) => r.msPerEpoch));
    rows.push({
      solver: c.label,
      'train MSE': fmt(train, seeds),
      'test MSE': fmt(test, seeds),
      'ms/epoch': Math.round(ms.mean),
      train_mse_mean: train.mean,
      train_mse_std: train.std,
      test_mse_mean: test.mean,
      test_mse_std: test.std,
      seeds,
      ...ablation,
    });
    curves.push({
      label: c.label,
      seeds: results.map((r) => r.history.map((h) => Math.log10(h.testMse))),
      x: results[0]!.history.map((h) => h.epoch),
    });
  }
  console.log(formatTable(rows, ['solver', 'train MSE', 'test MSE', 'ms/epoch']));
  console.log(`\ntest MSE (mean over seeds) when the trained energy is minimized with T inner iterations at test time:`);
  console.log(formatTable(rows, ['solver', ...ABLATION_ITERATIONS.map((T) => `test@${T}`)]));
  const meta = {
    full: o.full,
    executor: choice,
    epochs,
    seeds,
    seedBase: o.seedBase,
    batchSize,
    points: 200,
    testFraction: 0.25,
    yBounds: [-o.yBound, o.yBound],
    optimizer: 'Adam lr 1e-3, global-norm clip 1',
    energy: 'MLP [2, 128, 128, 128, 1] softplus',
    contenders: contenders.map((c) => ({ label: c.label, describe: c.describe })),
    ablation: `test_mse_at_T_iterations: the trained energy minimized at test time with T ∈ {${ABLATION_ITERATIONS.join(', ')}} inner iterations (same solver settings otherwise)`,
  };
  const json = saveReport(o.full ? 'energy-full' : 'energy', rows, meta, o.outDir);
  panels.push(
    plotLearningCurve({
      curves,
      title: 'Test MSE during training',
      xLabel: 'epoch',
      yLabel: 'log10 test MSE',
      width: 600,
      height: 430,
    }),
  );
  const png = savePng(path.resolve(o.runDir, o.full ? 'energy-full.png' : 'energy.png'), await tile(panels, 3));
  console.log(`saved ${json}\nsaved ${png}`);
  return { json, png, rows };
}

/** Parses the shared flags of `diffmpc energy` and `npx tsx scripts/energy.ts`. */
export function energyOptionsFrom(values: Record<string, unknown>): EnergyRunOptions {
  const int = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer (got "${String(v)}")`);
    return n;
  };
  const yBound = values['y-bound'] === undefined ? 10 : Number(values['y-bound']);
  if (!(yBound > 0)) throw new Error(`--y-bound: expected a positive number (got "${String(values['y-bound'])}")`);
  return {
    full: Boolean(values.full),
    epochs: int('epochs'),
    seeds: int('seeds'),
    batchSize: int('batch'),
    only: typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    outDir: String(values.out ?? 'bench-results'),
    runDir: String(values['run-dir'] ?? 'runs/energy'),
    yBound,
    seedBase: values.seed === undefined ? 0 : Number(values.seed),
    executor: executorChoice({ executor: values.executor, workers: int('workers'), redis: values.redis, queue: values.queue }),
  };
}

export const ENERGY_FLAGS = {
  full: { type: 'boolean' as const, default: false },
  epochs: { type: 'string' as const },
  seeds: { type: 'string' as const },
  batch: { type: 'string' as const },
  only: { type: 'string' as const },
  out: { type: 'string' as const, default: 'bench-results' },
  'run-dir': { type: 'string' as const, default: 'runs/energy' },
  'y-bound': { type: 'string' as const },
  executor: { type: 'string' as const },
  workers: { type: 'string' as const },
  redis: { type: 'string' as const },
  queue: { type: 'string' as const },
  protocol: { type: 'string' as const },
  updates: { type: 'string' as const },
  'max-minutes': { type: 'string' as const },
  threads: { type: 'string' as const },
};

export async function energyMain(values: Record<string, unknown>): Promise<number> {
  // The papers' protocols (scripts/energy-protocol.ts) take their own flags; the epoch flags belong to the
  // quick benchmark. Both are checked before anything runs.
  const protocol = values.protocol === undefined ? undefined : protocolOptionsFrom({ ...values, 'run-dir': values['run-dir'] === 'runs/energy' ? undefined : values['run-dir'] });
  const foreign = protocol ? ['full', 'epochs', 'batch', 'y-bound'] : ['updates', 'max-minutes', 'threads'];
  for (const f of foreign) {
    if (values[f] !== undefined && values[f] !== false) throw new UsageError(protocol ? `--${f}: not used with --protocol (the protocol fixes it); drop it or drop --protocol` : `--${f}: only used with --protocol dcem|novas`);
  }
  const options = energyOptionsFrom(values);
  const choice = await initExperimentBackend(values);
  if (protocol) {
    await runEnergyProtocol({ ...protocol, ...(options.executor ? { executor: options.executor } : {}), backend: choice.name });
    return 0;
  }
  await runEnergy(options);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { ...ENERGY_FLAGS, backend: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  process.exitCode = await energyMain(values);
}
