// Planner registry for MPC: a planner turns (model, cost, x0, horizon, bounds, warm start) into an action
// sequence. Every registered `Solver` is a planner through the rollout objective J(x0, U) of
// src/models/rollout.ts; planners that need the model's structure (SQP over a condensed QP) register here
// with `registerPlanner` and take precedence over a solver of the same name.
import * as tf from '@tensorflow/tfjs';
import { rolloutCost } from '../src/models/rollout.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import { listSolvers, makeSolver, type BackwardMode } from '../src/solvers/types.ts';
import type { Rng } from '../src/tensor/rng.ts';
import { sqpPlanner } from './sqp-planner.ts';

export interface PlanRequest {
  model: DynamicsModel;
  cost: CostModel;
  /** `[B, nx]` */
  x0: tf.Tensor;
  horizon: number;
  /** Per-entry bounds of the flat action sequence, each `[H·nu]`. */
  bounds: [tf.Tensor, tf.Tensor];
  /** `[B, H·nu]` warm start. */
  mean: tf.Tensor;
  /** `[B, H·nu]` initial sampling std. */
  std: tf.Tensor;
  iterations: number;
  samples: number;
  backward: BackwardMode;
  rng: Rng;
  /** Injected standard-normal noise `[iters, B, N, H·nu]` (sampling solvers), for deterministic plans. */
  noise?: tf.Tensor;
}

export interface PlanResult {
  /** `[B, H·nu]` */
  solution: tf.Tensor;
  /** `[B]` */
  value: tf.Tensor;
}

export type Planner = (req: PlanRequest) => PlanResult;
export type PlannerFactory = (config?: Record<string, unknown>) => Planner;

const planners = new Map<string, PlannerFactory>();

export function registerPlanner(name: string, factory: PlannerFactory): void {
  if (planners.has(name)) throw new Error(`registerPlanner: "${name}" is registered twice`);
  planners.set(name, factory);
}

/** A planner from any registered `Solver`, minimizing the batched rollout cost. */
export function solverPlanner(name: string, config?: Record<string, unknown>): Planner {
  const solver = makeSolver(name, config);
  return (req) => {
    const f = (X: tf.Tensor) => rolloutCost(req.model, req.cost, req.x0, X, req.horizon);
    const r = solver.solve(f, { mean: req.mean, std: req.std }, {
      iterations: req.iterations,
      samples: req.samples,
      bounds: req.bounds,
      backward: req.backward,
      rng: req.rng,
      ...(req.noise ? { noise: req.noise } : {}),
    });
    return { solution: r.solution, value: r.value };
  };
}

/** Every name getPlanner accepts: the registered planners and solvers, sorted. */
export function plannerNames(): string[] {
  return [...new Set([...planners.keys(), ...listSolvers().map((s) => s.name)])].sort();
}

/** Resolves a planner by name: a structure-exploiting planner if registered, else a solver planner. */
export function getPlanner(name: string, config?: Record<string, unknown>): Planner {
  const p = planners.get(name);
  if (p) return p(config);
  if (listSolvers().some((s) => s.name === name)) return solverPlanner(name, config);
  const known = [...new Set([...planners.keys(), ...listSolvers().map((s) => s.name)])].sort();
  throw new Error(`MPC solver: unknown solver "${name}"; registered: ${known.join(', ') || '(none: import src/solvers/index.ts)'}`);
}

// The SQP planner over the OptNet QP layer (controllers/sqp-planner.ts): it needs the model's Jacobians and the
// cost's Hessians, which the generic Objective does not expose, so it plans from the model and cost directly.
registerPlanner('qp', sqpPlanner);
