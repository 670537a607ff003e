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
// Guards: sizes are checked against controllers/plan-limits.ts before anything is allocated; observations
// must be finite numbers; a planner that meets a non-finite rollout cost (NonFiniteObjectiveError) is
// reported with the model, the cost, the observation and, when one is not finite, the parameter at fault.
import * as tf from '@tensorflow/tfjs';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import { NonFiniteObjectiveError, describeNonFinite } from '../src/solvers/non-finite.ts';
import type { BackwardMode } from '../src/solvers/types.ts';
import { NonFiniteError, ShapeError, assertFinite, describeValue } from '../src/tensor/check.ts';
import { Rng } from '../src/tensor/rng.ts';
import { checkPlanSize } from './plan-limits.ts';
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
  /** Record the solver's per-iteration trace (mean/σ/best objective) in `lastInfo.trace` (a few device reads per plan). */
  trace?: boolean;
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

const isArrayLike = (x: unknown): x is ArrayLike<unknown> => Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

function isRows(x: unknown): x is ArrayLike<number>[] {
  return Array.isArray(x) && x.length > 0 && isArrayLike(x[0]);
}

function flatten(rows: ArrayLike<number>[], nx: number): Float32Array {
  const out = new Float32Array(rows.length * nx);
  rows.forEach((r, i) => {
    if (!isArrayLike(r)) throw new ShapeError(`MPC.actBatch: observation row ${i} is ${describeValue(r)}, expected an array of ${nx} numbers`);
    if (r.length !== nx) throw new ShapeError(`MPC.actBatch: row ${i} has length ${r.length}, expected the state dim ${nx}`);
    assertFinite(`MPC.actBatch: observation row ${i}`, r);
    out.set(Array.from(r), i * nx);
  });
  return out;
}

/** Longest horizon a plan accepts: rollouts are sequential in H (a generic model at H = 10⁴ takes a minute per iteration). */
export const MAX_HORIZON = 1000;

function positiveInteger(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer (got ${typeof v === 'number' ? v : describeValue(v)})`);
  return v;
}

/** Short form of an observation row for messages: `[1, 0, 1e+30]`. */
function showRow(v: ArrayLike<number>): string {
  const a = Array.from(v, (x) => String(Number.isFinite(x) ? +x.toPrecision(6) : x));
  return `[${a.length > 8 ? `${a.slice(0, 8).join(', ')}, …` : a.join(', ')}]`;
}

function toVec(name: string, v: number | number[], nu: number): Float32Array {
  if (typeof v !== 'number' && !isArrayLike(v)) throw new ShapeError(`MPC bounds ${name}: expected a number or ${nu} numbers (got ${describeValue(v)})`);
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
  readonly config: Required<Omit<MPCConfig, 'solverConfig' | 'seed' | 'trace'>> & { solverConfig: Record<string, unknown> };
  readonly rng: Rng;
  /** Host copy of the last plan `[B, H·nu]`, used for the shifted warm start. */
  private warm: Float32Array | undefined;
  private warmB = 0;
  /** The last executed plan (for plots of planned vs executed trajectories). */
  lastPlan: Float32Array | undefined;
  /** Info of the last plan made by `act`/`actBatch`. */
  lastInfo: PlanInfo | undefined;
  private readonly trace: boolean;

  constructor(cfg: MPCConfig) {
    if (typeof cfg !== 'object' || cfg === null) throw new Error(`MPC: expected a config object { model, cost, horizon, solver, bounds } (got ${describeValue(cfg)})`);
    const model = cfg.model as Partial<DynamicsModel> | undefined;
    if (typeof model !== 'object' || model === null || typeof model.step !== 'function') {
      throw new Error(`MPC model: expected a DynamicsModel with step(x, u), stateDim and actionDim (got ${describeValue(model)})`);
    }
    positiveInteger('MPC model.stateDim', model.stateDim);
    positiveInteger('MPC model.actionDim', model.actionDim);
    if (typeof cfg.cost !== 'object' || cfg.cost === null || typeof (cfg.cost as Partial<CostModel>).cost !== 'function') {
      throw new Error(`MPC cost: expected a CostModel with cost(x, u, t) (got ${describeValue(cfg.cost)})`);
    }
    positiveInteger('MPC horizon', cfg.horizon);
    if (cfg.horizon > MAX_HORIZON) {
      throw new Error(`MPC horizon: ${cfg.horizon} is over the limit of ${MAX_HORIZON} steps (every solver iteration rolls the model out step by step, so a plan would take minutes); use a shorter horizon`);
    }
    if (cfg.iterations !== undefined) positiveInteger('MPC iterations', cfg.iterations);
    if (cfg.samples !== undefined) positiveInteger('MPC samples', cfg.samples);
    checkPlanSize({ batch: 1, samples: cfg.samples ?? 500, horizon: cfg.horizon, actionDim: cfg.model.actionDim }, { samples: 'MPC samples', horizon: 'MPC horizon', actionDim: 'MPC model.actionDim' });
    if (cfg.initStdFraction !== undefined && !(Number.isFinite(cfg.initStdFraction) && cfg.initStdFraction > 0)) {
      throw new Error(`MPC initStdFraction: expected a positive finite number (got ${cfg.initStdFraction})`);
    }
    if (!Array.isArray(cfg.bounds) || cfg.bounds.length !== 2) throw new ShapeError(`MPC bounds: expected [low, high] (numbers or arrays of nu numbers) (got ${describeValue(cfg.bounds)})`);
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
    this.trace = cfg.trace ?? false;
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
    if (!(x0 instanceof tf.Tensor)) throw new ShapeError(`MPC.plan: observations must be a tf.Tensor [B, nx] = [B, ${this.nx}] (got ${describeValue(x0)}); use act() for arrays`);
    if (x0.rank !== 2 || x0.shape[1] !== this.nx) {
      throw new ShapeError(`MPC.plan: observations must have shape [B, nx] = [B, ${this.nx}] (got [${x0.shape}])`);
    }
    // One read: a NaN observation would be clipped into a plausible plan.
    const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(x0))).dataSync()[0]);
    if (bad) {
      const d = x0.dataSync();
      const i = d.findIndex((v) => !Number.isFinite(v));
      throw new NonFiniteError(`MPC.plan: observation row ${Math.floor(i / this.nx)} contains ${d[i]} at entry ${i % this.nx}; observations must be finite numbers`);
    }
    return this.planChecked(x0, opts, 'MPC.plan');
  }

  /** `plan` for validated observations; `where` names the public entry in errors. */
  private planChecked(x0: tf.Tensor, opts: PlanOptions, where: string): MPCPlan {
    const B = x0.shape[0]!;
    const iterations = opts.iterations ?? this.config.iterations;
    const samples = opts.samples ?? this.config.samples;
    positiveInteger(`${where}: iterations`, iterations);
    try {
      checkPlanSize({ batch: B, samples, horizon: this.horizon, actionDim: this.nu }, { batch: 'batch (observation rows)', samples: 'samples', horizon: 'horizon' });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    if (opts.mean !== undefined && !(opts.mean instanceof tf.Tensor)) throw new ShapeError(`${where}: mean must be a tf.Tensor [B, H·nu] = [${B}, ${this.horizon * this.nu}] (got ${describeValue(opts.mean)})`);
    const mean = opts.mean ?? this.initialMean(B);
    const std = this.initialStd(B);
    const lo = tf.tensor(this.lo);
    const hi = tf.tensor(this.hi);
    let r: PlanResult;
    try {
      r = this.planner.plan({
        model: this.model,
        cost: this.cost,
        x0,
        horizon: this.horizon,
        bounds: [tf.tile(lo, [this.horizon]), tf.tile(hi, [this.horizon])],
        mean,
        std,
        iterations,
        samples,
        ...(opts.backward !== undefined ? { backward: opts.backward } : {}),
        rng: this.rng,
        ...(opts.noise ? { noise: opts.noise } : {}),
        ...(this.trace ? { trace: true } : {}),
      });
    } catch (e) {
      if (e instanceof NonFiniteObjectiveError) throw this.explainNonFinite(e, x0, where);
      throw e;
    } finally {
      if (!opts.mean) mean.dispose();
      tf.dispose([std, lo, hi]);
    }
    return { actions: r.solution.reshape([B, this.horizon, this.nu]), value: r.value, info: r.info };
  }

  /**
   * The planner's report in terms of this controller: model and cost classes, the parameter that is not
   * finite (if any), else the observation of the first affected problem (failure path only).
   */
  private explainNonFinite(e: NonFiniteObjectiveError, x0: tf.Tensor, where: string): NonFiniteObjectiveError {
    const r = e.report;
    const parts = `model ${this.model.constructor?.name ?? 'model'}, cost ${this.cost.constructor?.name ?? 'cost'}`;
    const badParam = (owner: object, vars: tf.Variable[], label: string): string | undefined => {
      for (const v of vars) {
        const d = v.dataSync();
        const i = d.findIndex((x) => !Number.isFinite(x));
        if (i < 0) continue;
        // a field of the model (a hand-written twin) or an entry of its `params` record (a compiled system)
        const params = (owner as { params?: unknown }).params;
        const named = (o: object) => Object.entries(o).find(([, val]) => val === v)?.[0];
        const field = named(owner) ?? (params && typeof params === 'object' ? named(params) : undefined) ?? v.name;
        return `the ${label} parameter ${field} is ${d[i]}`;
      }
      return undefined;
    };
    const param = badParam(this.model, this.model.variables?.() ?? [], 'model') ?? badParam(this.cost, this.cost.variables?.() ?? [], 'cost');
    const row = r.problems[0] ?? 0;
    const obs = showRow(x0.slice([row, 0], [1, this.nx]).dataSync());
    const hint = param
      ? `${param}; fix it (e.g. a learning rate too high, or a bad checkpoint)`
      : `check the model's parameters and the observation ${obs}${x0.shape[0]! > 1 ? ` (row ${row})` : ''}`;
    const subject = r.what === 'start' ? 'the warm start' : `the rollout cost (${parts})`;
    return new NonFiniteObjectiveError(r, `${where} (planner ${this.config.solver}): ${describeNonFinite(r, subject)}; ${hint}`);
  }

  /**
   * Runs one receding-horizon step for B observations, flat `[B·nx]` or as B rows; returns the B first actions
   * as one flat `[B·nu]` array. All rows are planned as one batched solve.
   */
  actBatch(rows: Float32Array | number[] | ArrayLike<number>[], _active?: readonly boolean[]): Float32Array {
    if (!isArrayLike(rows)) throw new ShapeError(`MPC.act: observation must be an array of ${this.nx} numbers (or rows of them) (got ${describeValue(rows)})`);
    const obs = isRows(rows) ? flatten(rows, this.nx) : (rows as Float32Array | number[]);
    const B = obs.length / this.nx;
    if (!Number.isInteger(B) || B < 1 || obs.length !== B * this.nx) {
      throw new ShapeError(`MPC.act: observation length ${obs.length} is not a positive multiple of the model's state dim ${this.nx}`);
    }
    assertFinite('MPC.act: observation', obs);
    const planFlat = tf.tidy(() => {
      const x0 = tf.tensor(Float32Array.from(obs), [B, this.nx]);
      const { actions, info } = this.planChecked(x0, { backward: 'none' }, 'MPC.act');
      this.lastInfo = info;
      return actions.dataSync() as Float32Array;
    });
    // Free check (the plan is on the host): a custom planner's non-finite plan is never applied.
    const k = planFlat.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) throw new NonFiniteError(`MPC.act: planner ${this.config.solver} returned ${planFlat[k]} at entry ${k} of its plan for the observation ${showRow(obs)}`);
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
    if (!isArrayLike(obs)) throw new ShapeError(`MPC.act: observation must be an array of ${this.nx} numbers (got ${describeValue(obs)})`);
    if (obs.length !== this.nx) throw new ShapeError(`MPC.act: observation must have length ${this.nx} (got ${obs.length})`);
    assertFinite('MPC.act: observation', obs);
    return this.actBatch(obs);
  }
}
