// One controlled run of a registered env: build the controller (MPC on the env's differentiable twin with a
// named solver, LQR around the upright equilibrium, or random), run seeded episodes through the reactive
// loop, record frames for a GIF and the plans of the first episode, and return everything a report needs.
import * as tf from '@tensorflow/tfjs';
import { tap } from 'rxjs';
import { lastValueFrom, toArray } from 'rxjs';
import { envSpec, make } from '../../envs/registry.ts';
import type { Env } from '../../envs/types.ts';
import { LQRController } from '../../controllers/lqr.ts';
import { MPC } from '../../controllers/mpc.ts';
import { RandomController } from '../../controllers/random.ts';
import { rolloutStates } from '../models/rollout.ts';
import type { CostModel, DynamicsModel } from '../models/types.ts';
import { GifRecorder } from '../plot/gif.ts';
import { collectEpisodes, type Episode } from '../streams/collect-episodes.ts';
import { rollout } from '../streams/rollout.ts';
import type { Controller } from '../streams/types.ts';
import { returnStats } from './episodes.ts';

export interface ControlRunConfig {
  env: string;
  physics?: 'matter' | 'analytic';
  controller: 'mpc' | 'lqr' | 'random';
  solver: string;
  solverConfig?: Record<string, unknown>;
  horizon: number;
  samples: number;
  iterations: number;
  episodes: number;
  maxEpisodeSteps?: number;
  seed: number;
  /** Record a GIF of the first episode (every `gifEvery`-th step). */
  gif: boolean;
  gifEvery?: number;
  /** Keep the predicted state trajectory of every `planEvery`-th MPC step of the first episode. */
  planEvery?: number;
}

export interface PlanRecord {
  /** Step of the first episode at which the plan was made. */
  t: number;
  /** `[H + 1][nx]` predicted observations under the plan. */
  states: number[][];
}

export interface ControlRunResult {
  episodes: Episode[];
  stats: ReturnType<typeof returnStats>;
  gif?: Uint8Array;
  plans: PlanRecord[];
  /** Wall-clock milliseconds per controller call (median). */
  actMs: number;
  envId: string;
  /** The env's seconds per step, when it has one. */
  dt?: number;
}

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
  const mpc = new MPC({
    model: twin.dynamics,
    cost: twin.cost,
    horizon: cfg.horizon,
    solver: cfg.solver,
    solverConfig: cfg.solverConfig ?? {},
    bounds: [low, high],
    iterations: cfg.iterations,
    samples: cfg.samples,
    seed: cfg.seed,
  });
  return Object.assign(mpc, { mpc });
}

export async function controlRun(cfg: ControlRunConfig, onStep?: (episode: number, t: number) => void): Promise<ControlRunResult> {
  // `physics` is passed only to envs that have the option (e.g. MountainCarContinuous-v0 is analytic only).
  const hasPhysics = envSpec(cfg.env)?.defaults.physics !== undefined;
  const env = make(cfg.env, {
    ...(cfg.physics && hasPhysics ? { physics: cfg.physics } : {}),
    ...(cfg.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: cfg.maxEpisodeSteps } : {}),
  });
  const controller = buildController(env, cfg);
  const mpc = controller.mpc;
  const plans: PlanRecord[] = [];
  const times: number[] = [];
  let t = 0;
  let episode = 0;
  const timed: Controller = {
    act(obs) {
      const t0 = performance.now();
      const u = controller.act(obs) as Float32Array;
      times.push(performance.now() - t0);
      if (mpc && episode === 0 && cfg.planEvery && t % cfg.planEvery === 0 && mpc.lastPlan) {
        const states = tf.tidy(() => rolloutStates(mpc.model, tf.tensor([Array.from(obs)]), tf.tensor([Array.from(mpc.lastPlan!)]), mpc.horizon).arraySync()) as number[][][];
        plans.push({ t, states: states[0]! });
      }
      return u;
    },
    reset(ep) {
      controller.reset?.(ep);
    },
  };
  const rec = cfg.gif && env.render ? new GifRecorder({ width: 360, height: 360, delayMs: 50 * (cfg.gifEvery ?? 1) }) : undefined;
  const draw = (ctx: CanvasRenderingContext2D, w: number, h: number) => env.render!(ctx, w, h);
  const episodes = await lastValueFrom(
    rollout(env, timed, { episodes: cfg.episodes, seed: cfg.seed }).pipe(
      tap((tr) => {
        if (rec && tr.episode === 0 && tr.t % (cfg.gifEvery ?? 1) === 0) rec.addFrame(draw);
        onStep?.(tr.episode, tr.t);
        t = tr.terminated || tr.truncated ? 0 : tr.t + 1;
        if (tr.terminated || tr.truncated) episode = tr.episode + 1;
      }),
      collectEpisodes(),
      toArray(),
    ),
  );
  env.close?.();
  times.sort((a, b) => a - b);
  return {
    episodes,
    stats: returnStats(episodes),
    ...(rec ? { gif: rec.finish() } : {}),
    plans,
    actMs: times[Math.floor(times.length / 2)] ?? 0,
    envId: cfg.env,
    ...(env.dt !== undefined ? { dt: env.dt } : {}),
  };
}
