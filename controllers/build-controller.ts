// The controllers (and the env) of an experiment, built from its config: MPC on the env's differentiable twin
// (or a learned model) with a named solver, LQR around the upright equilibrium, or uniform random actions.
// The loops of src/train take what this builds as parameters (`controlRun(controlRunSetup(cfg), cfg)`,
// `trainModelBased(env, modelBasedControllers(env, cost, cfg), cfg)`), so they never import controllers/ or envs/.
import { envSpec, make } from '../envs/registry.ts';
import type { CostModel, DynamicsModel } from '../src/models/types.ts';
import type { Env } from '../src/streams/env.ts';
import type { Controller } from '../src/streams/types.ts';
import type { ControlRunConfig, ControlRunSetup } from '../src/train/control-run.ts';
import type { ModelBasedConfig, ModelBasedControllers } from '../src/train/model-based.ts';
import { LQRController } from './lqr.ts';
import { MPC } from './mpc.ts';
import { RandomController } from './random.ts';

/** Builds a controller for `env` from the config; `model` overrides the env twin (e.g. a learned model). */
export function buildController(env: Env, cfg: ControlRunConfig, model?: { dynamics: DynamicsModel; cost: CostModel }): Controller & { mpc?: MPC } {
  const low = Array.from(env.actionSpace.low);
  const high = Array.from(env.actionSpace.high);
  if (cfg.controller === 'random') return new RandomController(low, high, cfg.seed);
  const twin = model ?? env.model?.();
  if (!twin) throw new Error(`controller "${cfg.controller}": env ${env.id} has no model(); pass a learned model or use --controller random`);
  if (cfg.controller === 'lqr') {
    // Upright observation (Pendulum [cos θ, sin θ, θ̇], swing-up [x, ẋ, cos θ, sin θ, θ̇], CartPole-v1 [x, ẋ, θ, θ̇])
    // and the action of zero force: the box centre (CartPole-v1's u = 0.5 is F = 0).
    const nx = twin.dynamics.stateDim;
    const upright = env.id.startsWith('Pendulum') ? [1, 0, 0] : env.id.startsWith('CartPoleSwingUp') ? [0, 0, 1, 0, 0] : new Array(nx).fill(0);
    const neutral = low.map((l, i) => 0.5 * (l + high[i]!));
    try {
      return new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: upright, uStar: neutral, bounds: [low, high] });
    } catch (e) {
      throw new Error(`controller "lqr" on ${env.id}: ${(e as Error).message}; LQR needs an upright equilibrium (Pendulum, CartPole), use --controller mpc otherwise`);
    }
  }
  const mpc = plannerMpc(twin.dynamics, twin.cost, [low, high], cfg, cfg.seed);
  return Object.assign(mpc, { mpc });
}

/** MPC on (model, cost) with a run's planner settings (solver, solverConfig, horizon, samples, iterations). */
function plannerMpc(
  model: DynamicsModel,
  cost: CostModel,
  bounds: [number[], number[]],
  cfg: { solver: string; solverConfig?: Record<string, unknown>; horizon: number; samples: number; iterations: number },
  seed: number,
): MPC {
  return new MPC({ model, cost, bounds, seed, horizon: cfg.horizon, solver: cfg.solver, solverConfig: cfg.solverConfig ?? {}, iterations: cfg.iterations, samples: cfg.samples });
}

/**
 * The env and controller factory of a `controlRun`: the registered env `cfg.env` (with `physics` only when the
 * env has that option, e.g. MountainCarContinuous-v0 is analytic only) and `buildController` seeded per call.
 */
export function controlRunSetup(cfg: ControlRunConfig): ControlRunSetup {
  const hasPhysics = envSpec(cfg.env)?.defaults.physics !== undefined;
  const env = make(cfg.env, {
    ...(cfg.physics && hasPhysics ? { physics: cfg.physics } : {}),
    ...(cfg.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: cfg.maxEpisodeSteps } : {}),
  });
  const maxEpisodeSteps = cfg.maxEpisodeSteps ?? (envSpec(cfg.env)?.defaults.maxEpisodeSteps as number | undefined);
  return {
    env,
    ...(maxEpisodeSteps !== undefined ? { maxEpisodeSteps } : {}),
    controller: (seed) => buildController(env, { ...cfg, seed }),
  };
}

/** The controllers of `trainModelBased`: uniform random exploration, then MPC with `cost` on the learned model. */
export function modelBasedControllers(env: Env, cost: CostModel, cfg: ModelBasedConfig): ModelBasedControllers {
  const low = Array.from(env.actionSpace.low);
  const high = Array.from(env.actionSpace.high);
  return {
    explore: (seed) => new RandomController(low, high, seed),
    plan: (model, seed) => plannerMpc(model, cost, [low, high], cfg, seed),
  };
}
