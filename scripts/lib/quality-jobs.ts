// The piece of `bench quality` (scripts/bench-quality.ts), registered as the job runner `quality-episode`:
//   (QualityEpisodeConfig, seed k) → { return, steps, terminated, held?, actMs }
// one episode of MPC on the env's twin, reset with seed k and planned by an MPC seeded k (built for this
// episode alone), so a piece's result depends on its config and seed only, never on what ran before it.
// `held` (with `hold` in the config) is the swing-up success criterion `swingUpHeld`.
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import '../../controllers/index.ts';
import { z } from 'zod';
import { controlRunSetup } from '../../controllers/build-controller.ts';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { controlRun, type ControlRunConfig } from '../../src/train/control-run.ts';

export const QUALITY_TARGETS = { pendulumReturn: -160, holdSteps: 100, holdCos: 0.95, xLimit: 2.4 } as const;

/**
 * Whether a swing-up episode reached upright and held it: it ran all `steps` steps without terminating and
 * cos θ (observation index 2) > holdCos with |x| ≤ xLimit in each of the last `holdSteps` states.
 */
export function swingUpHeld(ep: Pick<Episode, 'terminated' | 'rewards' | 'states'>, steps: number, holdSteps: number = QUALITY_TARGETS.holdSteps, holdCos: number = QUALITY_TARGETS.holdCos): boolean {
  if (ep.terminated || ep.rewards.length < steps) return false;
  return ep.states.slice(-holdSteps).every((s) => s[2]! > holdCos && Math.abs(s[0]!) <= QUALITY_TARGETS.xLimit);
}

export const qualityEpisodeConfig = z
  .object({
    env: z.string(),
    physics: z.enum(['matter', 'analytic']),
    solver: z.string(),
    horizon: z.number().int().positive(),
    samples: z.number().int().positive(),
    iterations: z.number().int().positive(),
    solverConfig: z.record(z.string(), z.unknown()),
    maxEpisodeSteps: z.number().int().positive(),
    /** Judge the swing-up criterion over the last `holdSteps` states. */
    hold: z.object({ holdSteps: z.number().int().positive(), holdCos: z.number() }).strict().optional(),
  })
  .strict();

export type QualityEpisodeConfig = z.infer<typeof qualityEpisodeConfig>;

export interface QualityEpisodeResult {
  return: number;
  steps: number;
  terminated: boolean;
  held?: boolean;
  /** Median wall-clock ms per controller call (timing: the one field that differs between runs). */
  actMs: number;
}

export async function runQualityEpisode(config: Json, seed: number, opts: { signal?: AbortSignal } = {}): Promise<Json> {
  const r = qualityEpisodeConfig.safeParse(config);
  if (!r.success) throw new Error(`quality-episode job config: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  const { hold, ...c } = r.data;
  const cfg: ControlRunConfig = { ...c, controller: 'mpc', episodes: 1, seed, gif: false };
  const run = await controlRun(controlRunSetup(cfg), cfg, undefined, { reseed: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  const ep = run.episodes[0]!;
  if (!Number.isFinite(ep.return)) throw new Error(`quality-episode ${c.env}/${c.physics}/${c.solver} seed ${seed}: the return is ${ep.return}`);
  const out: QualityEpisodeResult = {
    return: ep.return,
    steps: ep.rewards.length,
    terminated: ep.terminated,
    ...(hold ? { held: swingUpHeld(ep, c.maxEpisodeSteps, hold.holdSteps, hold.holdCos) } : {}),
    actMs: run.actMs,
  };
  return out as unknown as Json;
}

registerJobRunner('quality-episode', runQualityEpisode, { replace: true });
