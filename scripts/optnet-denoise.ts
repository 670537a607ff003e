// OptNet's 1-D denoising with learned total variation (Amos & Kolter 2017, §5.3 and its table).
// Data: piecewise-constant signals of length 100 + N(0, 10²) noise (scripts/lib/optnet/signals.ts, seeded).
// Rows (MSE = mean over signals and entries, so the noise alone scores ≈ 100, the paper's scale):
//   fc          MLP [100, 200, 100] (relu) on y/100, output ×100, Adam 1e-3 (cheap: trains `fcEpochs`)
//   tv          x*(y) = argmin ½‖x − y‖² + λ‖D₁x‖₁ with D₁ the first differences, λ by grid search on the
//               training signals (the TV-QP of scripts/lib/optnet/tv-qp.ts solved by the QP layer)
//   optnet      the same QP with D `[99, 100]` learned from D ~ 0.3·N(0, 1), λ = 13, loss MSE + 0.1·‖D‖₁
//               (the paper code's `--learnD --Dpenalty 0.1`)
//   optnet-tv   D initialised at D₁ with TV's best λ, then fine-tuned
//   optnet-tv-full  the paper code's tuned model (scripts/lib/optnet/tv-init-optnet.ts): every parameter of a
//               general QP (Q, G, h, and p as a linear map of y) learned, started at TV with its best λ
// The D rows solve the TV-QP through its dual box QP (tv-qp.ts). QP rows train with Adam through the layer's
// KKT backward. Per epoch: train MSE (over the epoch's training batches), test MSE; rows appended to
// <out>/epochs.jsonl as each epoch ends; a rerun resumes.
// Output: <out>/optnet-denoise.json, the printed table, <out>/optnet-denoise-mse.png and -fc-mse.png (MSE per epoch),
// <out>/optnet-denoise-example.png (a test signal: noisy, true, each model's output).
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { MLP } from '../src/models/mlp.ts';
import { plotLearningCurve } from '../src/plot/learning-curve.ts';
import { savePng } from '../src/plot/renderer.ts';
import { plotTraces } from '../src/plot/traces.ts';
import type { QpSolution } from '../src/solvers/qp/index.ts';
import { Rng } from '../src/tensor/rng.ts';
import { EpochLog, type EpochRow } from './lib/optnet/epoch-log.ts';
import { mse, signalSet, type SignalSet } from './lib/optnet/signals.ts';
import { TvInitOptNet } from './lib/optnet/tv-init-optnet.ts';
import { differenceMatrix, tvDenoise } from './lib/optnet/tv-qp.ts';
import { UsageError } from './lib/flags.ts';
import { parseModelList } from './lib/optnet/model-list.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { initExperimentBackend } from './lib/experiment-backend.ts';

export const DENOISE_MODELS = ['fc', 'tv', 'optnet', 'optnet-tv', 'optnet-tv-full'] as const;
/** The paper's table by model; the D-only fine-tuning is this project's extra row (the paper tunes the whole QP). */
export const PAPER_MSE: Record<string, { train: number; test: number; label: string } | undefined> = {
  fc: { train: 18.5, test: 29.8, label: 'FC Net' },
  optnet: { train: 52.9, test: 53.3, label: 'Pure OptNet' },
  tv: { train: 16.3, test: 16.5, label: 'Total Variation' },
  'optnet-tv-full': { train: 13.8, test: 14.4, label: 'OptNet Tuned TV' },
};
/** The models that start from TV's best λ. */
const FROM_TV = ['optnet-tv', 'optnet-tv-full'];
/** λ grid of the TV row. */
export const TV_LAMBDAS = [5, 10, 15, 20, 25, 30, 40];
const PURE_LAMBDA = 13;
/** Weight of the ‖D‖₁ penalty added to pure OptNet's loss (the paper code's `--Dpenalty`). */
export const PURE_D_PENALTY = 0.1;
const LR: Record<string, number> = { fc: 1e-3, optnet: 1e-2, 'optnet-tv': 1e-4, 'optnet-tv-full': 1e-4 };

export interface DenoiseOptions {
  full: boolean;
  epochs?: number;
  fcEpochs?: number;
  train?: number;
  test?: number;
  batch?: number;
  seed: number;
  out: string;
  only?: string[];
  /** Signal length (100, the paper's; tests use shorter signals). */
  len?: number;
  log?: (line: string) => void;
}

export interface DenoiseSummary {
  trainMse: number;
  testMse: number;
  msPerBatch: number | null;
  lambda?: number;
  /** The model's output on test signal 0 `[len]`. */
  example: number[];
  nonOptimal: number;
}

export function denoiseConfig(o: DenoiseOptions) {
  const train = o.train ?? (o.full ? 9000 : 100);
  return {
    experiment: 'optnet-denoise',
    full: o.full,
    len: o.len ?? 100,
    epochs: o.epochs ?? (o.full ? 50 : 2),
    fcEpochs: o.fcEpochs ?? (o.full ? 500 : 200),
    train,
    test: o.test ?? (o.full ? 1000 : 50),
    batch: o.batch ?? (o.full ? 150 : 10),
    /** TV's λ grid is scored on the first `tvGridSignals` training signals. */
    tvGridSignals: o.full ? train : Math.min(train, 50),
    seed: o.seed,
    models: o.only ?? [...DENOISE_MODELS],
    pureDPenalty: PURE_D_PENALTY,
  };
}
type Config = ReturnType<typeof denoiseConfig>;

const rowsOf = (s: SignalSet, from: number, n: number): SignalSet => ({
  n, len: s.len, noisy: s.noisy.subarray(from * s.len, (from + n) * s.len), clean: s.clean.subarray(from * s.len, (from + n) * s.len),
});

type Predict = (y: tf.Tensor2D) => tf.Tensor2D;

/** MSE of `f` on a set (batches of `batch`) and its output on signal 0. */
function evaluate(f: Predict, s: SignalSet, batch: number): { mse: number; first: number[] } {
  let sum = 0;
  let first: number[] = [];
  for (let i = 0; i < s.n; i += batch) {
    const n = Math.min(batch, s.n - i);
    const y = tf.tensor2d(s.noisy.subarray(i * s.len, (i + n) * s.len), [n, s.len]);
    const x = f(y);
    const v = x.dataSync();
    if (i === 0) first = Array.from(v.subarray(0, s.len));
    sum += mse(v, s.clean.subarray(i * s.len, (i + n) * s.len)) * n;
    tf.dispose([x, y]);
  }
  return { mse: sum / s.n, first };
}

interface Learner {
  predict: Predict;
  variables: tf.Variable[];
  /** A regularizer added to the training loss (not to the reported MSE). */
  penalty?: () => tf.Scalar;
  nonOptimal: () => number;
  dispose(): void;
}

function learner(name: string, rng: Rng, tvLambda: number, n: number): Learner {
  if (name === 'fc') {
    const net = new MLP({ sizes: [n, 2 * n, n], activation: 'relu', rng, name: 'denoise-fc' });
    return {
      predict: (y) => tf.tidy(() => tf.mul(net.apply(tf.div(y, 100)), 100) as tf.Tensor2D),
      variables: net.variables(),
      nonOptimal: () => 0,
      dispose: () => tf.dispose(net.variables()),
    };
  }
  let bad = 0;
  const onSolution = (s: QpSolution) => (bad += s.status.filter((x) => x !== 'optimal').length);
  if (name === 'optnet-tv-full') {
    const model = new TvInitOptNet(n, tvLambda, rng);
    return {
      predict: (y) => model.predict(y, { allowNonOptimal: true, onSolution }),
      variables: model.variables(),
      nonOptimal: () => bad,
      dispose: () => model.dispose(),
    };
  }
  const init = name === 'optnet-tv'
    ? differenceMatrix(n)
    : tf.tensor2d(Float32Array.from({ length: (n - 1) * n }, () => 0.3 * rng.normal()), [n - 1, n]);
  const D = tf.variable(init, true, `${name}.D`);
  init.dispose();
  const lambda = name === 'optnet-tv' ? tvLambda : PURE_LAMBDA;
  return {
    predict: (y) => tvDenoise(D as unknown as tf.Tensor2D, y, lambda, { allowNonOptimal: true, onSolution }),
    variables: [D],
    ...(name === 'optnet' ? { penalty: () => tf.mul(PURE_D_PENALTY, tf.sum(tf.abs(D))) as tf.Scalar } : {}),
    nonOptimal: () => bad,
    dispose: () => D.dispose(),
  };
}

function shuffle(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function trainLearner(name: string, cfg: Config, book: EpochLog<DenoiseSummary>, train: SignalSet, test: SignalSet, tvLambda: number, log: (s: string) => void): DenoiseSummary {
  const rng = new Rng(cfg.seed * 7919 + DENOISE_MODELS.indexOf(name as (typeof DENOISE_MODELS)[number]) + 1);
  const m = learner(name, rng, tvLambda, cfg.len);
  const opt = tf.train.adam(LR[name]!);
  const epochs = name === 'fc' ? cfg.fcEpochs : cfg.epochs;
  const evalBatch = name === 'fc' ? test.n : 50;
  const logEvery = name === 'fc' ? Math.max(1, Math.floor(epochs / 50)) : 1;
  const e0 = evaluate(m.predict, test, evalBatch);
  book.append({ model: name, epoch: 0, train_mse: null, test_mse: e0.mse, ms_per_batch: null, non_optimal: 0 });
  let last = { train: NaN, test: e0.mse, first: e0.first }, msSum = 0, nbSum = 0;
  const L = train.len;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffle(train.n, rng);
    let sum = 0, ms = 0, nb = 0;
    const bad0 = m.nonOptimal();
    for (let i = 0; i < train.n; i += cfg.batch) {
      const idx = order.slice(i, i + cfg.batch);
      const yb = new Float32Array(idx.length * L), xb = new Float32Array(idx.length * L);
      idx.forEach((k, r) => {
        yb.set(train.noisy.subarray(k * L, (k + 1) * L), r * L);
        xb.set(train.clean.subarray(k * L, (k + 1) * L), r * L);
      });
      const y = tf.tensor2d(yb, [idx.length, L]), x = tf.tensor2d(xb, [idx.length, L]);
      const t0 = performance.now();
      let fit: tf.Scalar | undefined;
      const loss = opt.minimize(() => {
        const l = tf.losses.meanSquaredError(x, m.predict(y)) as tf.Scalar;
        if (!m.penalty) return l;
        fit = tf.keep(l);
        return tf.add(l, m.penalty()) as tf.Scalar;
      }, true, m.variables);
      sum += (fit ?? loss!).dataSync()[0]! * idx.length;
      ms += performance.now() - t0;
      nb++;
      tf.dispose([x, y, loss!, ...(fit ? [fit] : [])]);
    }
    const trainMse = sum / train.n;
    if (!Number.isFinite(trainMse)) throw new Error(`${name}: training MSE is not finite at epoch ${epoch} (lr ${LR[name]}); lower the learning rate`);
    msSum += ms;
    nbSum += nb;
    if (epoch % logEvery === 0 || epoch === epochs) {
      const ev = evaluate(m.predict, test, evalBatch);
      last = { train: trainMse, test: ev.mse, first: ev.first };
      const bad = m.nonOptimal() - bad0;
      book.append({ model: name, epoch, train_mse: trainMse, test_mse: ev.mse, ms_per_batch: ms / nb, non_optimal: bad });
      log(`${name.padEnd(9)} epoch ${String(epoch).padStart(4)}/${epochs}: train MSE ${trainMse.toFixed(2)}, test MSE ${ev.mse.toFixed(2)}, ${(ms / nb).toFixed(0)} ms/batch of ${cfg.batch}${bad ? `, ${bad} QPs not optimal` : ''}`);
    }
  }
  // The train MSE of the final parameters (the per-epoch value averages over the epoch's updates).
  const finalTrain = evaluate(m.predict, train, name === 'fc' ? train.n : 50).mse;
  const s: DenoiseSummary = { trainMse: finalTrain, testMse: last.test, msPerBatch: msSum / nbSum, example: last.first, nonOptimal: m.nonOptimal() };
  m.dispose();
  opt.dispose();
  return s;
}

function runTv(cfg: Config, book: EpochLog<DenoiseSummary>, train: SignalSet, test: SignalSet, log: (s: string) => void): DenoiseSummary {
  const D = differenceMatrix(cfg.len);
  const grid = rowsOf(train, 0, cfg.tvGridSignals);
  let best = { lambda: NaN, mse: Infinity };
  TV_LAMBDAS.forEach((lambda, k) => {
    const t0 = performance.now();
    const r = evaluate((y) => tvDenoise(D, y, lambda), grid, 50);
    const ms = performance.now() - t0;
    book.append({ model: 'tv', epoch: k, lambda, grid_mse: r.mse, ms_per_signal: ms / grid.n });
    log(`tv        λ ${String(lambda).padStart(3)}: MSE ${r.mse.toFixed(2)} on ${grid.n} training signals (${(ms / grid.n).toFixed(0)} ms per signal)`);
    if (r.mse < best.mse) best = { lambda, mse: r.mse };
  });
  const tr = evaluate((y) => tvDenoise(D, y, best.lambda), train, 50);
  const te = evaluate((y) => tvDenoise(D, y, best.lambda), test, 50);
  D.dispose();
  return { trainMse: tr.mse, testMse: te.mse, msPerBatch: null, lambda: best.lambda, example: te.first, nonOptimal: 0 };
}

export async function runDenoise(o: DenoiseOptions): Promise<{ rows: Row[]; json: string; pngs: string[]; epochs: EpochRow[] }> {
  const cfg = denoiseConfig(o);
  const log = o.log ?? ((s: string) => console.log(s));
  for (const m of cfg.models) if (!(DENOISE_MODELS as readonly string[]).includes(m)) throw new UsageError(`--only: unknown model "${m}"; known: ${DENOISE_MODELS.join(', ')}`);
  for (const m of FROM_TV) if (cfg.models.includes(m) && !cfg.models.includes('tv')) throw new UsageError(`--only: ${m} starts from the best λ of tv; list tv too (e.g. --only tv,${m})`);
  const book = new EpochLog<DenoiseSummary>(o.out, cfg);
  const all = signalSet(cfg.train + cfg.test, cfg.seed, { len: cfg.len });
  const train = rowsOf(all, 0, cfg.train), test = rowsOf(all, cfg.train, cfg.test);
  const summaries: Record<string, DenoiseSummary> = {};
  // TV first: optnet-tv and optnet-tv-full start from its λ.
  const order = [...cfg.models].sort((a, b) => (a === 'tv' ? -1 : b === 'tv' ? 1 : 0));
  for (const name of order) {
    const prev = book.finished(name);
    if (prev) {
      log(`${name}: finished in an earlier run (rows in ${book.dir}/epochs.jsonl)`);
      summaries[name] = prev;
      continue;
    }
    const s = name === 'tv' ? runTv(cfg, book, train, test, log) : trainLearner(name, cfg, book, train, test, summaries.tv?.lambda ?? 20, log);
    book.finish(name, s);
    summaries[name] = s;
  }
  const rows: Row[] = cfg.models.map((m) => {
    const s = summaries[m]!, p = PAPER_MSE[m];
    return {
      model: m, 'paper row': p?.label ?? '(not in the paper: D only)', 'train MSE': s.trainMse.toFixed(2), 'test MSE': s.testMse.toFixed(2), 'paper train': p?.train ?? '', 'paper test': p?.test ?? '',
      λ: m === 'tv' || FROM_TV.includes(m) ? (summaries.tv?.lambda ?? '') : m === 'optnet' ? PURE_LAMBDA : '',
      'ms/batch': s.msPerBatch === null ? '' : Math.round(s.msPerBatch),
      train_mse: s.trainMse, test_mse: s.testMse, paper_train_mse: p?.train ?? null, paper_test_mse: p?.test ?? null, non_optimal_qps: s.nonOptimal,
    };
  });
  log(formatTable(rows, ['model', 'paper row', 'train MSE', 'test MSE', 'paper train', 'paper test', 'λ', 'ms/batch']));
  const noise = mse(test.noisy, test.clean);
  const byTest = [...cfg.models].sort((a, b) => summaries[a]!.testMse - summaries[b]!.testMse);
  const inPaper = cfg.models.filter((m) => PAPER_MSE[m]);
  const paperOrder = [...inPaper].sort((a, b) => PAPER_MSE[a]!.test - PAPER_MSE[b]!.test);
  const ourOrder = byTest.filter((m) => PAPER_MSE[m]);
  log(`test MSE order: ${byTest.join(' < ')}; of the paper's rows ${ourOrder.join(' < ')} (paper: ${paperOrder.join(' < ')}${ourOrder.join() === paperOrder.join() ? ', the same' : ''}); the noisy input scores ${noise.toFixed(1)}`);
  const json = saveReport('optnet-denoise', rows, {
    ...cfg, lr: LR, lambdaGrid: TV_LAMBDAS, pureLambda: PURE_LAMBDA, noiseMse: noise, testOrder: byTest, paperOrder, paperRowsOrder: ourOrder, paperOrderReproduced: ourOrder.join() === paperOrder.join(),
    mse: 'mean over signals and the 100 entries of (x̂ − x)² (PyTorch MSELoss, the paper\'s scale: noise σ = 10 alone gives ≈ 100)',
  }, book.dir);
  // One MSE plot for the QP models (their few epochs) and one for FC (its own, longer epoch count).
  const pngs: string[] = [];
  const mseCurves = (models: string[]) => models.flatMap((m) => {
    const r = book.epochRows(m);
    return [
      { label: `${m} train`, seeds: [r.map((x) => (x.train_mse === null ? NaN : Math.log10(Number(x.train_mse))))], x: r.map((x) => x.epoch) },
      { label: `${m} test`, seeds: [r.map((x) => Math.log10(Number(x.test_mse)))], x: r.map((x) => x.epoch) },
    ];
  });
  const tvLine = summaries.tv ? { target: { label: `TV λ ${summaries.tv.lambda} test`, value: Math.log10(summaries.tv.testMse) } } : {};
  for (const [file, models, title] of [
    ['optnet-denoise-mse.png', cfg.models.filter((m) => m === 'optnet' || FROM_TV.includes(m)), 'Denoising through the QP layer: MSE per epoch'],
    ['optnet-denoise-fc-mse.png', cfg.models.filter((m) => m === 'fc'), 'Denoising, FC network: MSE per epoch'],
  ] as const) {
    if (models.length === 0) continue;
    pngs.push(savePng(path.join(book.dir, file), plotLearningCurve({ curves: mseCurves(models), title, xLabel: 'epoch', yLabel: 'log10 MSE', ...tvLine, width: 800, height: 480 })));
  }
  pngs.push(savePng(path.join(book.dir, 'optnet-denoise-example.png'), plotTraces({
    series: [
      { label: 'noisy', values: Array.from(test.noisy.subarray(0, test.len)), color: '#bbbbbb' },
      { label: 'true', values: Array.from(test.clean.subarray(0, test.len)), color: '#000000' },
      ...cfg.models.map((m) => ({ label: `${m} (test MSE ${summaries[m]!.testMse.toFixed(1)})`, values: summaries[m]!.example })),
    ],
    title: 'Test signal 0: noisy, true and each model\'s output', xLabel: 'index', yLabel: 'value', width: 900, height: 480,
  })));
  log(`saved ${json}\n${pngs.map((p) => `saved ${p}`).join('\n')}\nrows per epoch: ${path.join(book.dir, 'epochs.jsonl')}`);
  return { rows, json, pngs, epochs: book.allRows() };
}

/** `--only LIST` as model names, each checked against the known ones (a UsageError names the flag). */
export const parseOnly = (value: unknown): string[] | undefined => parseModelList(value, DENOISE_MODELS);

export async function denoiseMain(values: Record<string, unknown>): Promise<number> {
  const options = {
    full: Boolean(values.full),
    epochs: values.epochs as number | undefined,
    fcEpochs: values['fc-epochs'] as number | undefined,
    train: values.train as number | undefined,
    test: values.test as number | undefined,
    batch: values.batch as number | undefined,
    seed: (values.seed as number | undefined) ?? 0,
    out: String(values.out ?? 'runs/optnet-denoise'),
    only: parseOnly(values.only),
  };
  const choice = await initExperimentBackend(values);
  await runDenoise(options);
  return 0;
}
