// OptNet's 4×4 Sudoku experiment (Amos & Kolter 2017, §5.2): learn the equality constraints A z = b of a QP
// layer end to end from (puzzle, solution) pairs, against a fully connected and a convolutional network of
// about the same size.
// Data: the seeded generator of scripts/lib/optnet/sudoku.ts (unique solutions, minimal puzzles). Training:
// MSE of the predicted board against the one-hot solution, Adam (lr 0.1 for OptNet as the paper code; 1e-2
// for the networks, see CONTENDERS), shuffled mini-batches. Per epoch: train error (fraction of wrong boards over the epoch's training
// batches, as the paper logs it) and test error; rows are appended to <out>/epochs.jsonl as each epoch ends.
// Output: <out>/optnet-sudoku.json (table + meta), the printed table, <out>/optnet-sudoku.png (error per epoch).
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { plotLearningCurve } from '../src/plot/learning-curve.ts';
import { savePng } from '../src/plot/renderer.ts';
import { Rng } from '../src/tensor/rng.ts';
import { EpochLog, type EpochRow } from './lib/optnet/epoch-log.ts';
import { ConvSudoku, FcSudoku, OptNetSudoku, SUDOKU_NEQ, convChannelsFor, fcHiddenFor, type SudokuModel } from './lib/optnet/sudoku-models.ts';
import { SUDOKU_DIM, sudokuSet, wrongBoards, type SudokuSet } from './lib/optnet/sudoku.ts';
import { UsageError } from './lib/flags.ts';
import { parseModelList } from './lib/optnet/model-list.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';
import { initExperimentBackend } from './lib/experiment-backend.ts';

export interface SudokuOptions {
  full: boolean;
  epochs?: number;
  train?: number;
  test?: number;
  batch?: number;
  seed: number;
  out: string;
  /** Models to run (default both). */
  only?: string[];
  log?: (line: string) => void;
}

export const SUDOKU_MODELS = ['optnet', 'fc', 'conv', 'fc-paper'] as const;
export type SudokuModelName = (typeof SUDOKU_MODELS)[number];

/** OptNet's parameter count, which the networks are sized to. */
const OPTNET_PARAMS = SUDOKU_NEQ * SUDOKU_DIM + SUDOKU_DIM;

/**
 * The contenders: a model from its seeded Rng, Adam's lr, the stream offset of its seed, and the paper's
 * finding. OptNet's lr is the paper code's 0.1; the networks take 1e-2 rather than the paper's 1e-3, which
 * leaves them at 100 % train error in a few hundred steps.
 */
const CONTENDERS: Record<SudokuModelName, { make: (rng: Rng) => SudokuModel; lr: number; seedOffset: number; paper: string }> = {
  optnet: { make: (rng) => new OptNetSudoku(rng), lr: 0.1, seedOffset: 1, paper: 'learns the rules: test error falls to ≈ 0 (Fig. 4)' },
  fc: { make: (rng) => new FcSudoku(rng, [fcHiddenFor(OPTNET_PARAMS), fcHiddenFor(OPTNET_PARAMS)]), lr: 1e-2, seedOffset: 2, paper: 'overfits: train error falls, test error stays high (Fig. 4)' },
  'fc-paper': { make: (rng) => new FcSudoku(rng, [100, 100, 100, 100], 'fc-paper'), lr: 1e-2, seedOffset: 4, paper: 'overfits: train error falls, test error stays high (Fig. 4)' },
  conv: { make: (rng) => new ConvSudoku(rng, convChannelsFor(OPTNET_PARAMS)), lr: 1e-2, seedOffset: 3, paper: 'overfits: train error falls, test error stays high (Fig. 4)' },
};
const LR = Object.fromEntries(SUDOKU_MODELS.map((m) => [m, CONTENDERS[m].lr]));

export interface SudokuSummary {
  params: number;
  trainError: number;
  testError: number;
  bestTestError: number;
  msPerBatch: number;
  nonOptimal: number;
}

/** The resolved configuration (what config.json records). */
export function sudokuConfig(o: SudokuOptions) {
  return {
    experiment: 'optnet-sudoku',
    full: o.full,
    epochs: o.epochs ?? (o.full ? 20 : 10),
    train: o.train ?? (o.full ? 9000 : 1000),
    test: o.test ?? (o.full ? 1000 : 200),
    batch: o.batch ?? (o.full ? 150 : 25),
    seed: o.seed,
    models: o.only ?? [...SUDOKU_MODELS],
  };
}

function slice(set: SudokuSet, idx: number[]): { x: tf.Tensor2D; y: tf.Tensor2D; yArr: Float32Array } {
  const x = new Float32Array(idx.length * SUDOKU_DIM), y = new Float32Array(idx.length * SUDOKU_DIM);
  idx.forEach((k, i) => {
    x.set(set.puzzles.subarray(k * SUDOKU_DIM, (k + 1) * SUDOKU_DIM), i * SUDOKU_DIM);
    y.set(set.solutions.subarray(k * SUDOKU_DIM, (k + 1) * SUDOKU_DIM), i * SUDOKU_DIM);
  });
  return { x: tf.tensor2d(x, [idx.length, SUDOKU_DIM]), y: tf.tensor2d(y, [idx.length, SUDOKU_DIM]), yArr: y };
}

/** Board error and MSE of `model` on a whole set, in batches of `batch`. */
export function evaluateSudoku(model: SudokuModel, set: SudokuSet, batch: number): { error: number; loss: number } {
  let wrong = 0, loss = 0;
  for (let i = 0; i < set.n; i += batch) {
    const idx = Array.from({ length: Math.min(batch, set.n - i) }, (_, k) => i + k);
    const { x, y, yArr } = slice(set, idx);
    const pred = model.predict(x);
    const p = pred.dataSync();
    wrong += wrongBoards(p, yArr, idx.length);
    for (let k = 0; k < p.length; k++) loss += (p[k]! - yArr[k]!) ** 2;
    tf.dispose([x, y, pred]);
  }
  return { error: wrong / set.n, loss: loss / (set.n * SUDOKU_DIM) };
}

export async function runSudoku(o: SudokuOptions): Promise<{ rows: Row[]; json: string; png: string; epochs: EpochRow[] }> {
  const cfg = sudokuConfig(o);
  const log = o.log ?? ((s: string) => console.log(s));
  for (const m of cfg.models) if (!(SUDOKU_MODELS as readonly string[]).includes(m)) throw new UsageError(`--only: unknown model "${m}"; known: ${SUDOKU_MODELS.join(', ')}`);
  const book = new EpochLog<SudokuSummary>(o.out, cfg);
  const data = sudokuSet(cfg.train + cfg.test, cfg.seed);
  const pick = (from: number, n: number): SudokuSet => ({
    n,
    puzzles: data.puzzles.subarray(from * SUDOKU_DIM, (from + n) * SUDOKU_DIM),
    solutions: data.solutions.subarray(from * SUDOKU_DIM, (from + n) * SUDOKU_DIM),
    boards: data.boards.subarray(from * 16, (from + n) * 16),
  });
  const train = pick(0, cfg.train), test = pick(cfg.train, cfg.test);
  const summaries: Record<string, SudokuSummary> = {};
  for (const name of cfg.models) {
    const prev = book.finished(name);
    if (prev) {
      log(`${name}: finished in an earlier run (${book.epochRows(name).length} rows in ${book.dir}/epochs.jsonl)`);
      summaries[name] = prev;
      continue;
    }
    const c = CONTENDERS[name as SudokuModelName];
    const rng = new Rng(cfg.seed * 7919 + c.seedOffset);
    const model = c.make(rng);
    const opt = tf.train.adam(c.lr);
    const init = evaluateSudoku(model, test, 200);
    book.append({ model: name, epoch: 0, train_error: null, test_error: init.error, train_loss: null, test_loss: init.loss, ms_per_batch: null, non_optimal: 0 });
    let best = init.error, last = { train: 1, test: init.error }, msSum = 0, batches = 0, nonOpt = 0;
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const order = Array.from({ length: train.n }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let wrong = 0, lossSum = 0, epochMs = 0, nb = 0;
      if (model instanceof OptNetSudoku) model.nonOptimal = 0;
      for (let i = 0; i < train.n; i += cfg.batch) {
        const idx = order.slice(i, i + cfg.batch);
        const { x, y, yArr } = slice(train, idx);
        const t0 = performance.now();
        let predArr: Float32Array | undefined;
        const loss = opt.minimize(() => {
          const pred = model.predict(x);
          predArr = pred.dataSync() as Float32Array;
          return tf.losses.meanSquaredError(y, pred) as tf.Scalar;
        }, true, model.variables());
        epochMs += performance.now() - t0;
        nb++;
        lossSum += loss!.dataSync()[0]! * idx.length;
        wrong += wrongBoards(predArr!, yArr, idx.length);
        tf.dispose([x, y, loss!]);
      }
      const ev = evaluateSudoku(model, test, 200);
      const nonOptimal = model instanceof OptNetSudoku ? model.nonOptimal : 0;
      nonOpt += nonOptimal;
      msSum += epochMs;
      batches += nb;
      last = { train: wrong / train.n, test: ev.error };
      best = Math.min(best, ev.error);
      book.append({
        model: name, epoch, train_error: last.train, test_error: ev.error, train_loss: lossSum / train.n, test_loss: ev.loss,
        ms_per_batch: epochMs / nb, non_optimal: nonOptimal,
      });
      log(`${name.padEnd(6)} epoch ${String(epoch).padStart(3)}/${cfg.epochs}: train error ${last.train.toFixed(3)}, test error ${ev.error.toFixed(3)}, ${(epochMs / nb).toFixed(0)} ms/batch of ${cfg.batch}${nonOptimal ? `, ${nonOptimal} QPs not optimal` : ''}`);
    }
    const summary: SudokuSummary = { params: model.paramCount(), trainError: last.train, testError: last.test, bestTestError: best, msPerBatch: msSum / Math.max(1, batches), nonOptimal: nonOpt };
    book.finish(name, summary);
    summaries[name] = summary;
    model.dispose();
    opt.dispose();
  }
  const rows: Row[] = cfg.models.map((m) => {
    const s = summaries[m]!;
    return {
      model: m, params: s.params, 'train err': s.trainError.toFixed(3), 'test err': s.testError.toFixed(3), 'best test err': s.bestTestError.toFixed(3),
      'ms/batch': Math.round(s.msPerBatch), paper: CONTENDERS[m as SudokuModelName].paper,
      train_error: s.trainError, test_error: s.testError, best_test_error: s.bestTestError, ms_per_batch: s.msPerBatch, non_optimal_qps: s.nonOptimal,
    };
  });
  log(formatTable(rows, ['model', 'params', 'train err', 'test err', 'best test err', 'ms/batch', 'paper']));
  const json = saveReport('optnet-sudoku', rows, { ...cfg, lr: LR, qp: `Q = ${0.1}·I, G = −I, h = 0, A [${SUDOKU_NEQ}, 64] learned, b = A·exp(w)`, epochs_file: path.join(book.dir, 'epochs.jsonl') }, book.dir);
  const curves = cfg.models.flatMap((m) => {
    const r = book.epochRows(m);
    return [
      { label: `${m} train`, seeds: [r.map((x) => (x.train_error === null ? NaN : Number(x.train_error)))], x: r.map((x) => x.epoch) },
      { label: `${m} test`, seeds: [r.map((x) => Number(x.test_error))], x: r.map((x) => x.epoch) },
    ];
  });
  const png = savePng(
    path.join(book.dir, 'optnet-sudoku.png'),
    plotLearningCurve({ curves, title: `4×4 Sudoku: fraction of boards wrong (${cfg.train} train / ${cfg.test} test)`, xLabel: 'epoch', yLabel: 'board error', width: 800, height: 480 }),
  );
  log(`saved ${json}\nsaved ${png}\nrows per epoch: ${path.join(book.dir, 'epochs.jsonl')}`);
  return { rows, json, png, epochs: book.allRows() };
}

/** `--only LIST` as model names, each checked against the known ones (a UsageError names the flag). */
export const parseOnly = (value: unknown): string[] | undefined => parseModelList(value, SUDOKU_MODELS);

export async function sudokuMain(values: Record<string, unknown>): Promise<number> {
  const options = {
    full: Boolean(values.full),
    epochs: values.epochs as number | undefined,
    train: values.train as number | undefined,
    test: values.test as number | undefined,
    batch: values.batch as number | undefined,
    seed: (values.seed as number | undefined) ?? 0,
    out: String(values.out ?? 'runs/optnet-sudoku'),
    only: parseOnly(values.only),
  };
  const choice = await initExperimentBackend(values);
  await runSudoku(options);
  return 0;
}
