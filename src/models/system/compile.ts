// compileSystem: one system definition (definition.ts) → the differentiable twin on tfjs and its generated
// fused rollout.
//   dynamics.step(x `[R, nx]`, u `[R, nu]`) → `[R, nx]` and cost.cost(x, u, t) → `[R]` run the definition on
//   tensor columns `[R]` (tensor-ops.ts), so tfjs autodiff differentiates them to any order; the parameters
//   are scalar tf.Variables shared by both.
//   dynamics.fusedRolloutCost(cost, x0, U) runs the kernel generated from the traced definition (codegen.ts)
//   as one op (fused-op.ts) when `cost` is the cost this same call compiled (a private registry; any other
//   cost, e.g. a user's wrapper, gets the generic loop).
//   dynamics.hostRolloutCost / hostLocalModel (src/models/local-model.ts) give the SQP/QP planner the same
//   rollout, the generated stage Jacobians (jacobians.ts) and stage-cost Hessians (hessians.ts) on Float64.
// variables(): the dynamics lists the parameters its transition reads, the cost those only its costs read,
// so each Variable appears once (restricted to `trainable` when given).
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../../tensor/check.ts';
import type { FusedRolloutModel } from '../fused-rollout.ts';
import type { CostModel, DynamicsModel } from '../types.ts';
import { compileKernel, type GeneratedKernel } from './codegen.ts';
import { paramNames, type SystemDefinition } from './definition.ts';
import { fusedSystemRollout } from './fused-op.ts';
import { generateCostHessians, type CostHessianFn } from './hessians.ts';
import { generateJacobians, type JacobianFn } from './jacobians.ts';
import type { Linearization } from '../linearize.ts';
import type { HostLocalModel, LocalModel } from '../local-model.ts';
import { tensorOps } from './tensor-ops.ts';

export interface CompileOptions<P extends string> {
  /** Parameter values replacing the definition's defaults. */
  params?: Partial<Record<P, number>>;
  /** Parameters that `variables()` returns for training (default all). */
  trainable?: P[];
}

/** The costs compiled by compileSystem, each mapped to the dynamics whose kernel implements it. */
const compiledCosts = new WeakMap<CostModel, SystemDynamics<string>>();

/** Columns `[R]` of a batch `[R, n]`. */
function columns(x: tf.Tensor, R: number, n: number): tf.Tensor[] {
  return n === 1 ? [x.reshape([R])] : tf.split(x, n, 1).map((c) => c.reshape([R]));
}

/** A column `[R]` from a definition's output (a tensor `[R]`, a scalar tensor or a number). */
function column(v: tf.Tensor | number, R: number, what: string): tf.Tensor {
  if (typeof v === 'number') return tf.fill([R], v);
  if (!(v instanceof tf.Tensor)) throw new Error(`${what} must be a value computed with m or a number (got ${typeof v})`);
  if (v.rank === 0) return tf.broadcastTo(v.reshape([1]), [R]);
  if (v.rank !== 1 || v.shape[0] !== R) throw new Error(`${what} has shape [${v.shape}], expected [${R}] (each value is one column over the rows)`);
  return v;
}

/** `[R]` columns → `[R, n]`. */
function rowsOf(cols: tf.Tensor[], R: number): tf.Tensor {
  const c2 = cols.map((c) => c.reshape([R, 1]));
  return c2.length === 1 ? c2[0]! : tf.concat(c2, 1);
}

export class SystemDynamics<P extends string> implements DynamicsModel, FusedRolloutModel, HostLocalModel {
  readonly stateDim: number;
  readonly actionDim: number;
  readonly dt: number;
  /** The generated op includes the terminal cost of the compiled cost (when it has one). */
  readonly fusedTerminal = true;
  /** The parameters as scalar tf.Variables, by name. */
  readonly params: Readonly<Record<P, tf.Variable>>;
  /** The generated kernel (traced op list, forward, adjoint, their source). */
  readonly kernel: GeneratedKernel;
  private readonly order: P[];
  private readonly own: tf.Variable[];
  private jac?: JacobianFn;
  private stageHess?: CostHessianFn;
  private terminalHess?: CostHessianFn;

  constructor(
    readonly def: SystemDefinition<P>,
    params: Record<P, tf.Variable>,
    kernel: GeneratedKernel,
    trainable: ReadonlySet<P>,
  ) {
    this.stateDim = def.stateDim;
    this.actionDim = def.actionDim;
    this.dt = def.dt;
    this.params = params;
    this.kernel = kernel;
    this.order = paramNames(def);
    this.own = (kernel.transitionParams as P[]).filter((p) => trainable.has(p)).map((p) => params[p]);
  }

  /** x `[R, nx]`, u `[R, nu]` → `[R, nx]`. */
  step(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
    const name = `${this.def.name} step`;
    const d = assertShape(`${name} x`, x, ['R', this.stateDim]);
    assertShape(`${name} u`, u, ['R', this.actionDim], d);
    const R = d.R!;
    return tf.tidy(() => {
      const next = this.def.transition(columns(x, R, this.stateDim), columns(u, R, this.actionDim), this.params, tensorOps);
      if (!Array.isArray(next) || next.length !== this.stateDim) throw new Error(`system "${this.def.name}": transition must return stateDim = ${this.stateDim} values`);
      return rowsOf(next.map((v, i) => column(v, R, `system "${this.def.name}": transition()[${i}]`)), R);
    });
  }

  variables(): tf.Variable[] {
    return [...this.own];
  }

  /** J = Σ_t c + c_T of every row as one generated op when `cost` is this system's compiled cost; else undefined. */
  fusedRolloutCost(cost: CostModel, x0: tf.Tensor, U: tf.Tensor): tf.Tensor | undefined {
    if (compiledCosts.get(cost) !== this) return undefined;
    return fusedSystemRollout(
      { name: `${this.def.name} rollout`, nx: this.stateDim, nu: this.actionDim, kernel: this.kernel, params: this.order.map((p) => this.params[p]) },
      x0,
      U,
    );
  }

  /**
   * Stage Jacobians from generated code (jacobians.ts): x `[R, nx]`, u `[R, nu]` → f `[R, nx]`,
   * A = ∂f/∂x `[R, nx, nx]`, B = ∂f/∂u `[R, nx, nu]` at the parameters' current values; constants (no graph),
   * the same values as src/models/linearize.ts on the twin.
   */
  linearize(x: tf.Tensor, u: tf.Tensor): Linearization {
    const name = `${this.def.name} linearize`;
    const d = assertShape(`${name} x`, x, ['R', this.stateDim]);
    assertShape(`${name} u`, u, ['R', this.actionDim], d);
    const R = d.R!;
    this.jac ??= generateJacobians(this.kernel, this.stateDim, this.actionDim).fn;
    const P = Float64Array.from(this.order, (p) => this.params[p].dataSync()[0]!);
    const { f, A, B } = this.jac(x.dataSync(), u.dataSync(), P, R);
    return {
      f: tf.tensor(Float32Array.from(f), [R, this.stateDim], 'float32'),
      A: tf.tensor(Float32Array.from(A), [R, this.stateDim, this.stateDim], 'float32'),
      B: tf.tensor(Float32Array.from(B), [R, this.stateDim, this.actionDim], 'float32'),
    };
  }

  /** Parameter values in the kernel's order `[np]`. */
  private paramValues(): Float64Array {
    return Float64Array.from(this.order, (p) => this.params[p].dataSync()[0]!);
  }

  /** J `[R]` of x0 `[R, nx]`, U `[R, H, nu]` by the generated forward loop (Float64), for this system's compiled cost. */
  hostRolloutCost(cost: CostModel, x0: ArrayLike<number>, U: ArrayLike<number>, R: number, H: number): Float64Array | undefined {
    if (compiledCosts.get(cost) !== this) return undefined;
    this.checkHostSizes('hostRolloutCost', x0, U, R, H);
    return this.kernel.forward(x0, U, this.paramValues(), R, H, false).J;
  }

  /**
   * The local model around U `[B, H·nu]` from x0 `[B, nx]` (src/models/local-model.ts), all generated code on
   * Float64: the rollout with its trajectory, ∇_U J by the adjoint loop, A_t and B_t, and the stage and
   * terminal cost Hessians. Undefined when `cost` is not this system's compiled cost.
   */
  hostLocalModel(cost: CostModel, x0: ArrayLike<number>, U: ArrayLike<number>, B: number, H: number): LocalModel | undefined {
    if (compiledCosts.get(cost) !== this) return undefined;
    this.checkHostSizes('hostLocalModel', x0, U, B, H);
    const nx = this.stateDim, nu = this.actionDim;
    const P = this.paramValues();
    const { J, traj } = this.kernel.forward(x0, U, P, B, H, true);
    const grad = this.kernel.backward(traj, U, P, new Float64Array(B).fill(1), B, H).dU;
    const xt = new Float64Array(B * H * nx);
    const xH = new Float64Array(B * nx);
    for (let b = 0; b < B; b++) {
      xt.set(traj.subarray(b * (H + 1) * nx, (b * (H + 1) + H) * nx), b * H * nx);
      xH.set(traj.subarray((b * (H + 1) + H) * nx, (b * (H + 1) + H + 1) * nx), b * nx);
    }
    this.jac ??= generateJacobians(this.kernel, nx, nu).fn;
    this.stageHess ??= generateCostHessians(this.kernel, nx, nu, 'stage').fn;
    const lin = this.jac(xt, U, P, B * H);
    const stage = this.stageHess(xt, U, P, B * H).H;
    let terminal: Float64Array | undefined;
    if (this.kernel.terminal !== undefined) {
      this.terminalHess ??= generateCostHessians(this.kernel, nx, nu, 'terminal').fn;
      terminal = this.terminalHess(xH, [], P, B).H;
    }
    return { J, A: lin.A, B: lin.B, stage, ...(terminal ? { terminal } : {}), grad };
  }

  private checkHostSizes(what: string, x0: ArrayLike<number>, U: ArrayLike<number>, R: number, H: number): void {
    if (!Number.isInteger(R) || R < 0 || !Number.isInteger(H) || H < 1) throw new Error(`${this.def.name} ${what}: rows ${R} and horizon ${H} must be integers (rows ≥ 0, horizon ≥ 1)`);
    if (x0.length !== R * this.stateDim) throw new Error(`${this.def.name} ${what}: x0 has ${x0.length} values, expected [R, nx] = [${R}, ${this.stateDim}]`);
    if (U.length !== R * H * this.actionDim) throw new Error(`${this.def.name} ${what}: U has ${U.length} values, expected [R, H, nu] = [${R}, ${H}, ${this.actionDim}]`);
  }

  /** Current parameter values. */
  values(): Record<P, number> {
    return Object.fromEntries(this.order.map((p) => [p, this.params[p].dataSync()[0]!])) as Record<P, number>;
  }

  dispose(): void {
    tf.dispose(this.order.map((p) => this.params[p]));
  }
}

class SystemCost<P extends string> implements CostModel {
  readonly stationary = true;
  readonly terminal?: (x: tf.Tensor) => tf.Tensor;
  private readonly own: tf.Variable[];

  constructor(
    private readonly def: SystemDefinition<P>,
    private readonly params: Record<P, tf.Variable>,
    own: tf.Variable[],
  ) {
    this.own = own;
    if (def.terminal) {
      this.terminal = (x: tf.Tensor): tf.Tensor => {
        const d = assertShape(`${def.name} terminal x`, x, ['R', def.stateDim]);
        return tf.tidy(() => column(def.terminal!(columns(x, d.R!, def.stateDim), params, tensorOps), d.R!, `system "${def.name}": terminal()`));
      };
    }
  }

  /** x `[R, nx]`, u `[R, nu]` → `[R]`. */
  cost(x: tf.Tensor, u: tf.Tensor, _t: number): tf.Tensor {
    const name = `${this.def.name} cost`;
    const d = assertShape(`${name} x`, x, ['R', this.def.stateDim]);
    assertShape(`${name} u`, u, ['R', this.def.actionDim], d);
    const R = d.R!;
    return tf.tidy(() => column(this.def.cost(columns(x, R, this.def.stateDim), columns(u, R, this.def.actionDim), this.params, tensorOps), R, `system "${this.def.name}": cost()`));
  }

  variables(): tf.Variable[] {
    return [...this.own];
  }
}

export interface CompiledSystem<P extends string> {
  dynamics: SystemDynamics<P>;
  /** The stage (and terminal) cost; frozen, and recognized by `dynamics.fusedRolloutCost`. */
  cost: CostModel;
}

/** Compiles a definition into the twin (dynamics + cost, tf.Variables) with the generated fused rollout. */
export function compileSystem<P extends string>(def: SystemDefinition<P>, opts: CompileOptions<NoInfer<P>> = {}): CompiledSystem<P> {
  const names = paramNames(def);
  for (const [k, v] of Object.entries(opts.params ?? {}) as Array<[string, number | undefined]>) {
    if (!(names as string[]).includes(k)) throw new Error(`compileSystem(${def.name}): unknown parameter "${k}"; known: ${names.join(', ') || '(none)'}`);
    if (!Number.isFinite(v)) throw new Error(`compileSystem(${def.name}): parameter "${k}" must be a finite number (got ${v})`);
  }
  for (const k of opts.trainable ?? []) {
    if (!names.includes(k)) throw new Error(`compileSystem(${def.name}): trainable "${k}" is not a parameter; known: ${names.join(', ') || '(none)'}`);
  }
  const kernel = compileKernel(def);
  const values = { ...def.params, ...opts.params } as Record<P, number>;
  const params = Object.fromEntries(names.map((p) => [p, tf.variable(tf.scalar(values[p]))])) as Record<P, tf.Variable>;
  const trainable = new Set<P>(opts.trainable ?? names);
  const dynamics = new SystemDynamics(def, params, kernel, trainable);
  const transitionReads = new Set(kernel.transitionParams);
  const costOwn = names.filter((p) => trainable.has(p) && !transitionReads.has(p) && (kernel.costParams.includes(p) || def.terminal !== undefined)).map((p) => params[p]);
  const cost = Object.freeze(new SystemCost(def, params, costOwn));
  compiledCosts.set(cost, dynamics as unknown as SystemDynamics<string>);
  return { dynamics, cost };
}
