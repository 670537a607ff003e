// Receding-horizon model-predictive control with a differentiable inner solver.
//
// At each step, for the current observations x0 `[B, nx]`, solve
//     min_{u_0..u_{H-1}}  Σ_{t<H} c(x_t, u_t, t) + c_T(x_H)   s.t.  x_{t+1} = f(x_t, u_t),  u_lo ≤ u_t ≤ u_hi
// over the flattened action sequence U `[B, H·nu]`, apply u_0, and warm-start the next solve with the plan
// shifted by one step (the last action repeated). The planner is chosen by name from a registry: every
// registered `Solver` (dcem, novas, gd, …) plans through a batched rollout objective `[B, N, H·nu] → [B, N]`,
// and structure-exploiting planners (the SQP/QP planner) register directly in `controllers/planners.ts`.
// `plan()` is differentiable w.r.t. the model's and cost's variables, with the backward mode per call
// (Theseus-style: 'unroll' | { truncated: k } | 'implicit' | 'none', as the planner supports; its default
// otherwise) and returns the planner's info; `act()` and `actBatch()` run without gradients and keep the
// last plan's info in `lastInfo`.
import * as tf from '@tensorflow/tfjs';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import type { BackwardMode } from '../src/solvers/types.ts';
import { ShapeError, assertFinite } from '../src/tensor/check.ts';
import { Rng } from '../src/tensor/rng.ts';
import { getPlanner, type PlanInfo, type Planner, type PlanResult } from './planners.ts';

export interface MPCConfig {
  model: DynamicsModel;
  cost: CostModel;
  horizon: number;
  /** Planner/solver name ('dcem' | 'novas' | 'gd' | 'qp' | any registered name). */
  solver: string;
  /** Extra configuration passed to the solver factory (e.g. { elites: 50, temp: 1 }). */
  solverConfig?: Record<string, unknown>;
  /** Action box: scalars or per-dimension arrays of length nu. */
  bounds: [number | number[], number | number[]];
  /** 'shift' reuses the previous plan shifted by one step; 'none' restarts from the initial mean. */
  warmStart?: 'shift' | 'none';
  /** Solver iterations per control step. */
  iterations?: number;
  /** Candidates per problem for sampling solvers. */
  samples?: number;
  /** Initial sampling std of each action, as a fraction of the action range (default 0.5). */
  initStdFraction?: number;
  seed?: number;
}

export interface PlanOptions {
  backward?: BackwardMode;
  /** Warm-start mean `[B, H·nu]`; defaults to the controller's stored warm start or the box centre. */
  mean?: tf.Tensor;
  iterations?: number;
  samples?: number;
  /** Injected noise `[iters, B, N, H·nu]` for sampling solvers: identical noise makes plans deterministic. */
  noise?: tf.Tensor;
}

export interface MPCPlan {
  /** `[B, H, nu]` planned actions (differentiable per the backward mode). */
  actions: tf.Tensor;
  /** `[B]` planned cost. */
  value: tf.Tensor;
  /** Per-problem status, iterations, backward mode and planner name. */
  info: PlanInfo;
}

function isRows(x: unknown): x is ArrayLike<number>[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] !== 'number';
}

function flatten(rows: ArrayLike<number>[], nx: number): Float32Array {
  const out = new Float32Array(rows.length * nx);
  rows.forEach((r, i) => {
    if (r.length !== nx) throw new ShapeError(`MPC.actBatch: row ${i} has length ${r.length}, expected the state dim ${nx}`);
    out.set(Array.from(r), i * nx);
  });
  return out;
}

function toVec(name: string, v: number | number[], nu: number): Float32Array {
  const a = typeof v === 'number' ? new Array(nu).fill(v) : v;
  if (a.length !== nu) throw new ShapeError(`MPC bounds ${name}: expected a number or ${nu} values (one per action dim), got ${a.length}`);
  assertFinite(`MPC bounds ${name}`, a);
  return Float32Array.from(a);
}

export class MPC {
  readonly model: DynamicsModel;
  readonly cost: CostModel;
  readonly horizon: number;
  readonly nx: number;
  readonly nu: number;
  readonly lo: Float32Array;
  readonly hi: Float32Array;
  readonly planner: Planner;
  readonly config: Required<Omit<MPCConfig, 'solverConfig' | 'seed'>> & { solverConfig: Record<string, unknown> };
  readonly rng: Rng;
  /** Host copy of the last plan `[B, H·nu]`, used for the shifted warm start. */
  private warm: Float32Array | undefined;
  private warmB = 0;
  /** The last executed plan (for plots of planned vs executed trajectories). */
  lastPlan: Float32Array | undefined;
  /** Info of the last plan made by `act`/`actBatch`. */
  lastInfo: PlanInfo | undefined;

  constructor(cfg: MPCConfig) {
    if (!Number.isInteger(cfg.horizon) || cfg.horizon < 1) throw new Error(`MPC horizon: expected a positive integer (got ${cfg.horizon})`);
    this.model = cfg.model;
    this.cost = cfg.cost;
    this.horizon = cfg.horizon;
    this.nx = cfg.model.stateDim;
    this.nu = cfg.model.actionDim;
    this.lo = toVec('[0] (low)', cfg.bounds[0], this.nu);
    this.hi = toVec('[1] (high)', cfg.bounds[1], this.nu);
    this.lo.forEach((l, i) => {
      if (!(l < this.hi[i]!)) throw new Error(`MPC bounds: low[${i}] = ${l} must be below high[${i}] = ${this.hi[i]}`);
    });
    this.planner = getPlanner(cfg.solver, cfg.solverConfig);
    this.config = {
      model: cfg.model,
      cost: cfg.cost,
      horizon: cfg.horizon,
      solver: cfg.solver,
      solverConfig: cfg.solverConfig ?? {},
      bounds: cfg.bounds,
      warmStart: cfg.warmStart ?? 'shift',
      iterations: cfg.iterations ?? 5,
      samples: cfg.samples ?? 500,
      initStdFraction: cfg.initStdFraction ?? 0.5,
    };
    this.rng = new Rng(cfg.seed ?? 0);
  }

  /**
   * Forgets the warm start at an episode boundary: of every row, or (vectorized rollouts) of the given rows
   * only, which restart from the box centre.
   */
  reset(rows?: number[] | { episode: number }): void {
    if (Array.isArray(rows) && this.warm) {
      const Hn = this.horizon * this.nu;
      const c = this.centre(1);
      for (const r of rows) if (r < this.warmB) this.warm.set(c, r * Hn);
      return;
    }
    this.warm = undefined;
    this.lastPlan = undefined;
  }

  /** Box centre repeated over the horizon, `[B, H·nu]`. */
  private centre(B: number): Float32Array {
    const out = new Float32Array(B * this.horizon * this.nu);
    for (let i = 0; i < out.length; i++) {
      const d = i % this.nu;
      out[i] = 0.5 * (this.lo[d]! + this.hi[d]!);
    }
    return out;
  }

  private initialMean(B: number): tf.Tensor {
    const m = this.config.warmStart === 'shift' && this.warm && this.warmB === B ? this.warm : this.centre(B);
    return tf.tensor(m, [B, this.horizon * this.nu]);
  }

  private initialStd(B: number): tf.Tensor {
    const s = new Float32Array(B * this.horizon * this.nu);
    for (let i = 0; i < s.length; i++) {
      const d = i % this.nu;
      s[i] = this.config.initStdFraction * (this.hi[d]! - this.lo[d]!);
    }
    return tf.tensor(s, [B, this.horizon * this.nu]);
  }

  /**
   * Plans for a batch of observations x0 `[B, nx]`; differentiable w.r.t. model and cost variables
   * according to `opts.backward` (default: the planner's own, e.g. 'unroll' for dcem and gd, { truncated: 1 }
   * for novas, 'implicit' for qp). Does not touch the warm start.
   * @example const { actions, info } = mpc.plan(tf.tensor([[1, 0, 0]]), { backward: 'unroll' });
   */
  plan(x0: tf.Tensor, opts: PlanOptions = {}): MPCPlan {
    if (x0.rank !== 2 || x0.shape[1] !== this.nx) {
      throw new ShapeError(`MPC.plan: observations must have shape [B, nx] = [B, ${this.nx}] (got [${x0.shape}])`);
    }
    const B = x0.shape[0]!;
    const mean = opts.mean ?? this.initialMean(B);
    const std = this.initialStd(B);
    const lo = tf.tensor(this.lo);
    const hi = tf.tensor(this.hi);
    const r: PlanResult = this.planner.plan({
      model: this.model,
      cost: this.cost,
      x0,
      horizon: this.horizon,
      bounds: [tf.tile(lo, [this.horizon]), tf.tile(hi, [this.horizon])],
      mean,
      std,
      iterations: opts.iterations ?? this.config.iterations,
      samples: opts.samples ?? this.config.samples,
      ...(opts.backward !== undefined ? { backward: opts.backward } : {}),
      rng: this.rng,
      ...(opts.noise ? { noise: opts.noise } : {}),
    });
    if (!opts.mean) mean.dispose();
    tf.dispose([std, lo, hi]);
    return { actions: r.solution.reshape([B, this.horizon, this.nu]), value: r.value, info: r.info };
  }

  /**
   * Runs one receding-horizon step for B observations, flat `[B·nx]` or as B rows; returns the B first actions
   * as one flat `[B·nu]` array. All rows are planned as one batched solve.
   */
  actBatch(rows: Float32Array | number[] | ArrayLike<number>[], _active?: readonly boolean[]): Float32Array {
    const obs = isRows(rows) ? flatten(rows, this.nx) : (rows as Float32Array | number[]);
    const B = obs.length / this.nx;
    if (!Number.isInteger(B) || obs.length !== B * this.nx) {
      throw new ShapeError(`MPC.act: observation length ${obs.length} is not a multiple of the model's state dim ${this.nx}`);
    }
    assertFinite('MPC.act: observation', obs);
    const planFlat = tf.tidy(() => {
      const x0 = tf.tensor(Float32Array.from(obs), [B, this.nx]);
      const { actions, info } = this.plan(x0, { backward: 'none' });
      this.lastInfo = info;
      return actions.dataSync() as Float32Array;
    });
    const Hn = this.horizon * this.nu;
    this.lastPlan = planFlat;
    const first = new Float32Array(B * this.nu);
    const shifted = new Float32Array(B * Hn);
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < this.nu; d++) first[b * this.nu + d] = planFlat[b * Hn + d]!;
      shifted.set(planFlat.subarray(b * Hn + this.nu, (b + 1) * Hn), b * Hn);
      shifted.set(planFlat.subarray((b + 1) * Hn - this.nu, (b + 1) * Hn), b * Hn + Hn - this.nu);
    }
    this.warm = shifted;
    this.warmB = B;
    return first;
  }

  /** One receding-horizon step for a single observation `[nx]`; returns the action `[nu]`. */
  act(obs: Float32Array | number[]): Float32Array {
    if (obs.length !== this.nx) throw new ShapeError(`MPC.act: observation must have length ${this.nx} (got ${obs.length})`);
    return this.actBatch(obs);
  }
}
