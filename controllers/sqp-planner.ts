// Sequential quadratic programming over an MPC action sequence, with the OptNet QP layer as inner solver
// (registered as the MPC planner 'qp' in planners.ts; it lives with the controllers because it plans through
// the dynamics and cost models, a layer above the solvers).
//
// Problem, for each of B initial observations x0 `[B, nx]` (horizon H, controls u_t ∈ [lo, hi]):
//   min_U J(U) = Σ_{t<H} c(x_t, u_t, t) + c_T(x_H),   x_{t+1} = f(x_t, u_t),   U = (u_0..u_{H−1}) `[B, H·nu]`.
// Each SQP iteration, around the nominal U:
//   1. roll out x_t and linearize the dynamics, A_t = ∂f/∂x, B_t = ∂f/∂u;
//   2. quadratize the stage costs: H_t = ∇²_(x,u) c(x_t, u_t, t), projected onto the PSD cone (eigenvalues
//      clipped at 0; the dynamics' own curvature is dropped, as in iLQR/Gauss–Newton);
//   3. condense (condensed-qp.ts): δx_t = S_t δU with S_0 = 0, S_{t+1} = A_t S_t + B_t E_t (E_t picks u_t), giving
//        Q = Σ_t [S_t; E_t]ᵀ H_t [S_t; E_t] + S_Hᵀ H_T S_H + ρ·I,   p = ∇_U J(U) − Q U   (∇_U J exact)
//      so the QP  min_z ½ zᵀQz + pᵀz  s.t.  lo ≤ z ≤ hi  is the local model in the new sequence z;
//   4. solve it by projected Newton warm-started at U (src/solvers/qp/box.ts; the Float64 interior-point
//      solver pdipm.ts where that fails) and line-search U ← U + α(z* − U), α ∈ {1, ½, ¼, ⅛, 0}, on the true
//      rollout cost (one batched rollout of all candidates).
// The iterations stop early once every QP step max|z* − U| is below `tol` (relative to the box): converged.
// Steps 1–2 and the rollouts come from a compiled system's generated code on Float64 when the model offers
// them for this cost (src/models/local-model.ts: rollout, adjoint ∇_U J, stage Jacobians, cost Hessians);
// otherwise from tfjs autodiff: `linearize` (src/models/linearize.ts, all B·H rows in one backward pass), the
// stage Hessians by one nested backward pass (one per step unless the cost is `stationary`), ∇_U J and the
// rollout values through rolloutCost.
// The returned plan is the solution z* of one more QP built at the final U with p as a tfjs tensor, through the
// differentiable op qpLayer: gradients of a loss on the plan reach the model and cost variables (and x0)
// through p = ∇_U J(U; θ) (second-order autodiff). With Q held constant this is the implicit-function gradient
// of the SQP fixed point (z* = U there, so Q's own sensitivity drops out), the approach of differentiable MPC
// (Amos et al., NeurIPS 2018). ∇_U J and the rollout values use the model's fused rollout op when it has one
// (src/models/fused-rollout.ts); under an outer gradient tape that op is not allowed (its backward is not
// itself differentiable) and rolloutCost falls back to the generic loop, so p stays differentiable in θ.
// Second-order autodiff needs a gradient for every op inside a gradient; tfjs has
// none for its boolean kernels (tf.clipByValue's gradient builds a LogicalAnd mask); their zero gradients are
// registered when the tensor layer loads (src/tensor/boolean-grads.ts). Cost per iteration: the local model
// (O(B·H) generated stage evaluations, or the tfjs passes above), condensing in O(B·H²) small blocks, and B box
// QPs over H·nu variables (a few Cholesky factorizations of the free block each).
import * as tf from '@tensorflow/tfjs';
import { assertActionGradient } from '../src/models/action-gradient.ts';
import { linearize } from '../src/models/linearize.ts';
import { hasHostLocalModel, type LocalModel } from '../src/models/local-model.ts';
import { rolloutCost, rolloutStates } from '../src/models/rollout.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import { ShapeError, assertFinite } from '../src/tensor/check.ts';
import { scoped } from '../src/tensor/memory.ts';
import { NonFiniteObjectiveError, countNonFiniteHost, type NonFiniteWhat } from '../src/solvers/non-finite.ts';
import { qpLayer } from '../src/solvers/qp/layer.ts';
import { boxInequalities, solveBoxQpWithFallback } from '../src/solvers/qp/box.ts';
import { projectPsd } from '../src/solvers/qp/psd-projection.ts';
import type { QpOptions, QpStatus } from '../src/solvers/qp/types.ts';
import { checkBackward } from '../src/solvers/common.ts';
import type { BackwardKind } from '../src/solvers/types.ts';
import { condenseHessian } from './condensed-qp.ts';
import { MAX_PLAN_ELEMENTS } from './plan-limits.ts';
import type { PlanRequest, PlanResult, Planner } from './planners.ts';

export type BoundSpec = number | number[] | tf.Tensor;

export interface SqpPlanConfig {
  model: DynamicsModel;
  cost: CostModel;
  /** `[B, nx]` initial observations. */
  x0: tf.Tensor;
  horizon: number;
  /** Control box [lo, hi]: scalars, length-nu or length-H·nu arrays/tensors. */
  bounds: [BoundSpec, BoundSpec];
  /** At most this many SQP iterations before the final (differentiable) QP. Default 3. */
  iterations?: number;
  /**
   * The iterations stop early once every problem's QP step satisfies max|z* − U| ≤ tol·(1 + max(hi − lo))
   * (converged: further iterations would not move U). Default 1e-8; 0 always runs `iterations`.
   */
  tol?: number;
  /** `[B, H·nu]` or `[B, H, nu]` initial sequence; default the box centre. */
  warmStart?: tf.Tensor;
  /** Levenberg term ρ added to Q's diagonal. Default 1e-6·(1 + max Qᵢᵢ). */
  regularization?: number;
  /** Step sizes tried by the line search (0 is always added). Default [1, 0.5, 0.25, 0.125]. */
  steps?: number[];
  /** Options of the inner QP solves. */
  qp?: QpOptions;
  /**
   * Default true: the plan is the solution of one more QP through the differentiable op (gradients reach the
   * model/cost variables). false: the plan is the last SQP iterate as a constant (what an MPC `act` needs).
   */
  differentiable?: boolean;
}

export interface SqpPlan {
  /** `[B, H, nu]` planned controls (differentiable w.r.t. model/cost variables and x0). */
  actions: tf.Tensor;
  /** `[B]` rollout cost J of the plan (differentiable). */
  value: tf.Tensor;
  /** Status of each problem's final QP. */
  status: QpStatus[];
  /** `[iterations run + 1][B]` rollout cost after each SQP iteration (first entry: the warm start). */
  costs: number[][];
}

function boundVector(name: string, v: BoundSpec, H: number, nu: number): Float64Array {
  const data = typeof v === 'number' ? [v] : v instanceof tf.Tensor ? Array.from(v.dataSync()) : v;
  assertFinite(name, data);
  const n = H * nu;
  if (data.length === 1) return new Float64Array(n).fill(data[0]!);
  if (data.length === nu) return Float64Array.from({ length: n }, (_, i) => data[i % nu]!);
  if (data.length === n) return Float64Array.from(data);
  throw new ShapeError(`${name}: expected a scalar, [nu] = [${nu}] or [H·nu] = [${n}] values but got ${data.length}`);
}

/**
 * Hessians of several row-wise scalar functions gᵢ(yᵢ) `[R, mᵢ] → [R]`, each `[R, mᵢ, mᵢ]`, from ONE nested
 * backward pass: every row is replicated mᵢ times and replica j's gradient is contracted with e_j, so the
 * outer gradient w.r.t. replica j is row j of the Hessian.
 */
function rowHessians(parts: Array<{ g: (y: tf.Tensor) => tf.Tensor; y: tf.Tensor }>): Float64Array[] {
  return scoped(() => {
    const reps = parts.map(({ y }) => {
      const [R, m] = y.shape as [number, number];
      const sel = tf.tile(tf.eye(m).reshape([m, 1, m]), [1, R, 1]).reshape([m * R, m]);
      return { R, m, yr: tf.tile(y, [m, 1]), sel }; // replica j of row r at j·R + r
    });
    const hs = tf.grads((...ya: tf.Tensor[]) => {
      const gy = tf.grads((...yb: tf.Tensor[]) => tf.addN(parts.map((p, i) => tf.sum(p.g(yb[i]!)))))(ya);
      return tf.addN(gy.map((gi, i) => tf.sum(tf.mul(gi, reps[i]!.sel))));
    })(reps.map((r) => r.yr));
    return hs.map((h, i) => {
      const { R, m } = reps[i]!;
      return Float64Array.from(h.reshape([m, R, m]).transpose([1, 0, 2]).dataSync());
    });
  });
}

/**
 * The local model by tfjs autodiff (any DynamicsModel/CostModel): rollout, `linearize`, the stage Hessians in
 * one nested backward pass (one per step unless the cost is `stationary`) and ∇_U J through rolloutCost.
 */
function tfjsLocalModel(cfg: SqpPlanConfig, U: tf.Tensor): LocalModel {
  const { model, cost, x0, horizon: H } = cfg;
  const [B, nx] = x0.shape as [number, number];
  const nu = model.actionDim;
  const n = H * nu;
  const k = nx + nu;
  return scoped(() => {
    const xs = rolloutStates(model, x0, U, H); // [B, H+1, nx]
    const xt = tf.slice(xs, [0, 0, 0], [B, H, nx]).reshape([B * H, nx]);
    const ut = U.reshape([B * H, nu]);
    const lin = linearize(model, xt, ut);
    const stageFn = (t: number) => (y: tf.Tensor) => cost.cost(tf.slice(y, [0, 0], [-1, nx]), tf.slice(y, [0, nx], [-1, nu]), t);
    // A stationary cost takes all B·H stage rows (row b·H + t) in one part: one nested backward pass, not H.
    const parts = cost.stationary
      ? [{ g: stageFn(0), y: tf.concat([tf.slice(xs, [0, 0, 0], [B, H, nx]), U.reshape([B, H, nu])], 2).reshape([B * H, k]) }]
      : Array.from({ length: H }, (_, t) => ({
          g: stageFn(t),
          y: tf.concat([tf.slice(xs, [0, t, 0], [B, 1, nx]).reshape([B, nx]), tf.slice(U, [0, t * nu], [B, nu])], 1),
        }));
    const stages = parts.length;
    if (cost.terminal) parts.push({ g: (y: tf.Tensor) => cost.terminal!(y), y: tf.slice(xs, [0, H, 0], [B, 1, nx]).reshape([B, nx]) });
    const all = rowHessians(parts);
    let stage = all[0]!;
    if (!cost.stationary) {
      // Per-step parts [B, k, k] (t = 0..H−1) → rows b·H + t.
      stage = new Float64Array(B * H * k * k);
      for (let t = 0; t < H; t++) for (let b = 0; b < B; b++) stage.set(all[t]!.subarray(b * k * k, (b + 1) * k * k), (b * H + t) * k * k);
    }
    const terminal = cost.terminal ? all[stages] : undefined;
    const [g] = tf.grads((u: tf.Tensor) => tf.sum(rolloutCost(model, cost, x0, u.reshape([B, 1, n]), H)))([U]);
    return {
      J: new Float64Array(0),
      A: Float64Array.from(lin.A.dataSync()),
      B: Float64Array.from(lin.B.dataSync()),
      stage,
      ...(terminal ? { terminal } : {}),
      grad: Float64Array.from(g!.dataSync()),
    };
  });
}

interface LocalQp {
  Q: Float64Array;
  /** ∇_U J at U `[B, n]` (Float64 copy). */
  grad: Float64Array;
}

/**
 * Builds the condensed QP's Q (and ∇J) around U `[B, n]`: from the model's host local model when it offers one
 * for this cost (a compiled system: generated code on Float64), else by tfjs autodiff. Stage and terminal
 * Hessians are checked finite (a NonFiniteObjectiveError at `iteration`) and projected onto the PSD cone
 * before condensing.
 */
function localQp(cfg: SqpPlanConfig, U: Float64Array, x0h: Float64Array, iteration: number | 'solution', iterations: number): LocalQp {
  const { model, cost, x0, horizon: H } = cfg;
  const [B, nx] = x0.shape as [number, number];
  const nu = model.actionDim;
  const k = nx + nu;
  let lm = hasHostLocalModel(model) ? model.hostLocalModel(cost, x0h, U, B, H) : undefined;
  if (!lm) {
    const Ut = tf.tensor(Float32Array.from(U), [B, H * nu]);
    lm = tfjsLocalModel(cfg, Ut);
    Ut.dispose();
  }
  checkFinite('gradient', lm.grad, B, iteration, iterations);
  checkFinite('hessian', lm.stage, B, iteration, iterations);
  if (lm.terminal) checkFinite('hessian', lm.terminal, B, iteration, iterations);
  for (let r = 0; r < B * H; r++) projectPsd(lm.stage, r * k * k, k);
  if (lm.terminal) for (let b = 0; b < B; b++) projectPsd(lm.terminal, b * nx * nx, nx);
  const Q = condenseHessian(lm, B, H, nx, nu, cfg.regularization);
  checkFinite('hessian', Q, B, iteration, iterations);
  return { Q, grad: lm.grad };
}

/** p = ∇J − Q U for the QP in the new sequence z. */
function linearTerm(Q: Float64Array, grad: Float64Array, U: Float64Array, B: number, n: number): Float64Array {
  const p = new Float64Array(B * n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      let acc = grad[b * n + i]!;
      for (let j = 0; j < n; j++) acc -= Q[b * n * n + i * n + j]! * U[b * n + j]!;
      p[b * n + i] = acc;
    }
  }
  return p;
}

/**
 * Throws a NonFiniteObjectiveError when a host array of B problems' rows (rollout costs, ∇J, Q) is not finite:
 * the QP solver would refuse it as "Q: contains NaN" without saying that the model or cost produced it.
 */
function checkFinite(what: NonFiniteWhat, data: ArrayLike<number>, B: number, iteration: number | 'solution', iterations: number): void {
  const c = countNonFiniteHost(data, B);
  if (c.count > 0) throw new NonFiniteObjectiveError({ solver: 'qp', what, iteration, iterations, ...c });
}

/** Plans `[B, H, nu]` controls by SQP with the QP layer; see the file header. */
export function sqpPlan(cfg: SqpPlanConfig): SqpPlan {
  const { model, cost, x0, horizon: H } = cfg;
  if (x0.rank !== 2 || x0.shape[1] !== model.stateDim) {
    throw new ShapeError(`x0: expected shape [B, nx] = [B, ${model.stateDim}] but got [${x0.shape}]`);
  }
  if (!Number.isInteger(H) || H < 1) throw new Error(`horizon: expected an integer ≥ 1 (got ${H})`);
  const B = x0.shape[0]!;
  const nx = model.stateDim;
  const nu = model.actionDim;
  const n = H * nu;
  // The condensed QP holds B dense n × n matrices: refuse sizes that cannot be allocated before trying.
  if (B * n * n > MAX_PLAN_ELEMENTS) {
    throw new Error(`qp planner: batch ${B} × (horizon ${H} × ${nu} action dim(s))² = ${(B * n * n).toExponential(2)} QP matrix entries, over the limit of ${MAX_PLAN_ELEMENTS}; use a shorter horizon or a sampling solver (dcem, novas, gd)`);
  }
  const lo = boundVector('bounds[0]', cfg.bounds[0], H, nu);
  const hi = boundVector('bounds[1]', cfg.bounds[1], H, nu);
  for (let i = 0; i < n; i++) if (!(lo[i]! <= hi[i]!)) throw new Error(`bounds: lower bound ${lo[i]} exceeds upper bound ${hi[i]} at entry ${i}`);
  const iterations = cfg.iterations ?? 3;
  const tol = cfg.tol ?? 1e-8;
  if (!(tol >= 0)) throw new Error(`tol: expected a number ≥ 0 (got ${tol})`);
  let range = 0;
  for (let i = 0; i < n; i++) range = Math.max(range, hi[i]! - lo[i]!);
  const stepTol = tol * (1 + range);
  const steps = [...(cfg.steps ?? [1, 0.5, 0.25, 0.125]), 0];
  const { G, h } = boxInequalities(lo, hi); // shared over the batch
  let U: Float64Array;
  if (cfg.warmStart) {
    const w = cfg.warmStart;
    if (w.shape[0] !== B || w.size !== B * n) throw new ShapeError(`warmStart: expected shape [B, H·nu] = [${B}, ${n}] or [B, H, nu] but got [${w.shape}]`);
    U = Float64Array.from(w.dataSync());
    for (let i = 0; i < B * n; i++) U[i] = Math.min(hi[i % n]!, Math.max(lo[i % n]!, U[i]!));
  } else U = Float64Array.from({ length: B * n }, (_, i) => 0.5 * (lo[i % n]! + hi[i % n]!));

  const x0h = Float64Array.from(x0.dataSync());
  const host = hasHostLocalModel(model) ? model : undefined;
  const xRep = new Map<number, Float64Array>(); // x0 repeated N times per problem, for the host rollout
  const evalCosts = (X: Float64Array, N: number): Float64Array => {
    if (host) {
      if (!xRep.has(N)) xRep.set(N, Float64Array.from({ length: B * N * nx }, (_, i) => x0h[Math.floor(i / (N * nx)) * nx + (i % nx)]!));
      const J = host.hostRolloutCost(cost, xRep.get(N)!, X, B * N, H);
      if (J) return J;
    }
    return scoped(() => Float64Array.from(rolloutCost(model, cost, x0, tf.tensor(Float32Array.from(X), [B, N, n]), H).dataSync()));
  };
  const start = evalCosts(U, 1);
  checkFinite('objective', start, B, 0, iterations);
  const costs: number[][] = [Array.from(start)];
  let lastStatus: QpStatus[] = new Array(B).fill('optimal');
  // The line search keeps the current U (α = 0, finite cost) over any step whose cost is not finite.
  for (let it = 0; it < iterations; it++) {
    const { Q, grad } = localQp(cfg, U, x0h, it + 1, iterations);
    // A box-constrained QP: projected Newton from the current U, the interior-point solver where it fails.
    const sol = solveBoxQpWithFallback({ B, n, Q, p: linearTerm(Q, grad, U, B, n), lo, hi, start: U }, {}, cfg.qp);
    lastStatus = sol.status;
    // Converged when every QP step z* − U is below stepTol: the remaining iterations would not move U further.
    let converged = stepTol > 0;
    for (let b = 0; b < B && converged; b++) {
      converged = sol.status[b] === 'optimal';
      for (let i = 0; i < n && converged; i++) converged = Math.abs(sol.z[b * n + i]! - U[b * n + i]!) <= stepTol;
    }
    const X = new Float64Array(B * steps.length * n);
    for (let b = 0; b < B; b++) {
      const ok = sol.status[b] === 'optimal';
      steps.forEach((a, j) => {
        for (let i = 0; i < n; i++) {
          const u = U[b * n + i]!;
          X[(b * steps.length + j) * n + i] = ok ? u + a * (sol.z[b * n + i]! - u) : u;
        }
      });
    }
    const vals = evalCosts(X, steps.length);
    for (let b = 0; b < B; b++) {
      let best = steps.length - 1; // α = 0
      for (let j = 0; j < steps.length; j++) if (vals[b * steps.length + j]! < vals[b * steps.length + best]!) best = j;
      U.set(X.subarray((b * steps.length + best) * n, (b * steps.length + best + 1) * n), b * n);
    }
    costs.push(Array.from({ length: B }, (_, b) => Math.min(...Array.from(vals.subarray(b * steps.length, (b + 1) * steps.length)))));
    if (converged) break;
  }

  if (cfg.differentiable === false) {
    // The costs are Float64; the value is returned in float32, which overflows beyond ≈ 3.4e38.
    const value = Float32Array.from(costs[costs.length - 1]!);
    checkFinite('objective', value, B, 'solution', iterations);
    return {
      actions: tf.tensor(Float32Array.from(U), [B, H, nu]),
      value: tf.tensor(value, [B]),
      status: lastStatus,
      costs,
    };
  }
  // Final QP at U with a differentiable linear term.
  const Ut = tf.tensor(Float32Array.from(U), [B, n]);
  const { Q, grad } = localQp(cfg, U, x0h, 'solution', iterations);
  let status: QpStatus[] = [];
  const out = tf.tidy(() => {
    const Qt = tf.tensor(Float32Array.from(Q), [B, n, n]);
    const [g] = tf.grads((u: tf.Tensor) => tf.sum(rolloutCost(model, cost, x0, u.reshape([B, 1, n]), H)))([Ut]);
    const QU = tf.matMul(Qt, Ut.reshape([B, n, 1])).reshape([B, n]);
    const p = tf.sub(g!, QU);
    const z = qpLayer(
      { Q: Qt, p, G: tf.tensor(Float32Array.from(G), [2 * n, n]), h: tf.tensor(Float32Array.from(h), [2 * n]) },
      { ...cfg.qp, allowNonOptimal: true, onSolution: (s) => (status = s.status) },
    );
    const value = rolloutCost(model, cost, x0, z.reshape([B, 1, n]), H).reshape([B]);
    checkFinite('objective', value.dataSync(), B, 'solution', iterations);
    return { actions: z.reshape([B, H, nu]), value };
  });
  Ut.dispose();
  return { ...out, status, costs };
}

/**
 * The fields of an MPC plan request that the SQP planner uses. `backward` 'none' skips the final
 * differentiable QP; 'implicit' (its default) differentiates the SQP fixed point through the QP's KKT system.
 */
export type SqpPlanRequest = Pick<PlanRequest, 'model' | 'cost' | 'x0' | 'horizon' | 'bounds' | 'mean' | 'iterations' | 'backward'>;

/** The SQP planner's backward modes: implicit (KKT at the final QP) by default, or none. */
export const SQP_BACKWARD_MODES: readonly BackwardKind[] = ['implicit', 'none'];

/**
 * Planner factory for the MPC registry: `registerPlanner('qp', sqpPlanner)` makes `new MPC({ solver: 'qp' })`
 * plan by SQP. `config` (MPC's solverConfig) may set `regularization` (number), `steps` (number[]), `qp`
 * (QpOptions) and `tol` (number ≥ 0, the early stop of SqpPlanConfig); other keys are rejected. A plan returns `{ solution [B, H·nu], value [B], info }`.
 */
export function sqpPlanner(config: Record<string, unknown> = {}): Planner & { plan(req: SqpPlanRequest): PlanResult } {
  const known = ['regularization', 'steps', 'qp', 'tol'];
  for (const k of Object.keys(config)) {
    if (!known.includes(k)) throw new Error(`sqpPlanner: unknown option "${k}"; accepted: ${known.join(', ')}`);
  }
  const { regularization, steps, qp, tol } = config;
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0)) throw new Error(`sqpPlanner: tol must be a number ≥ 0 (got ${JSON.stringify(tol)})`);
  if (regularization !== undefined && typeof regularization !== 'number') throw new Error(`sqpPlanner: regularization must be a number (got ${JSON.stringify(regularization)})`);
  if (steps !== undefined && !(Array.isArray(steps) && steps.every((s) => typeof s === 'number'))) throw new Error(`sqpPlanner: steps must be an array of numbers (got ${JSON.stringify(steps)})`);
  if (qp !== undefined && (typeof qp !== 'object' || qp === null)) throw new Error(`sqpPlanner: qp must be an object of QpOptions (got ${JSON.stringify(qp)})`);
  let checked = false;
  return {
    name: 'qp',
    backwardModes: SQP_BACKWARD_MODES,
    plan: (req) => {
      if (!checked) {
        assertActionGradient(req.model, req.cost, req.x0, req.horizon, req.bounds, 'qp planner');
        checked = true;
      }
      const backward = checkBackward(req.backward, req.iterations, 'qp planner', SQP_BACKWARD_MODES);
      const plan = sqpPlan({
        model: req.model,
        cost: req.cost,
        x0: req.x0,
        horizon: req.horizon,
        bounds: req.bounds,
        warmStart: req.mean,
        iterations: req.iterations,
        differentiable: backward !== 'none',
        ...(regularization !== undefined ? { regularization } : {}),
        ...(steps !== undefined ? { steps: steps as number[] } : {}),
        ...(qp !== undefined ? { qp: qp as QpOptions } : {}),
        ...(tol !== undefined ? { tol: tol as number } : {}),
      });
      const solution = plan.actions.reshape([req.x0.shape[0]!, req.horizon * req.model.actionDim]);
      plan.actions.dispose();
      return { solution, value: plan.value, info: { planner: 'qp', status: plan.status, iterations: plan.costs.length - 1, backward } };
    },
  };
}
