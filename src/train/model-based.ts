// Model-based RL loop (PETS-style, Chua et al. 2018): collect transitions through the reactive loop, fit a
// learned dynamics model, plan with MPC on it, collect more, refit.
//
//   D ← episodes of a random controller
//   repeat: fit f̂ = argmin Σ_D ‖f̂(s, a) − s'‖² (normalized Δ, ensemble); run MPC(f̂, c) for one episode; D ← D ∪ new
// Each refit continues from the previous weights with max(epochs, ⌈minSteps / ⌈|D|/batch⌉⌉) epochs of Adam
// (fitDynamics): without the floor, the first refits on one or two episodes take only ~100 steps and leave the
// model badly underfit (normalized loss ~1e-1 instead of ~1e-4), which costs a few extra episodes of data.
//
// The cost c is the env twin's (the reward is known, the dynamics are learned). After each episode the run
// writes one metrics line and an atomic checkpoint (buffer + model weights + episode counter), so a killed
// run resumed with the same config continues from the last finished episode. Every random draw derives from
// (seed, episode), so a resumed run follows the same path as an uninterrupted one, and a run resumed with a
// larger `episodes` continues where the shorter one stopped (the buffer grows to hold the extra episodes).
// An aborted `signal` (Ctrl-C) stops within one fitting epoch or env step, before the unfinished episode
// is logged or checkpointed, and rejects with `signal.reason`.
//
// The controllers are parameters (`ModelBasedControllers`; controllers/build-controller.ts builds random
// exploration and MPC on the learned model with the env twin's cost).
import type { Env } from '../streams/env.ts';
import { MLPDynamics } from '../models/mlp-dynamics.ts';
import type { DynamicsModel } from '../models/types.ts';
import type { Episode } from '../streams/collect-episodes.ts';
import type { Controller } from '../streams/types.ts';
import { Rng } from '../tensor/rng.ts';
import { runEpisodes } from './episodes.ts';
import { fitDynamicsAsync, oneStepError } from './fit-dynamics.ts';
import { ReplayBuffer, type StoredTransition } from './replay-buffer.ts';
import type { RunDir } from './run-dir.ts';

export interface ModelBasedConfig {
  episodes: number;
  randomEpisodes: number;
  episodeSteps: number;
  solver: string;
  solverConfig?: Record<string, unknown>;
  horizon: number;
  samples: number;
  iterations: number;
  hidden: number[];
  ensemble: number;
  epochs: number;
  /** Minimum Adam steps per member in each refit (see fitDynamics). */
  minSteps?: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** The controllers of the loop, each built for one episode with that episode's seed. */
export interface ModelBasedControllers {
  /** The exploration controller of the first `randomEpisodes` episodes (e.g. uniform random actions). */
  explore(seed: number): Controller;
  /** The planner on the current learned model (e.g. MPC with the env twin's cost). */
  plan(model: DynamicsModel, seed: number): Controller;
}

export interface ModelBasedState {
  buffer: { capacity: number; obsDim: number; actDim: number; transitions: StoredTransition[] };
  model: ReturnType<MLPDynamics['toJSON']>;
}

export interface EpisodeReport {
  episode: number;
  controller: 'random' | 'mpc';
  return: number;
  steps: number;
  transitions: number;
  fitLoss: number;
  oneStepMse: number;
}

export interface ModelBasedResult {
  model: MLPDynamics;
  buffer: ReplayBuffer;
  reports: EpisodeReport[];
  /** The last episode run (for plots). */
  lastEpisode?: Episode;
}

/**
 * Runs (or resumes) the loop. `env` must be a fresh env; `controllers` builds each episode's controller.
 * `onEpisode` sees each finished episode (for logging and progress).
 */
export async function trainModelBased(
  env: Env,
  controllers: ModelBasedControllers,
  cfg: ModelBasedConfig,
  run?: RunDir,
  onEpisode?: (r: EpisodeReport, ep: Episode) => void,
  opts: { signal?: AbortSignal } = {},
): Promise<ModelBasedResult> {
  const { signal } = opts;
  const obsDim = env.observationSpace.shape.reduce((a, b) => a * b, 1);
  const actDim = env.actionSpace.shape.reduce((a, b) => a * b, 1);
  const model = new MLPDynamics({ stateDim: obsDim, actionDim: actDim, hidden: cfg.hidden, ensemble: cfg.ensemble, rng: new Rng(cfg.seed) });
  const capacity = cfg.episodes * cfg.episodeSteps + 1;
  let buffer = new ReplayBuffer(capacity, obsDim, actDim);
  let start = 0;
  const reports: EpisodeReport[] = [];
  const ck = run?.loadCheckpoint<ModelBasedState>();
  if (ck) {
    buffer = ReplayBuffer.fromJSON({ ...ck.state.buffer, capacity: Math.max(capacity, ck.state.buffer.capacity) });
    model.load(ck.state.model);
    start = ck.step;
    for (const m of run!.metrics<EpisodeReport & { kind?: string }>()) if (m.kind === 'episode') reports.push(m);
  }
  let lastEpisode: Episode | undefined;
  for (let e = start; e < cfg.episodes; e++) {
    signal?.throwIfAborted();
    const random = e < cfg.randomEpisodes;
    const controller = random ? controllers.explore(cfg.seed * 1000 + e) : controllers.plan(model, cfg.seed * 1000 + e);
    const [ep] = await runEpisodes(env, controller, { episodes: 1, seed: cfg.seed * 1000 + e, maxEpisodeSteps: cfg.episodeSteps, buffer, ...(signal ? { signal } : {}) });
    lastEpisode = ep;
    const losses = await fitDynamicsAsync(model, buffer, {
      ...(signal ? { signal } : {}),
      epochs: cfg.epochs,
      ...(cfg.minSteps !== undefined ? { minSteps: cfg.minSteps } : {}),
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      rng: new Rng(cfg.seed * 7919 + e),
    });
    const report: EpisodeReport = {
      episode: e,
      controller: random ? 'random' : 'mpc',
      return: ep!.return,
      steps: ep!.actions.length,
      transitions: buffer.size,
      fitLoss: losses[losses.length - 1]!,
      oneStepMse: oneStepError(model, buffer),
    };
    reports.push(report);
    run?.log({ kind: 'episode', ...report });
    run?.saveCheckpoint<ModelBasedState>(e + 1, { buffer: buffer.toJSON(), model: model.toJSON() });
    onEpisode?.(report, ep!);
  }
  return { model, buffer, reports, ...(lastEpisode ? { lastEpisode } : {}) };
}
