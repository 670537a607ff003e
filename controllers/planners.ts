// Planner registry for MPC: a planner turns (model, cost, x0, horizon, bounds, warm start) into an action
// sequence. Every registered `Solver` is a planner through the rollout objective J(x0, U) of
// src/models/rollout.ts; planners that need the model's structure (SQP over a condensed QP) register here
// with `registerPlanner` and take precedence over a solver of the same name.
import * as tf from '@tensorflow/tfjs';
import { assertActionGradient } from '../src/models/action-gradient.ts';
import { rolloutCost } from '../src/models/rollout.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import type { QpStatus } from '../src/solvers/qp/types.ts';
import { makeSolver, solverRegistry, type BackwardKind, type BackwardMode, type SolveInfo, type SolveStatus } from '../src/solvers/types.ts';
import { Registry, unknownNameError } from '../src/tensor/registry.ts';
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
  /** Backward mode; the planner's default when absent. */
  backward?: BackwardMode;
  rng: Rng;
  /** Injected standard-normal noise `[iters, B, N, H·nu]` (sampling solvers), for deterministic plans. */
  noise?: tf.Tensor;
  /** Ask the solver for its per-iteration trace (planners without one ignore it). */
  trace?: boolean;
}

/** What happened in a plan: the inner solve's info, with the planner's name. */
export interface PlanInfo extends Omit<SolveInfo, 'status'> {
  planner: string;
  /** `[B]` per-problem status (the solver's, or the final QP's for the SQP planner). */
  status: Array<SolveStatus | QpStatus>;
}

export interface PlanResult {
  /** `[B, H·nu]` */
  solution: tf.Tensor;
  /** `[B]` */
  value: tf.Tensor;
  info: PlanInfo;
}

/** A planner turns a plan request into an action sequence; it declares its backward modes (default first). */
export interface Planner {
  readonly name: string;
  readonly backwardModes: readonly BackwardKind[];
  plan(req: PlanRequest): PlanResult;
}

export type PlannerFactory = (config?: Record<string, unknown>) => Planner;

/** Structure-exploiting planners (e.g. 'qp'), by name; they take precedence over a solver of the same name. */
export const plannerRegistry = new Registry<PlannerFactory>({ kind: 'planner' });

export function registerPlanner(name: string, factory: PlannerFactory): void {
  plannerRegistry.register(name, factory);
}

/** A planner from any registered `Solver`, minimizing the batched rollout cost. */
export function solverPlanner(name: string, config?: Record<string, unknown>): Planner {
  const solver = makeSolver(name, config);
  let checked = !solver.usesGradient;
  return {
    name,
    backwardModes: solver.backwardModes,
    plan: (req) => {
      if (!checked) {
        assertActionGradient(req.model, req.cost, req.x0, req.horizon, req.bounds, `${name} planner`);
        checked = true;
      }
      const f = (X: tf.Tensor) => rolloutCost(req.model, req.cost, req.x0, X, req.horizon);
      const r = solver.solve(f, { mean: req.mean, std: req.std }, {
        iterations: req.iterations,
        samples: req.samples,
        bounds: req.bounds,
        ...(req.backward !== undefined ? { backward: req.backward } : {}),
        rng: req.rng,
        ...(req.noise ? { noise: req.noise } : {}),
        ...(req.trace ? { trace: true } : {}),
      });
      return { solution: r.solution, value: r.value, info: { ...r.info, planner: name } };
    },
  };
}

/** Every name MPC accepts as `solver`: the planners and the solvers. */
export function listPlannerNames(): string[] {
  return [...new Set([...plannerRegistry.list(), ...solverRegistry.list()])].sort();
}

/** Resolves a planner by name: a structure-exploiting planner if registered, else a solver planner. */
export function getPlanner(name: string, config?: Record<string, unknown>): Planner {
  const p = plannerRegistry.find(name);
  if (p) return p(config);
  if (solverRegistry.has(name)) return solverPlanner(name, config);
  throw new Error(`MPC solver: ${unknownNameError('solver', String(name), listPlannerNames(), "import 'diffmpc' to register the built-in solvers").message}`);
}

// The SQP planner over the OptNet QP layer (controllers/sqp-planner.ts): it needs the model's Jacobians and the
// cost's Hessians, which the generic Objective does not expose, so it plans from the model and cost directly.
registerPlanner('qp', sqpPlanner);
