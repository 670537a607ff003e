// The job runners of sweeps, registered for every executor (imported by the CLI and by each pool thread):
//   control-episodes: (CellJobConfig, seed) → { episodes: [{ episode, resetSeed, return, steps, terminated }] }
//   episode k of the job resets with seed + k and has its own MPC seeded seed + k (controlRun's `reseed`), so
//   a job's result depends on its config and seed only, never on what ran before it in the same thread.
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import '../../controllers/index.ts';
import { z } from 'zod';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import { controlRun } from '../../src/train/control-run.ts';
import { controlRunSetup } from '../../controllers/build-controller.ts';
import type { CellJobConfig } from './sweep-config.ts';
import { parseJobConfig } from './job-config.ts';

export interface EpisodeSummary {
  episode: number;
  resetSeed: number;
  return: number;
  steps: number;
  terminated: boolean;
}

export interface ControlEpisodesResult {
  episodes: EpisodeSummary[];
}

const jobConfig = z
  .object({
    env: z.string(),
    physics: z.enum(['matter', 'analytic']),
    controller: z.literal('mpc'),
    solver: z.string(),
    horizon: z.number().int().positive(),
    samples: z.number().int().positive(),
    iterations: z.number().int().positive(),
    solverConfig: z.record(z.string(), z.unknown()),
    episodes: z.number().int().positive(),
    maxEpisodeSteps: z.number().int().positive().optional(),
  })
  .strict();

export async function runControlEpisodes(config: Json, seed: number, opts: { signal?: AbortSignal } = {}): Promise<Json> {
  const cfg: CellJobConfig = parseJobConfig(jobConfig, config, 'control-episodes');
  const runCfg = { ...cfg, seed, gif: false };
  const run = await controlRun(controlRunSetup(runCfg), runCfg, undefined, { reseed: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  const out: ControlEpisodesResult = {
    episodes: run.episodes.map((e) => ({ episode: e.episode, resetSeed: seed + e.episode, return: e.return, steps: e.rewards.length, terminated: e.terminated })),
  };
  for (const e of out.episodes) if (!Number.isFinite(e.return)) throw new Error(`control-episodes: episode ${e.episode} (seed ${e.resetSeed}) returned ${e.return}`);
  return out as unknown as Json;
}

registerJobRunner('control-episodes', runControlEpisodes, { replace: true });
