// The energy-regression experiment of DCEM and NOVAS under each paper's own training protocol, one seed per
// call: trainEnergyProtocol(config, seed) → a JSON result (curves, final MSEs, the inner-iteration ablation,
// time and memory per update), so a seed can be an executor job.
//
// Both protocols (y = x·sin x, E_θ an MLP [2, 128, 128, 128, 1] with softplus and PyTorch's default init,
// ŷ = argmin_y E_θ(x, y) from y = 0, Adam 1e-3, gradient clip ‖g‖ ≤ 1, ReduceLROnPlateau(patience 20, 0.5)):
//   'dcem'  (facebookresearch/dcem exps/regression.py + regression-conf.yaml): 100 evenly spaced x on [0, 2π],
//           all used for training; each group draws one point uniformly and takes 3 Adam updates on it; after
//           a group, when the update count is a multiple of 100, the MSE on all 100 points feeds the scheduler
//           (with 3 updates per group that is every 300 updates, as in the reference loop).
//   'novas' (iexarchos/NOVAS SPEN/regression.py + regression_conf.py): 200 evenly spaced x, a random 25 %
//           (⌈0.25·200⌉ = 50) held out; each update takes 10 training points without replacement; every 100
//           updates the held-out MSE feeds the scheduler (the training MSE, for the record, every 1000).
// Methods (the argmin), unbounded in y as in both references:
//   'gd-10' 10 steps of y ← y − 0.1 ∂E/∂y, unrolled (regression.py UnrollEnergyGD).
//   'dcem'  DCEM, 10 iterations, 100 samples, 10 elites, σ₀ 7, τ 1, normalized, unrolled (UnrollEnergyCEM).
//   'novas' NOVAS, 100 samples, 10 iterations, α 1, σ₀ 10, shape 'soft-ce-raw' (s₀ 1000, 10 % elites),
//           σ'² = Σ S (X − μ')² + 0.001; the first 9 iterations are constants and only the last is
//           differentiated (pre_compute_init in SPEN/regression.py). κ 10 is in the reference config but only
//           enters its 'standard_exponential' shape, not 'soft_ce'.
//   All three run as fused ops over the network (energy-gd-fused.ts, energy-dcem-fused.ts,
//   energy-novas-fused.ts: the same values and gradients as the generic solvers, without their
//   per-iteration tfjs kernels); `{ fused: false }` in gdPredict / dcemPredict / novasPredict takes the
//   generic solvers.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dcem } from '../solvers/dcem.ts';
import { GradientDescent } from '../solvers/gd.ts';
import { novasStep, type NovasStepOptions } from '../solvers/novas.ts';
import { currentBackend } from '../tensor/backend.ts';
import { Rng } from '../tensor/rng.ts';
import { stopGradient } from '../tensor/stop-gradient.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { fusedDcemSupports, fusedEnergyDcem } from './energy-dcem-fused.ts';
import { fusedEnergyGd, fusedGdSupports } from './energy-gd-fused.ts';
import { fusedEnergyNovas, fusedNovasSupports } from './energy-novas-fused.ts';
import { groundTruth, EnergyNet } from './energy-regression.ts';
import { EnergyShards } from './energy-shards.ts';
import { clipGlobalNorm } from './grad-clip.ts';
import { ReduceLROnPlateau } from './lr-plateau.ts';

export const PROTOCOL_NAMES = ['dcem', 'novas'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export const METHOD_NAMES = ['gd-10', 'dcem', 'novas'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export interface EnergyProtocol {
  /** Evenly spaced points on [0, 2π] and the held-out fraction (⌈fraction·points⌉ points). */
  points: number;
  testFraction: number;
  /** Training points per update, drawn without replacement. */
  batch: number;
  /** Adam updates per drawn batch. */
  innerUpdates: number;
  /** Evaluate (and step the scheduler) after a group when the update count is a multiple of this. */
  evalEvery: number;
  /** Which MSE the scheduler watches: the training set or the held-out set. */
  schedulerOn: 'train' | 'test';
  /**
   * With the scheduler on the held-out set, the training MSE is evaluated only when the update count is a
   * multiple of this and at the last evaluation (the NOVAS reference evaluates the held-out set alone; on
   * its 150 training points an evaluation costs three times the held-out one).
   */
  trainEvalEvery: number;
  updates: number;
  lr: number;
  clipNorm: number;
  patience: number;
  factor: number;
  hidden: number[];
}

export const PROTOCOLS: Record<ProtocolName, EnergyProtocol> = {
  dcem: { points: 100, testFraction: 0, batch: 1, innerUpdates: 3, evalEvery: 100, schedulerOn: 'train', trainEvalEvery: 100, updates: 100_000, lr: 1e-3, clipNorm: 1, patience: 20, factor: 0.5, hidden: [128, 128, 128] },
  novas: { points: 200, testFraction: 0.25, batch: 10, innerUpdates: 1, evalEvery: 100, schedulerOn: 'test', trainEvalEvery: 1000, updates: 100_000, lr: 1e-3, clipNorm: 1, patience: 20, factor: 0.5, hidden: [128, 128, 128] },
};

/** The NOVAS settings of the reference's regression (the step options of src/solvers/novas.ts). */
export const NOVAS_PAPER_STEP: NovasStepOptions = { alpha: 1, shape: 'soft-ce-raw', sharpness: 1000, eliteFraction: 0.1, variance: 'weighted', varianceOffset: 1e-3, sigmaMin: 0 };

/** NOVAS's initial std (regression_conf.py `sigma`). */
export const NOVAS_SIGMA0 = 10;

/** Inner iterations of every method at training time, and the range of the test-time ablation. */
export const TRAIN_ITERATIONS = 10;
export const ABLATION_RANGE = Array.from({ length: 20 }, (_, i) => i + 1);

export interface EnergyProtocolConfig {
  protocol: ProtocolName;
  method: MethodName;
  /** Overrides of the protocol (e.g. fewer updates, a smaller network for tests). */
  overrides?: Partial<EnergyProtocol>;
  /** Stop after this much training time (s), at the next evaluation; the result says so. */
  maxSeconds?: number;
  /** Append every evaluation row to this JSONL file as it is computed. */
  rowsPath?: string;
  /** Run the 1..20-iteration ablation at the end (default true). */
  ablation?: boolean;
  /** Samples per Gaussian-search iteration (default 100; tests use fewer). */
  samples?: number;
  /**
   * Threads for NOVAS's network passes (energy-shards.ts; default 1). The same noise and values as one
   * thread, gradients to float32 rounding. gd-10 and dcem run on one thread whatever this says.
   */
  threads?: number;
}

export interface EnergyProtocolRow {
  update: number;
  /** MSE on the training points (what the DCEM paper plots; null between `trainEvalEvery`) and on the held-out points (null without). */
  trainMse: number | null;
  testMse: number | null;
  lr: number;
  /** Mean minibatch loss over the updates since the previous row. */
  batchLoss: number;
  /** Training wall time per update since the previous row (evaluation excluded), ms. */
  msPerUpdate: number;
  seconds: number;
}

export interface EnergyProtocolResult {
  protocol: ProtocolName;
  method: MethodName;
  seed: number;
  settings: EnergyProtocol;
  rows: EnergyProtocolRow[];
  updates: number;
  stoppedBy: 'updates' | 'time';
  final: { trainMse: number; testMse: number | null; lr: number };
  best: { trainMse: number; update: number };
  /** Median of the rows' ms/update. */
  msPerUpdate: number;
  /** One profiled update: peak bytes tfjs held above the bytes before it, and tensors it allocated. */
  memory: { peakBytes: number; kernels: number };
  /** MSE on the training points (dcem) or held-out points (novas) with T inner iterations, T = 1..20. */
  ablation: Array<{ iterations: number; mse: number }>;
  /** Threads the method's network passes ran on. */
  threads: number;
  seconds: number;
}

interface Data {
  xTrain: Float32Array;
  yTrain: Float32Array;
  xTest: Float32Array;
  yTest: Float32Array;
}

/** torch.linspace(0, 2π, points) with a random ⌈fraction·points⌉ held out (none for fraction 0). */
export function protocolData(p: Pick<EnergyProtocol, 'points' | 'testFraction'>, rng: Rng): Data {
  if (!Number.isInteger(p.points) || p.points < 2) throw new Error(`points: expected an integer ≥ 2 (got ${p.points})`);
  if (!(p.testFraction >= 0 && p.testFraction < 1)) throw new Error(`testFraction: expected a number in [0, 1) (got ${p.testFraction})`);
  const x = Float32Array.from({ length: p.points }, (_, i) => (2 * Math.PI * i) / (p.points - 1));
  const order = Array.from({ length: p.points }, (_, i) => i);
  const nTest = Math.ceil(p.testFraction * p.points);
  if (nTest > 0) shuffle(order, rng);
  const pick = (idx: number[]) => Float32Array.from(idx.sort((a, b) => a - b), (i) => x[i]!);
  const xTest = pick(order.slice(0, nTest));
  const xTrain = pick(order.slice(nTest));
  return { xTrain, yTrain: xTrain.map(groundTruth), xTest, yTest: xTest.map(groundTruth) };
}

function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** ŷ `[B]` for x `[B]` with T inner iterations of `method`; differentiable when called under a tape. */
export function methodPredict(method: MethodName, net: EnergyNet, x: tf.Tensor, T: number, rng: Rng, samples = 100, shards?: EnergyShards): tf.Tensor {
  if (method === 'gd-10') return gdPredict(net, x, T);
  if (method === 'dcem') return dcemPredict(net, x, T, rng, samples);
  return novasPredict(net, x, T, rng, samples, shards ? { shards } : {});
}

/**
 * NOVAS's ŷ `[B]` (σ₀ 10, the paper's step; the first T − 1 iterations constants, the last differentiated
 * under a tape): by default the fused op (src/train/energy-novas-fused.ts), else, or for an activation it
 * does not cover, `novasWarmStart` + the generic `novasStep`.
 */
export function novasPredict(net: EnergyNet, x: tf.Tensor, T: number, rng: Rng, samples = 100, opts: { fused?: boolean; shards?: EnergyShards } = {}): tf.Tensor {
  const B = x.shape[0]!;
  const activation = net.mlp.config.activation;
  if ((opts.fused ?? true) && fusedNovasSupports(activation)) {
    const o = { iterations: T, samples, sigma0: NOVAS_SIGMA0, step: NOVAS_PAPER_STEP, ...(opts.shards ? { shards: opts.shards } : {}) };
    return tf.tidy(() => fusedEnergyNovas({ weights: net.mlp.weights, biases: net.mlp.biases, activation }, x, rng, o));
  }
  if (opts.shards) throw new Error('novasPredict: shards need the fused op (a softplus or tanh network, fused: true)');
  // Under a tape the warm start is recorded too; stopping its gradient leaves the last iteration's only.
  const start = novasWarmStart(net, x, T - 1, rng, samples);
  try {
    return tf.tidy(() => novasStep(net.objective(x), stopGradient(start.mu), stopGradient(start.sigma), rng.normalTensor([B, samples, 1]), NOVAS_PAPER_STEP).mu.reshape([B]));
  } finally {
    tf.dispose([start.mu, start.sigma]);
  }
}

/**
 * Unrolled GD's ŷ `[B]` (T steps of lr 0.1 from y = 0, second order under a tape): by default the fused op
 * (src/train/energy-gd-fused.ts, plain Float64 JS), else, or for an activation it does not cover, the generic
 * solver (src/solvers/gd.ts).
 */
export function gdPredict(net: EnergyNet, x: tf.Tensor, T: number, opts: { fused?: boolean } = {}): tf.Tensor {
  const B = x.shape[0]!;
  const activation = net.mlp.config.activation;
  if ((opts.fused ?? true) && fusedGdSupports(activation)) {
    return tf.tidy(() => fusedEnergyGd({ weights: net.mlp.weights, biases: net.mlp.biases, activation }, x, { steps: T, lr: 0.1 }));
  }
  const backward = tapeDepth() > 0 ? 'unroll' : 'none';
  return tf.tidy(() => new GradientDescent({ steps: T, lr: 0.1 }).solve(net.objective(x), { mean: tf.zeros([B, 1]) }, { backward }).solution.reshape([B]));
}

/**
 * DCEM's ŷ `[B]` (10 elites, σ₀ 7, τ 1, normalized, unrolled under a tape): by default the fused op
 * (src/train/energy-dcem-fused.ts, the same iteration with the network as the only tfjs work), else, or for
 * an activation / elite count it does not cover, the generic solver (src/solvers/dcem.ts).
 */
export function dcemPredict(net: EnergyNet, x: tf.Tensor, T: number, rng: Rng, samples = 100, opts: { fused?: boolean } = {}): tf.Tensor {
  const B = x.shape[0]!;
  const elites = Math.min(10, samples - 1);
  const activation = net.mlp.config.activation;
  if ((opts.fused ?? true) && fusedDcemSupports(activation) && elites >= 2) {
    return tf.tidy(() => fusedEnergyDcem({ weights: net.mlp.weights, biases: net.mlp.biases, activation }, x, rng, { iterations: T, samples, elites, sigma0: 7, temp: 1, normalize: true }));
  }
  const backward = tapeDepth() > 0 ? 'unroll' : 'none';
  return tf.tidy(() => dcem(net.objective(x), { mean: tf.zeros([B, 1]), std: tf.fill([B, 1], 7) }, { iterations: T, samples, elites, temp: 1, normalize: true, backward, rng }).solution.reshape([B]));
}

/**
 * The first `iters` NOVAS iterations from μ = 0, σ = 10, run without a gradient tape (constants for the last,
 * differentiated iteration), with the reference's stop test ‖μ' − μ‖ < 1e-4 over the batch (σ updated first).
 */
export function novasWarmStart(net: EnergyNet, x: tf.Tensor, iters: number, rng: Rng, samples = 100): { mu: tf.Tensor; sigma: tf.Tensor } {
  const B = x.shape[0]!;
  const f = net.objective(x);
  let mu = tf.zeros([B, 1]);
  let sigma = tf.fill([B, 1], NOVAS_SIGMA0);
  for (let i = 0; i < iters; i++) {
    const next = tf.tidy(() => {
      const s = novasStep(f, mu, sigma, rng.normalTensor([B, samples, 1]), NOVAS_PAPER_STEP);
      return [s.mu, s.sigma, tf.sqrt(tf.sum(tf.square(tf.sub(s.mu, mu))))];
    });
    const step = next[2]!.dataSync()[0]!;
    tf.dispose([mu, sigma, next[2]!]);
    mu = next[0]!;
    sigma = next[1]!;
    if (step < 1e-4) break;
  }
  return { mu, sigma };
}

/** MSE of `method` with T iterations on (xs, ys), no tape. */
export function methodMse(method: MethodName, net: EnergyNet, xs: Float32Array, ys: Float32Array, T: number, rng: Rng, samples = 100, shards?: EnergyShards): number {
  if (xs.length === 0) throw new Error('methodMse: no points to evaluate');
  return tf.tidy(() => {
    const yhat = methodPredict(method, net, tf.tensor1d(xs), T, rng, samples, shards);
    return tf.mean(tf.square(tf.sub(yhat, tf.tensor1d(ys)))).dataSync()[0]!;
  });
}

/** Resolves and checks a protocol with its overrides; errors name the field. */
export function resolveProtocol(name: ProtocolName, overrides: Partial<EnergyProtocol> = {}): EnergyProtocol {
  const base = PROTOCOLS[name];
  if (!base) throw new Error(`protocol: unknown "${String(name)}"; expected one of ${PROTOCOL_NAMES.join(', ')}`);
  const p = { ...base, ...overrides };
  for (const k of ['points', 'batch', 'innerUpdates', 'evalEvery', 'trainEvalEvery', 'updates', 'patience'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < (k === 'patience' ? 0 : 1)) throw new Error(`${k}: expected a positive integer (got ${p[k]})`);
  }
  const nTrain = p.points - Math.ceil(p.testFraction * p.points);
  if (p.batch > nTrain) throw new Error(`batch: ${p.batch} exceeds the ${nTrain} training points`);
  if (p.schedulerOn === 'test' && p.testFraction === 0) throw new Error('schedulerOn: "test" needs a held-out set (testFraction > 0)');
  if (!(p.lr > 0) || !(p.clipNorm > 0)) throw new Error(`lr and clipNorm: expected positive numbers (got ${p.lr}, ${p.clipNorm})`);
  return p;
}

/** Trains one seed under a protocol; see the file header. Pure in (config, seed) apart from `rowsPath`. */
export async function trainEnergyProtocol(cfg: EnergyProtocolConfig, seed: number): Promise<EnergyProtocolResult> {
  if (!(METHOD_NAMES as readonly string[]).includes(cfg.method)) throw new Error(`method: unknown "${cfg.method}"; expected one of ${METHOD_NAMES.join(', ')}`);
  const p = resolveProtocol(cfg.protocol, cfg.overrides);
  const samples = cfg.samples ?? 100;
  const asked = cfg.threads ?? 1;
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`threads: expected a positive integer (got ${cfg.threads})`);
  const threads = cfg.method === 'novas' ? asked : 1;
  const shards = threads > 1 ? await EnergyShards.start({ threads, backend: currentBackend()?.name ?? 'wasm' }) : undefined;
  try {
    return await trainWith(cfg, seed, p, samples, shards);
  } finally {
    shards?.dispose();
  }
}

async function trainWith(cfg: EnergyProtocolConfig, seed: number, p: EnergyProtocol, samples: number, shards: EnergyShards | undefined): Promise<EnergyProtocolResult> {
  const root = new Rng(seed);
  const dataRng = root.split();
  const initRng = root.split();
  const batchRng = root.split();
  const solverRng = root.split();
  const evalRng = root.split();
  const data = protocolData(p, dataRng);
  const net = new EnergyNet({ hidden: p.hidden, rng: initRng, init: 'torch' });
  const vars = net.variables();
  const optimizer = tf.train.adam(p.lr, 0.9, 0.999, 1e-8);
  const scheduler = new ReduceLROnPlateau({ lr: p.lr, patience: p.patience, factor: p.factor });
  const nTrain = data.xTrain.length;
  const hasTest = data.xTest.length > 0;
  const rows: EnergyProtocolRow[] = [];
  if (cfg.rowsPath) fs.mkdirSync(path.dirname(cfg.rowsPath), { recursive: true });
  const idx = Array.from({ length: nTrain }, (_, i) => i);

  const update = (xb: tf.Tensor, yb: tf.Tensor): tf.Scalar => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(methodPredict(cfg.method, net, xb, TRAIN_ITERATIONS, solverRng, samples, shards), yb))) as tf.Scalar, vars);
    const clipped = clipGlobalNorm(grads, p.clipNorm);
    optimizer.applyGradients(clipped.grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
    tf.dispose([...Object.values(clipped.grads), clipped.norm]);
    return value;
  };
  const drawBatch = (): { xb: tf.Tensor; yb: tf.Tensor } => {
    // Partial Fisher–Yates: the first `batch` entries are a uniform draw without replacement.
    for (let i = 0; i < p.batch; i++) {
      const j = i + batchRng.int(nTrain - i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const pickIdx = idx.slice(0, p.batch);
    return { xb: tf.tensor1d(Float32Array.from(pickIdx, (i) => data.xTrain[i]!)), yb: tf.tensor1d(Float32Array.from(pickIdx, (i) => data.yTrain[i]!)) };
  };

  let memory = { peakBytes: 0, kernels: 0 };
  let done = 0;
  let lossSum = tf.scalar(0);
  let lossCount = 0;
  let trainMs = 0;
  let windowStart = 0;
  const t0 = performance.now();
  let stoppedBy: 'updates' | 'time' = 'updates';
  while (done < p.updates) {
    const { xb, yb } = drawBatch();
    const first = done === 0;
    if (first) {
      // The first update is profiled (memory and kernel count of one update); its time is not counted.
      const before = tf.memory().numBytes;
      const prof = await tf.profile(() => {
        const loss = update(xb, yb);
        const next = tf.add(lossSum, loss);
        tf.dispose([lossSum, loss]);
        lossSum = next as tf.Scalar;
      });
      memory = { peakBytes: Math.max(0, prof.peakBytes - before), kernels: prof.kernels.length };
      lossCount++;
      done++;
    }
    const g0 = performance.now();
    for (let i = first ? 1 : 0; i < p.innerUpdates && done < p.updates; i++) {
      const loss = update(xb, yb);
      const next = tf.add(lossSum, loss);
      tf.dispose([lossSum, loss]);
      lossSum = next as tf.Scalar;
      lossCount++;
      done++;
    }
    trainMs += performance.now() - g0;
    tf.dispose([xb, yb]);
    if (done % p.evalEvery === 0 || done >= p.updates) {
      const stopping = done >= p.updates || (cfg.maxSeconds !== undefined && (performance.now() - t0) / 1000 >= cfg.maxSeconds);
      const withTrain = p.schedulerOn === 'train' || done % p.trainEvalEvery === 0 || stopping;
      const trainMse = withTrain ? methodMse(cfg.method, net, data.xTrain, data.yTrain, TRAIN_ITERATIONS, evalRng, samples, shards) : null;
      const testMse = hasTest ? methodMse(cfg.method, net, data.xTest, data.yTest, TRAIN_ITERATIONS, evalRng, samples, shards) : null;
      if ((trainMse !== null && !Number.isFinite(trainMse)) || (testMse !== null && !Number.isFinite(testMse))) {
        throw new Error(`${cfg.protocol}/${cfg.method} seed ${seed}: the MSE became non-finite at update ${done} (train ${trainMse}, test ${testMse})`);
      }
      const lr = scheduler.step(p.schedulerOn === 'train' ? trainMse! : testMse!);
      // tfjs's Adam reads its (protected) learningRate at every applyGradients.
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const row: EnergyProtocolRow = {
        update: done,
        trainMse,
        testMse,
        lr,
        batchLoss: lossSum.dataSync()[0]! / lossCount,
        msPerUpdate: trainMs / Math.max(1, done - windowStart),
        seconds: (performance.now() - t0) / 1000,
      };
      rows.push(row);
      if (cfg.rowsPath) fs.appendFileSync(cfg.rowsPath, JSON.stringify({ protocol: cfg.protocol, method: cfg.method, seed, ...row }) + '\n');
      lossSum.dispose();
      lossSum = tf.scalar(0);
      lossCount = 0;
      trainMs = 0;
      windowStart = done;
      if (stopping && done < p.updates) {
        stoppedBy = 'time';
        break;
      }
    }
  }
  lossSum.dispose();
  optimizer.dispose();
  const ablationSet = hasTest && cfg.protocol === 'novas' ? { x: data.xTest, y: data.yTest } : { x: data.xTrain, y: data.yTrain };
  const ablation = cfg.ablation === false ? [] : ABLATION_RANGE.map((T) => ({ iterations: T, mse: methodMse(cfg.method, net, ablationSet.x, ablationSet.y, T, new Rng(seed + 1000 * T), samples, shards) }));
  net.dispose();
  const last = rows[rows.length - 1];
  const trained = rows.filter((r): r is EnergyProtocolRow & { trainMse: number } => r.trainMse !== null);
  const bestRow = trained.reduce((b, r) => (r.trainMse < b.trainMse ? r : b), trained[0] ?? { trainMse: NaN, update: 0 });
  const ms = rows.map((r) => r.msPerUpdate).sort((a, b) => a - b);
  return {
    protocol: cfg.protocol,
    method: cfg.method,
    seed,
    settings: p,
    rows,
    updates: done,
    stoppedBy,
    final: { trainMse: last?.trainMse ?? NaN, testMse: last?.testMse ?? null, lr: scheduler.lr },
    best: { trainMse: bestRow.trainMse, update: bestRow.update },
    msPerUpdate: ms.length ? ms[Math.floor(ms.length / 2)]! : NaN,
    memory,
    ablation,
    threads: shards?.threads ?? 1,
    seconds: (performance.now() - t0) / 1000,
  };
}
