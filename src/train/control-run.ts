// One controlled run of a registered env: build the controller (MPC on the env's differentiable twin with a
// named solver, LQR around the upright equilibrium, or random), run seeded episodes through the reactive
// loop, record frames for a GIF and the plans of the first episode, and return everything a report needs.
// Episodes run one rollout each (reset seed seed + k), so a run can start at episode k (resume) and stop
// between steps on an aborted signal; with `reseed` each episode gets its own controller seeded seed + k,
// which makes episode k independent of the episodes before it (a resumed run equals an uninterrupted one).
// GIF frames: one per step (so a bang-bang force is shown as it is applied, not aliased by a stride) at the
// env's real time per step, in the frame size its metadata gives; only an episode longer than
// GIF_MAX_FRAMES steps is strided, and then each frame is labelled with the mean applied action over the
// steps it stands for (the mean force is what moves the cart over that interval).
import * as tf from '@tensorflow/tfjs';
import { tap } from 'rxjs';
import { lastValueFrom, toArray } from 'rxjs';
import { envSpec, make } from '../../envs/registry.ts';
import type { Env, RenderOptions } from '../streams/env.ts';
import { LQRController } from '../../controllers/lqr.ts';
import { MPC } from '../../controllers/mpc.ts';
import { RandomController } from '../../controllers/random.ts';
import { rolloutStates } from '../models/rollout.ts';
import type { CostModel, DynamicsModel } from '../models/types.ts';
import { GifRecorder } from '../plot/gif.ts';
import { collectEpisodes, type Episode } from '../streams/collect-episodes.ts';
import { rollout } from '../streams/rollout.ts';
import type { Controller } from '../streams/types.ts';
import { returnStats, untilAborted } from './episodes.ts';
import type { CanvasLike } from '../plot/canvas-like.ts';

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
  /** Record a GIF of the first episode. */
  gif: boolean;
  /** Frame stride; default 1, or ⌈steps / GIF_MAX_FRAMES⌉ for longer episodes (frames then show the mean action). */
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

/** Most frames a rollout GIF records before it strides (500: CartPole-v1, swing-up and Pendulum-v1 episodes record every step). */
export const GIF_MAX_FRAMES = 500;

/** Frame stride for an episode of at most `maxSteps` steps (unknown: 1). */
export function gifStride(maxSteps: number | undefined, every?: number): number {
  if (every !== undefined) {
    if (!Number.isInteger(every) || every < 1) throw new Error(`controlRun: gifEvery must be a positive integer (got ${every})`);
    return every;
  }
  return maxSteps === undefined ? 1 : Math.max(1, Math.ceil(maxSteps / GIF_MAX_FRAMES));
}

/** Milliseconds per GIF frame that play the rollout in real time: stride · dt (30 fps per step without a dt, Gymnasium's classic-control rate). */
export function gifDelayMs(stride: number, dt: number | undefined): number {
  return Math.max(20, Math.round(stride * (dt !== undefined ? dt * 1000 : 1000 / 30)));
}

/**
 * Caption of the frame after step `t` (0-based) that stands for the `applied` actions `[k][nu]` since the
 * previous frame: the time (or step) and, when k > 1, their mean as the shown action.
 */
export function frameCaption(t: number, applied: number[][], dt: number | undefined): RenderOptions {
  const time = dt !== undefined ? `t = ${((t + 1) * dt).toFixed(2)} s` : `step ${t + 1}`;
  if (applied.length <= 1) return { note: time };
  const mean = applied[0]!.map((_, j) => applied.reduce((s, a) => s + a[j]!, 0) / applied.length);
  return { action: mean, note: `${time}, action = mean of the last ${applied.length} steps` };
}


export interface ControlRunOptions {
  /** First episode to run (episodes before it were run earlier, e.g. by the run being resumed). */
  startEpisode?: number;
  /** One controller per episode, seeded seed + k (see the head comment). */
  reseed?: boolean;
  /** Aborting stops stepping at once and rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called after each finished episode (with the GIF once episode 0 is done). */
  onEpisode?: (ep: Episode, extras: { gif?: Uint8Array }) => void;
}

export async function controlRun(cfg: ControlRunConfig, onStep?: (episode: number, t: number) => void, opts: ControlRunOptions = {}): Promise<ControlRunResult> {
  // `physics` is passed only to envs that have the option (e.g. MountainCarContinuous-v0 is analytic only).
  const hasPhysics = envSpec(cfg.env)?.defaults.physics !== undefined;
  const env = make(cfg.env, {
    ...(cfg.physics && hasPhysics ? { physics: cfg.physics } : {}),
    ...(cfg.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: cfg.maxEpisodeSteps } : {}),
  });
  let controller = buildController(env, opts.reseed ? { ...cfg, seed: cfg.seed + (opts.startEpisode ?? 0) } : cfg);
  let mpc = controller.mpc;
  const plans: PlanRecord[] = [];
  const times: number[] = [];
  let t = 0;
  let episode = 0;
  const timed: Controller = {
    act(obs) {
      const t0 = performance.now();
      const u = controller.act(obs) as Float32Array;
      times.push(performance.now() - t0);
      const m = mpc;
      if (m && episode === 0 && cfg.planEvery && t % cfg.planEvery === 0 && m.lastPlan) {
        const states = tf.tidy(() => rolloutStates(m.model, tf.tensor([Array.from(obs)]), tf.tensor([Array.from(m.lastPlan!)]), m.horizon).arraySync()) as number[][][];
        plans.push({ t, states: states[0]! });
      }
      return u;
    },
    reset(ep) {
      controller.reset?.(ep);
    },
  };
  const maxSteps = cfg.maxEpisodeSteps ?? (envSpec(cfg.env)?.defaults.maxEpisodeSteps as number | undefined);
  const stride = gifStride(maxSteps, cfg.gifEvery);
  const frame = env.meta?.frame ?? { width: 400, height: 400 };
  const rec = cfg.gif && env.render && (opts.startEpisode ?? 0) === 0 ? new GifRecorder({ ...frame, delayMs: gifDelayMs(stride, env.dt) }) : undefined;
  const applied = env.meta ? (a: Float32Array) => env.meta!.applied(a) : (a: Float32Array) => Array.from(a);
  let pending: number[][] = []; // applied actions since the last frame
  const episodes: Episode[] = [];
  let gif: Uint8Array | undefined;
  for (let k = opts.startEpisode ?? 0; k < cfg.episodes; k++) {
    opts.signal?.throwIfAborted();
    if (opts.reseed && k > (opts.startEpisode ?? 0)) {
      controller = buildController(env, { ...cfg, seed: cfg.seed + k });
      mpc = controller.mpc;
    }
    episode = k;
    t = 0;
    const source = rollout(env, timed, { episodes: 1, seed: cfg.seed + k }).pipe(
      tap((tr) => {
        if (rec && k === 0) {
          pending.push(applied(tr.action));
          if ((tr.t + 1) % stride === 0 || tr.terminated || tr.truncated) {
            const caption = frameCaption(tr.t, pending, env.dt);
            rec.addFrame((ctx, w, h) => env.render!(ctx, w, h, caption));
            pending = [];
          }
        }
        onStep?.(k, tr.t);
        t = tr.t + 1;
      }),
      collectEpisodes(),
      toArray(),
    );
    const [ep] = await lastValueFrom(opts.signal ? untilAborted(source, opts.signal) : source);
    const done = { ...ep!, episode: k };
    episodes.push(done);
    if (rec && k === 0) gif = rec.finish();
    opts.onEpisode?.(done, gif && k === 0 ? { gif } : {});
  }
  env.close?.();
  times.sort((a, b) => a - b);
  return {
    episodes,
    stats: returnStats(episodes),
    ...(gif ? { gif } : {}),
    plans,
    actMs: times[Math.floor(times.length / 2)] ?? 0,
    envId: cfg.env,
    ...(env.dt !== undefined ? { dt: env.dt } : {}),
  };
}
