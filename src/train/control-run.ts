// One controlled run of a registered env: build the controller (MPC on the env's differentiable twin with a
// named solver, LQR around the upright equilibrium, or random), run seeded episodes through the reactive
// loop, record frames for a GIF and the plans of the first episode, and return everything a report needs.
// Episodes run one rollout each (reset seed seed + k), so a run can start at episode k (resume) and stop
// between steps on an aborted signal; with `reseed` each episode gets its own controller seeded seed + k,
// which makes episode k independent of the episodes before it (a resumed run equals an uninterrupted one).
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
    const nx = twin.dynamics.stateDim;
    const upright = env.id.startsWith('Pendulum') ? [1, 0, 0] : new Array(nx).fill(0);
    return new LQRController({ model: twin.dynamics, cost: twin.cost, xStar: upright, uStar: new Array(low.length).fill(0), bounds: [low, high] });
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
  const rec = cfg.gif && env.render ? new GifRecorder({ width: 360, height: 360, delayMs: 50 * (cfg.gifEvery ?? 1) }) : undefined;
  const draw = (ctx: CanvasLike, w: number, h: number) => env.render!(ctx, w, h);
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
        if (rec && k === 0 && tr.t % (cfg.gifEvery ?? 1) === 0) rec.addFrame(draw);
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
