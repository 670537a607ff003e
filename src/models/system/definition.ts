// A system written once, against the scalar numeric interface `Ops` (ops.ts): the state x ∈ ℝ^nx (for
// planning, the observation vector), the action u ∈ ℝ^nu, named scalar parameters p with defaults,
//   x_{t+1} = transition(x_t, u_t, p),   stage cost c(x_t, u_t, p),   optional terminal cost c_T(x_H, p).
// The same functions run on numbers (an env's analytic step), on tfjs tensors (the differentiable twin) and
// on the tracer (the generated fused rollout and its adjoint); compile.ts derives the last two.
import type { Ops } from './ops.ts';

export interface SystemDefinition<P extends string = string> {
  /** Name for error messages and op names, e.g. 'pendulum'. */
  readonly name: string;
  readonly stateDim: number;
  readonly actionDim: number;
  /** Scalar parameters and their default values (any of them learnable in the twin). */
  readonly params: Readonly<Record<P, number>>;
  /** Time step (s), for the env and plots. */
  readonly dt: number;
  /** Action bounds, `[nu]` each. */
  readonly actionBounds: { readonly low: readonly number[]; readonly high: readonly number[] };
  /** x `[nx]`, u `[nu]` → next x `[nx]`. */
  transition<T>(x: readonly T[], u: readonly T[], p: Readonly<Record<P, T>>, m: Ops<T>): Array<T | number>;
  /** Stage cost c(x, u). */
  cost<T>(x: readonly T[], u: readonly T[], p: Readonly<Record<P, T>>, m: Ops<T>): T | number;
  /** Terminal cost c_T(x_H). */
  terminal?<T>(x: readonly T[], p: Readonly<Record<P, T>>, m: Ops<T>): T | number;
}

const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

/** Checks a definition's sizes, defaults and bounds; returns it (typed) or throws naming the field. */
export function defineSystem<P extends string>(def: SystemDefinition<P>): SystemDefinition<P> {
  const where = `system "${def.name}"`;
  if (!positiveInt(def.stateDim)) throw new Error(`${where}: stateDim must be an integer ≥ 1 (got ${def.stateDim})`);
  if (!positiveInt(def.actionDim)) throw new Error(`${where}: actionDim must be an integer ≥ 1 (got ${def.actionDim})`);
  if (!(Number.isFinite(def.dt) && def.dt > 0)) throw new Error(`${where}: dt must be a positive finite number (got ${def.dt})`);
  for (const [k, v] of Object.entries(def.params) as Array<[string, number]>) {
    if (!Number.isFinite(v)) throw new Error(`${where}: parameter "${k}" must have a finite default (got ${v})`);
  }
  const { low, high } = def.actionBounds;
  if (low.length !== def.actionDim || high.length !== def.actionDim) {
    throw new Error(`${where}: actionBounds.low and .high must have actionDim = ${def.actionDim} entries (got ${low.length}, ${high.length})`);
  }
  for (let j = 0; j < def.actionDim; j++) {
    if (!(low[j]! <= high[j]!)) throw new Error(`${where}: actionBounds.low[${j}] = ${low[j]} must be ≤ high[${j}] = ${high[j]}`);
  }
  return def;
}

/** Parameter names in a fixed order (the definition's key order). */
export function paramNames<P extends string>(def: SystemDefinition<P>): P[] {
  return Object.keys(def.params) as P[];
}
