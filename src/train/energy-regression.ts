// Energy-based structured prediction through a differentiable solver: the 1-D regression experiment of
// DCEM (Amos & Yarats, ICML 2020, §5.1) and NOVAS (Exarchos et al., ICLR 2021).
//
// Ground truth y = x·sin x on x ∈ [0, 2π]. An energy network E_θ(x, y) (an MLP on the pair (x, y), 3 hidden
// layers of 128 with softplus) defines the prediction as the solver's approximate minimizer
//     ŷ_θ(x) = argmin_y E_θ(x, y)                    (B = number of points, n = 1)
// and θ is trained end to end through the solver on L(θ) = (1/B) Σ_b (ŷ_θ(x_b) − y_b)² with Adam and
// gradient clipping by global norm (‖g‖ > c ⇒ g ← c·g/‖g‖). The solver's backward mode decides what "through"
// means (unrolled gradient descent, DCEM's soft top-k, NOVAS' Gaussian-smoothed updates).
//
// Data: `points` inputs uniform on [0, 2π] (seeded), a random `testFraction` of them held out.
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, MLP, type Activation } from '../models/mlp.ts';
import { ShapeError } from '../tensor/check.ts';
import { matMulPlain } from '../tensor/matmul-plain.ts';
import { softplusValue } from '../tensor/softplus-value.ts';
import { tapeDepth } from '../tensor/tape.ts';
import { Rng } from '../tensor/rng.ts';
import type { Objective, SolveOptions, Solver } from '../solvers/types.ts';

/** The regression target y = x·sin x. */
export const groundTruth = (x: number): number => x * Math.sin(x);

export interface RegressionData {
  xTrain: Float32Array;
  yTrain: Float32Array;
  xTest: Float32Array;
  yTest: Float32Array;
}

/** `points` inputs uniform on [0, 2π] with targets x·sin x; a random `testFraction` is held out. */
export function makeRegressionData(points: number, testFraction: number, rng: Rng): RegressionData {
  if (!Number.isInteger(points) || points < 2) throw new Error(`points: expected an integer ≥ 2 (got ${points})`);
  if (!(testFraction >= 0 && testFraction < 1)) throw new Error(`testFraction: expected a number in [0, 1) (got ${testFraction})`);
  const x = rng.uniformArray(points, 0, 2 * Math.PI);
  const order = Array.from({ length: points }, (_, i) => i);
  for (let i = points - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const nTest = Math.round(points * testFraction);
  const pick = (idx: number[]) => Float32Array.from(idx, (i) => x[i]!);
  const xTest = pick(order.slice(0, nTest)).sort();
  const xTrain = pick(order.slice(nTest)).sort();
  return { xTrain, yTrain: xTrain.map(groundTruth), xTest, yTest: xTest.map(groundTruth) };
}

/**
 * Initial weights of E_θ: 'glorot' (src/models/mlp.ts: Glorot-uniform weights, zero biases) or 'torch'
 * (PyTorch's nn.Linear default, which the papers' code uses: weights and biases U(±1/√fan_in)).
 */
export type EnergyInit = 'glorot' | 'torch';

/** E_θ(x, y): an MLP [2, …hidden, 1] on the concatenated pair. */
let netCount = 0;

export class EnergyNet {
  readonly mlp: MLP;

  constructor(opts: { hidden?: number[]; activation?: Activation; rng: Rng; init?: EnergyInit }) {
    const hidden = opts.hidden ?? [128, 128, 128];
    this.mlp = new MLP({ sizes: [2, ...hidden, 1], activation: opts.activation ?? 'softplus', rng: opts.rng, name: `energy${netCount++}` });
    const init = opts.init ?? 'glorot';
    if (init === 'torch') {
      const sizes = [2, ...hidden, 1];
      const draw = (fanIn: number, size: number) => Array.from(opts.rng.uniformArray(size, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
      const w = sizes.slice(0, -1).map((fanIn, l) => draw(fanIn, fanIn * sizes[l + 1]!));
      const b = sizes.slice(0, -1).map((fanIn, l) => draw(fanIn, sizes[l + 1]!));
      this.mlp.setWeights([...w, ...b]);
    } else if (init !== 'glorot') {
      throw new Error(`EnergyNet: init must be 'glorot' or 'torch' (got "${String(init)}")`);
    }
  }

  /**
   * x `[B]`, Y `[B, N, 1]` → E_θ(x_b, Y_bj) `[B, N]`. The same map as `mlp.apply` on the pairs; under a
   * gradient tape, with at least PLAIN_MATMUL_ROWS rows, each layer's product is `matMulPlain`
   * (src/tensor/matmul-plain.ts), whose backward avoids the wasm backend's slow transposed products (for a
   * few rows the custom op's overhead costs more than it saves); without a tape one fused product per layer.
   */
  energy(x: tf.Tensor, Y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [B, N] = Y.shape as [number, number, number];
      if (x.rank !== 1 || Y.rank !== 3 || Y.shape[0] !== x.shape[0] || Y.shape[2] !== 1) {
        throw new ShapeError(`energy: expected x [B] and Y [B, N, 1] with the same B (got x [${x.shape}], Y [${Y.shape}])`);
      }
      const xs = tf.tile(x.reshape([B, 1, 1]), [1, N, 1]);
      let h: tf.Tensor = tf.concat([xs, Y], -1).reshape([B * N, 2]);
      const { weights, biases } = this.mlp;
      const act = this.mlp.config.activation;
      const taped = tapeDepth() > 0;
      const matMul = B * N >= PLAIN_MATMUL_ROWS ? matMulPlain : (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
      for (let l = 0; l < weights.length; l++) {
        const last = l + 1 === weights.length;
        if (!taped && (act === 'relu' || last)) {
          h = tf.fused.matMul({ a: h, b: weights[l]!, bias: biases[l]!, ...(last ? {} : { activation: 'relu' as const }) });
          continue;
        }
        h = taped ? tf.add(matMul(h, weights[l]!), biases[l]!) : tf.fused.matMul({ a: h, b: weights[l]!, bias: biases[l]! });
        // Off the tape, softplus by its faster value-only form (src/tensor/softplus-value.ts).
        if (!last) h = !taped && act === 'softplus' ? softplusValue(h) : ACTIVATIONS[act](h);
      }
      return h.reshape([B, N]);
    });
  }

  /** The solver's objective for inputs x `[B]`: Y `[B, N, 1]` → `[B, N]`. */
  objective(x: tf.Tensor): Objective {
    return (Y) => this.energy(x, Y);
  }

  variables(): tf.Variable[] {
    return this.mlp.variables();
  }

  dispose(): void {
    this.mlp.dispose();
  }
}

/** Rows from which the taped energy uses `matMulPlain`. */
export const PLAIN_MATMUL_ROWS = 32;


/** How ŷ = argmin_y E is computed: a solver, its initial distribution for B problems, and per-call options. */
export interface ArgminSpec {
  solver: Solver;
  /** Initial mean `[B, 1]` (and std) for B problems. */
  init: (B: number) => { mean: tf.Tensor; std?: tf.Tensor };
  opts?: SolveOptions;
}

/** ŷ `[B]` for inputs x `[B]`, differentiable w.r.t. θ according to `spec.opts.backward`. */
export function predict(net: EnergyNet, x: tf.Tensor, spec: ArgminSpec, rng?: Rng): tf.Tensor {
  return tf.tidy(() => {
    const B = x.shape[0]!;
    const init = spec.init(B);
    const r = spec.solver.solve(net.objective(x), init, { ...spec.opts, ...(rng ? { rng } : {}) });
    return r.solution.reshape([B]);
  });
}

/** Scales gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const norm = tf.tidy(() => Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]!));
  if (!(norm > maxNorm)) return { grads, norm };
  const scale = maxNorm / norm;
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, scale);
    g.dispose();
  }
  return { grads: out, norm };
}

export interface EnergyRegressionConfig {
  argmin: ArgminSpec;
  seed?: number;
  /** Data points in [0, 2π] (default 200) and the held-out fraction (default 0.25). */
  points?: number;
  testFraction?: number;
  /** Passes over the training set (default 100). */
  epochs?: number;
  /** Minibatch size (default: the whole training set, one update per epoch). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3) and gradient-norm clip (default 1). */
  lr?: number;
  clipNorm?: number;
  hidden?: number[];
  /** Evaluate train/test MSE every `evalEvery` epochs (default 10) and at the end. */
  evalEvery?: number;
  /** Called after each evaluation. */
  onEval?: (r: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  /** Mean of the minibatch losses of this epoch (with the training solver noise). */
  batchLoss: number;
  trainMse: number;
  testMse: number;
}

export interface EnergyRegressionResult {
  net: EnergyNet;
  data: RegressionData;
  history: EpochRecord[];
  trainMse: number;
  testMse: number;
  /** Median wall time of one epoch (ms). */
  msPerEpoch: number;
}

/** MSE of the solver's predictions on (x, y), evaluated without a tape (backward 'none'). */
export function evaluateMse(net: EnergyNet, xs: Float32Array, ys: Float32Array, spec: ArgminSpec, rng: Rng): number {
  if (xs.length === 0) return NaN;
  return tf.tidy(() => {
    const yhat = predict(net, tf.tensor1d(xs), { ...spec, opts: { ...spec.opts, backward: 'none' } }, rng);
    return tf.mean(tf.square(tf.sub(yhat, tf.tensor1d(ys)))).dataSync()[0]!;
  });
}

/** Trains E_θ end to end through the solver; reproducible from `seed` (data, weights, batches, solver noise). */
export function trainEnergyRegression(cfg: EnergyRegressionConfig): EnergyRegressionResult {
  const seed = cfg.seed ?? 0;
  const root = new Rng(seed);
  const dataRng = root.split();
  const initRng = root.split();
  const batchRng = root.split();
  const solverRng = root.split();
  const evalSeed = root.nextSeed();
  const data = makeRegressionData(cfg.points ?? 200, cfg.testFraction ?? 0.25, dataRng);
  const net = new EnergyNet({ hidden: cfg.hidden, rng: initRng });
  const epochs = cfg.epochs ?? 100;
  const nTrain = data.xTrain.length;
  const batchSize = Math.min(cfg.batchSize ?? nTrain, nTrain);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs: expected a non-negative integer (got ${cfg.epochs})`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize: expected a positive integer (got ${cfg.batchSize})`);
  const clipNorm = cfg.clipNorm ?? 1;
  const evalEvery = cfg.evalEvery ?? 10;
  const optimizer = tf.train.adam(cfg.lr ?? 1e-3);
  const vars = net.variables();
  const history: EpochRecord[] = [];
  const times: number[] = [];
  const evaluate = (epoch: number, batchLoss: number): EpochRecord => {
    // A fresh generator per evaluation with a fixed seed: evaluations of the same θ give the same number.
    const rec: EpochRecord = {
      epoch,
      batchLoss,
      trainMse: evaluateMse(net, data.xTrain, data.yTrain, cfg.argmin, new Rng(evalSeed)),
      testMse: evaluateMse(net, data.xTest, data.yTest, cfg.argmin, new Rng(evalSeed + 1)),
    };
    history.push(rec);
    cfg.onEval?.(rec);
    return rec;
  };
  evaluate(0, NaN);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    const order = Array.from({ length: nTrain }, (_, i) => i);
    for (let i = nTrain - 1; i > 0; i--) {
      const j = batchRng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < nTrain; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const xb = tf.tensor1d(Float32Array.from(idx, (i) => data.xTrain[i]!));
      const yb = tf.tensor1d(Float32Array.from(idx, (i) => data.yTrain[i]!));
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(predict(net, xb, cfg.argmin, solverRng), yb))) as tf.Scalar,
        vars,
      );
      const clipped = clipByGlobalNorm(grads, clipNorm);
      optimizer.applyGradients(clipped.grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
      lossSum += value.dataSync()[0]!;
      batches++;
      tf.dispose([xb, yb, value, ...Object.values(clipped.grads)]);
    }
    times.push(performance.now() - t0);
    if (epoch % evalEvery === 0 || epoch === epochs) evaluate(epoch, lossSum / batches);
  }
  optimizer.dispose();
  const last = history[history.length - 1]!;
  times.sort((a, b) => a - b);
  return { net, data, history, trainMse: last.trainMse, testMse: last.testMse, msPerEpoch: times.length ? times[Math.floor(times.length / 2)]! : NaN };
}

/**
 * The learned landscape for plotting: energies on a grid xs `[nx]` × ys `[ny]`, returned row-major
 * `[nx][ny]`, together with the predictions ŷ(xs).
 */
export function energyLandscape(net: EnergyNet, xs: Float32Array, ys: Float32Array, spec: ArgminSpec, rng: Rng): { energy: Float32Array; yhat: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const Y = tf.tile(tf.tensor1d(ys).reshape([1, ys.length, 1]), [xs.length, 1, 1]);
    const energy = net.energy(x, Y).dataSync() as Float32Array;
    const yhat = predict(net, x, { ...spec, opts: { ...spec.opts, backward: 'none' } }, rng).dataSync() as Float32Array;
    return { energy, yhat };
  });
}
