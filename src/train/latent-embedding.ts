// Learning a latent action space through DCEM (Amos & Yarats 2020, §4.2 Alg. 2 and §5.2;
// facebookresearch/dcem exps/cartpole_emb.py `DCEM.train_step`): a decoder u = D_θ(z), z ∈ [−1, 1]^d, is
// trained so that DCEM *over z* finds good plans.
//
//   C(z; x0) = J(x0, D_θ(z))                          J the rollout cost Σ_t c(x_t, u_t) of the model
//   ẑ(x0; θ) = DCEM_z C(·; x0)                          N samples, k elites (LML soft top-k), T iterations,
//                                                        μ₀ = 0, σ₀ = 0.5, samples clipped into [−1, 1]^d
//   L(θ) = Σ_b C(ẑ(x0_b; θ); x0_b)                      x0_b drawn fresh every update
//   θ ← Adam(θ, clip_1(∇_θ L))                          gradient through the decoder and every DCEM iteration
// The dynamics and cost are fixed (ground-truth twin); only θ learns. Validation: the mean planned cost
// C(ẑ; x0) over a fixed set of start states with fixed solver noise, every `evalEvery` updates; the weights
// with the best validation cost are kept (the paper evaluates its best-validation model). With `plateau`,
// the validation cost also drives ReduceLROnPlateau (the paper's patience 20, factor 0.5 every 100 updates).
import * as tf from '@tensorflow/tfjs';
import type { LatentDecoder } from '../models/latent-decoder.ts';
import { rolloutCost } from '../models/rollout.ts';
import type { CostModel, DynamicsModel } from '../models/types.ts';
import { DCEM_DEFAULTS, dcem, type DcemResult } from '../solvers/dcem.ts';
import type { BackwardMode, Objective } from '../solvers/types.ts';
import { Rng } from '../tensor/rng.ts';
import { clipGlobalNorm } from './grad-clip.ts';
import { ReduceLROnPlateau } from './lr-plateau.ts';

/** The latent planner's settings (the paper's: 100 samples, 10 elites, 10 iterations, τ 1, σ₀ 0.5). */
export interface LatentPlanOptions {
  samples?: number;
  elites?: number;
  iterations?: number;
  temp?: number;
  normalize?: boolean;
  /** Initial std of the latent search (the mean starts at 0). */
  initStd?: number;
  /** Bracket width of the LML search (DCEM's 1e-3; smaller makes the forward the exact soft top-k). */
  lmlEps?: number;
}

export const LATENT_PLAN_DEFAULTS: Required<LatentPlanOptions> = { samples: 100, elites: 10, iterations: 10, temp: 1, normalize: true, initStd: 0.5, lmlEps: DCEM_DEFAULTS.lmlEps };

/** C(z; x0): latent candidates Z `[B, N, d]` → rollout costs `[B, N]` of the decoded sequences from x0 `[B, nx]`. */
export function latentObjective(decoder: LatentDecoder, model: DynamicsModel, cost: CostModel, x0: tf.Tensor): Objective {
  return (Z) => rolloutCost(model, cost, x0, decoder.decode(Z), decoder.horizon);
}

export interface LatentPlan {
  /** Planned latent point `[B, d]`. */
  z: tf.Tensor;
  /** Its decoded action sequence `[B, H·nu]`. */
  actions: tf.Tensor;
  /** C(ẑ; x0) `[B]`. */
  cost: tf.Tensor;
  info: DcemResult['info'];
}

/**
 * DCEM over the latent box from x0 `[B, nx]`; differentiable w.r.t. the decoder per `backward`. Call it
 * inside a tf.tidy (or tf.variableGrads), which releases the start mean and std.
 */
export function planLatent(decoder: LatentDecoder, model: DynamicsModel, cost: CostModel, x0: tf.Tensor, opts: LatentPlanOptions & { rng: Rng; backward?: BackwardMode }): LatentPlan {
  const o = { ...LATENT_PLAN_DEFAULTS, ...opts };
  if (!(o.initStd > 0 && Number.isFinite(o.initStd))) throw new Error(`planLatent: initStd must be a positive number (got ${o.initStd})`);
  const B = x0.shape[0]!;
  const d = decoder.latentDim;
  const f = latentObjective(decoder, model, cost, x0);
  const mean = tf.zeros([B, d]);
  const std = tf.fill([B, d], o.initStd);
  const r = dcem(f, { mean, std }, {
    samples: o.samples, elites: o.elites, iterations: o.iterations, temp: o.temp, normalize: o.normalize, lmlEps: o.lmlEps,
    bounds: [-1, 1], rng: o.rng, backward: opts.backward ?? 'unroll',
  });
  const actions = decoder.decode(r.solution);
  return { z: r.solution, actions, cost: r.value, info: r.info };
}

/**
 * The full-space baseline: DCEM over the whole sequence U ∈ [lo, hi]^{H·nu} from x0 `[B, nx]`, μ₀ at the
 * bounds' centre, σ₀ = `initStd`·(hi − lo) (the paper's expert: σ₀ = 0.5·(hi − lo)); no gradient. Call it
 * inside a tf.tidy. Returns the plan `[B, H·nu]` and its cost `[B]`.
 */
export function planFullSpace(
  model: DynamicsModel,
  cost: CostModel,
  x0: tf.Tensor,
  o: Required<LatentPlanOptions> & { horizon: number; low: readonly number[]; high: readonly number[]; rng: Rng },
): { actions: tf.Tensor; cost: tf.Tensor; info: DcemResult['info'] } {
  const nu = model.actionDim;
  if (o.low.length !== nu || o.high.length !== nu) throw new Error(`planFullSpace: low and high must have actionDim = ${nu} entries`);
  const B = x0.shape[0]!;
  const n = o.horizon * nu;
  const tile = (f: (j: number) => number) => tf.tensor1d(Array.from({ length: n }, (_, i) => f(i % nu)));
  const lo = tile((j) => o.low[j]!);
  const hi = tile((j) => o.high[j]!);
  const mean = tf.broadcastTo(tf.div(tf.add(lo, hi), 2), [B, n]);
  const std = tf.broadcastTo(tf.mul(tf.sub(hi, lo), o.initStd), [B, n]);
  const r = dcem((U) => rolloutCost(model, cost, x0, U, o.horizon), { mean, std }, {
    samples: o.samples, elites: o.elites, iterations: o.iterations, temp: o.temp, normalize: o.normalize, lmlEps: o.lmlEps,
    bounds: [lo, hi], rng: o.rng, backward: 'none',
  });
  return { actions: r.solution, cost: r.value, info: r.info };
}

export interface LatentTrainConfig {
  /** Adam updates. */
  steps: number;
  /** Start states per update (the paper's 1). */
  batch: number;
  /** Adam learning rate (the paper's 5e-4). */
  lr: number;
  /** Global gradient-norm clip (the paper's 1). */
  clip: number;
  /** Validate every this many updates (and after the last). */
  evalEvery: number;
  /** Cut the learning rate when the validation cost stops improving (PyTorch's ReduceLROnPlateau). */
  plateau?: { patience: number; factor: number };
  plan?: LatentPlanOptions;
  /** Fresh start states for one update: `n` rows of `nx`, row-major. */
  sampleStarts: (rng: Rng, n: number) => Float32Array;
  /** Fixed validation start states, row-major `[V·nx]`. */
  valStarts: Float32Array;
  seed: number;
  /** Called after every update with its loss (mean planned cost of the batch) and gradient norm. */
  onStep?: (row: { step: number; loss: number; gradNorm: number }) => void;
  /** Called after every validation with the mean planned cost over the validation starts. */
  onEval?: (row: { step: number; valCost: number; best: boolean; lr: number }) => void;
}

export interface LatentTrainResult {
  /** Validation cost before any update. */
  initialValCost: number;
  bestValCost: number;
  bestStep: number;
  /** The decoder weights at the best validation cost (the decoder itself ends at the last update). */
  bestWeights: number[][];
  trainLosses: number[];
}

/** Mean of C(ẑ; x0) over starts `[V·nx]` with the noise of `seed` (no gradient). */
export function validationCost(decoder: LatentDecoder, model: DynamicsModel, cost: CostModel, starts: Float32Array, plan: LatentPlanOptions, seed: number): number {
  const nx = model.stateDim;
  if (starts.length === 0 || starts.length % nx !== 0) throw new Error(`validationCost: starts must hold V·nx = V·${nx} numbers, V ≥ 1 (got ${starts.length})`);
  const c = tf.tidy(() => planLatent(decoder, model, cost, tf.tensor2d(starts, [starts.length / nx, nx]), { ...plan, rng: new Rng(seed), backward: 'none' }).cost);
  const v = c.dataSync();
  c.dispose();
  let s = 0;
  for (const c of v) s += c;
  return s / v.length;
}

/** Trains `decoder` in place through DCEM (see the file header); the model and cost stay fixed. */
export function trainLatentDecoder(decoder: LatentDecoder, model: DynamicsModel, cost: CostModel, cfg: LatentTrainConfig): LatentTrainResult {
  for (const [k, v] of [['steps', cfg.steps], ['batch', cfg.batch], ['evalEvery', cfg.evalEvery]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`trainLatentDecoder: ${k} must be a positive integer (got ${v})`);
  }
  if (!(cfg.lr > 0)) throw new Error(`trainLatentDecoder: lr must be a positive number (got ${cfg.lr})`);
  const plan = { ...LATENT_PLAN_DEFAULTS, ...cfg.plan };
  const nx = model.stateDim;
  const rng = new Rng(cfg.seed);
  const solverRng = new Rng(cfg.seed + 1_000_003);
  const valSeed = cfg.seed + 2_000_003;
  const vars = decoder.variables();
  const opt = tf.train.adam(cfg.lr);
  const scheduler = cfg.plateau ? new ReduceLROnPlateau({ lr: cfg.lr, ...cfg.plateau }) : undefined;
  let lr = cfg.lr;
  const initialValCost = validationCost(decoder, model, cost, cfg.valStarts, plan, valSeed);
  let best = { cost: initialValCost, step: 0, weights: decoder.getWeights() };
  cfg.onEval?.({ step: 0, valCost: initialValCost, best: true, lr });
  const schedule = (v: number) => {
    if (!scheduler) return;
    lr = scheduler.step(v);
    // tfjs's Adam reads its (protected) learningRate at every applyGradients.
    (opt as unknown as { learningRate: number }).learningRate = lr;
  };
  schedule(initialValCost);
  const trainLosses: number[] = [];
  try {
    for (let step = 1; step <= cfg.steps; step++) {
      const starts = cfg.sampleStarts(rng, cfg.batch);
      if (starts.length !== cfg.batch * nx) throw new Error(`trainLatentDecoder: sampleStarts returned ${starts.length} numbers, expected batch·nx = ${cfg.batch * nx}`);
      const x0 = tf.tensor2d(starts, [cfg.batch, nx]);
      const { value, grads } = tf.variableGrads(() => {
        const p = planLatent(decoder, model, cost, x0, { ...plan, rng: solverRng, backward: 'unroll' });
        return tf.sum(p.cost) as tf.Scalar;
      }, vars);
      const clipped = clipGlobalNorm(grads, cfg.clip);
      const loss = value.dataSync()[0]! / cfg.batch;
      const gradNorm = clipped.norm.dataSync()[0]!;
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        tf.dispose([x0, value, clipped.norm, ...Object.values(clipped.grads)]);
        throw new Error(`trainLatentDecoder: the loss or its gradient is not finite at update ${step} (loss ${loss}, ‖g‖ ${gradNorm}); lower the learning rate`);
      }
      opt.applyGradients(clipped.grads as unknown as Parameters<typeof opt.applyGradients>[0]);
      tf.dispose([x0, value, clipped.norm, ...Object.values(clipped.grads)]);
      trainLosses.push(loss);
      cfg.onStep?.({ step, loss, gradNorm });
      if (step % cfg.evalEvery === 0 || step === cfg.steps) {
        const v = validationCost(decoder, model, cost, cfg.valStarts, plan, valSeed);
        const isBest = v < best.cost;
        if (isBest) best = { cost: v, step, weights: decoder.getWeights() };
        cfg.onEval?.({ step, valCost: v, best: isBest, lr });
        schedule(v);
      }
    }
  } finally {
    opt.dispose();
  }
  return { initialValCost, bestValCost: best.cost, bestStep: best.step, bestWeights: best.weights, trainLosses };
}
