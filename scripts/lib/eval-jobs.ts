// The piece of `train-dynamics`' evaluation (scripts/commands/train-dynamics.ts), registered as the job runner
// `eval-episode`:
//   (EvalEpisodeConfig, seed) → EvalEpisodeResult
// one episode of MPC with the twin's cost on the learned model (the MLPDynamics checkpoint in the config) or,
// with `model: null`, on the env's exact twin, from reset seed `seed` and with an MPC seeded `seed` built
// for this episode alone, so the result depends on the config and seed only. The whole episode (states,
// actions, rewards) comes back for the run's metrics and plots.
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import '../../controllers/index.ts';
import { z } from 'zod';
import { buildController } from '../../controllers/build-controller.ts';
import { envSpec, make } from '../../envs/registry.ts';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import { MLPDynamics } from '../../src/models/mlp-dynamics.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { runEpisodes } from '../../src/train/episodes.ts';
import { parseJobConfig } from './job-config.ts';

export const evalEpisodeConfig = z
  .object({
    env: z.string(),
    physics: z.enum(['matter', 'analytic']),
    episodeSteps: z.number().int().positive(),
    solver: z.string(),
    solverConfig: z.record(z.string(), z.unknown()),
    horizon: z.number().int().positive(),
    samples: z.number().int().positive(),
    iterations: z.number().int().positive(),
    /** `MLPDynamics.toJSON()` of the learned model, or null for the env's exact twin. */
    model: z
      .object({ config: z.object({ stateDim: z.number().int().positive(), actionDim: z.number().int().positive(), hidden: z.array(z.number().int().positive()), activation: z.string(), ensemble: z.number().int().positive() }).passthrough(), normalization: z.record(z.string(), z.unknown()), weights: z.array(z.unknown()) })
      .nullable(),
  })
  .strict();

export type EvalEpisodeConfig = z.infer<typeof evalEpisodeConfig>;

/** An Episode with plain arrays (JSON): states `[T + 1][obsDim]`, actions `[T][actDim]`, rewards `[T]`. */
export interface EvalEpisodeResult {
  states: number[][];
  actions: number[][];
  rewards: number[];
  return: number;
  terminated: boolean;
  truncated: boolean;
}

/** The Episode (numbered `episode`) of a piece's result. */
export function episodeOf(r: EvalEpisodeResult, episode: number): Episode {
  return { episode, env: 0, states: r.states.map((s) => Float32Array.from(s)), actions: r.actions.map((a) => Float32Array.from(a)), rewards: r.rewards, return: r.return, terminated: r.terminated, truncated: r.truncated };
}

export async function runEvalEpisode(config: Json, seed: number, opts: { signal?: AbortSignal } = {}): Promise<Json> {
  const c = parseJobConfig(evalEpisodeConfig, config, 'eval-episode');
  const hasPhysics = envSpec(c.env)?.defaults.physics !== undefined;
  const env = make(c.env, { ...(hasPhysics ? { physics: c.physics } : {}), maxEpisodeSteps: c.episodeSteps });
  let learned: MLPDynamics | undefined;
  try {
    const twin = env.model?.();
    if (!twin) throw new Error(`eval-episode: env ${c.env} has no model() to take the planning cost from`);
    if (c.model) {
      const m = c.model.config;
      learned = new MLPDynamics({ stateDim: m.stateDim, actionDim: m.actionDim, hidden: m.hidden, activation: m.activation as never, ensemble: m.ensemble });
      learned.load(c.model as never);
    }
    const runCfg = { env: c.env, physics: c.physics, controller: 'mpc' as const, solver: c.solver, solverConfig: c.solverConfig, horizon: c.horizon, samples: c.samples, iterations: c.iterations, episodes: 1, seed, gif: false };
    const controller = buildController(env, runCfg, { dynamics: learned ?? twin.dynamics, cost: twin.cost });
    const [ep] = await runEpisodes(env, controller, { episodes: 1, seed, maxEpisodeSteps: c.episodeSteps, ...(opts.signal ? { signal: opts.signal } : {}) });
    if (!ep) throw new Error(`eval-episode ${c.env} seed ${seed}: the episode did not finish`);
    if (!Number.isFinite(ep.return)) throw new Error(`eval-episode ${c.env} seed ${seed}: the return is ${ep.return}`);
    const out: EvalEpisodeResult = { states: ep.states.map((s) => Array.from(s)), actions: ep.actions.map((a) => Array.from(a)), rewards: ep.rewards, return: ep.return, terminated: ep.terminated, truncated: ep.truncated };
    return out as unknown as Json;
  } finally {
    learned?.dispose();
    env.close?.();
  }
}

registerJobRunner('eval-episode', runEvalEpisode, { replace: true });
