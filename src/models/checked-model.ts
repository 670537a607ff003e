// Calls into a user's model with the contract checked: `step` must return next states `[R, nx]` and `cost` /
// `terminal` stage costs `[R]`, as tensors. A wrong shape is reported with the model's class, the method, the
// time step and the expected shape, instead of surfacing later as a reshape error deep in a solver. Shape
// checks read tensor metadata only (no device sync), so they cost nothing measurable on the rollout loop.
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../tensor/check.ts';
import type { CostModel, DynamicsModel } from './types.ts';

/** The class name of a user object, for messages ("MLPDynamics"), or a fallback. */
export function modelName(m: object, fallback: string): string {
  const n = (m as { constructor?: { name?: string } }).constructor?.name;
  return n && n !== 'Object' ? n : fallback;
}

function describe(v: unknown): string {
  if (v instanceof tf.Tensor) return `[${v.shape.join(', ')}]`;
  return v === null ? 'null' : Array.isArray(v) ? 'a plain array (return a tf.Tensor)' : typeof v;
}

function check(v: unknown, expected: number[], what: string): tf.Tensor {
  const ok = v instanceof tf.Tensor && v.rank === expected.length && (v.shape as number[]).every((d, i) => d === expected[i]);
  if (!ok) throw new ShapeError(`${what} must return [${expected.join(', ')}] (got ${describe(v)})`);
  return v as tf.Tensor;
}

/** model.step(x `[R, nx]`, u `[R, nu]`) → `[R, nx]`, checked; `t` names the rollout step in the error. */
export function checkedStep(model: DynamicsModel, x: tf.Tensor, u: tf.Tensor, t: number): tf.Tensor {
  const R = x.shape[0]!;
  return check(model.step(x, u), [R, model.stateDim], `${modelName(model, 'dynamics model')}.step(x [${R}, ${model.stateDim}], u [${R}, ${model.actionDim}]) at step t = ${t}`);
}

/** cost.cost(x `[R, nx]`, u `[R, nu]`, t) → `[R]`, checked. */
export function checkedCost(cost: CostModel, x: tf.Tensor, u: tf.Tensor, t: number): tf.Tensor {
  const R = x.shape[0]!;
  return check(cost.cost(x, u, t), [R], `${modelName(cost, 'cost model')}.cost(x [${R}, ${x.shape[1]}], u [${R}, ${u.shape[1]}], t = ${t})`);
}

/** cost.terminal(x `[R, nx]`) → `[R]`, checked. */
export function checkedTerminal(cost: CostModel & { terminal(x: tf.Tensor): tf.Tensor }, x: tf.Tensor): tf.Tensor {
  const R = x.shape[0]!;
  return check(cost.terminal(x), [R], `${modelName(cost, 'cost model')}.terminal(x [${R}, ${x.shape[1]}])`);
}
