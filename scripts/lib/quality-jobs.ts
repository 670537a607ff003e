// The piece of `bench quality` (scripts/bench-quality.ts), registered as the job runner `quality-episode`:
//   (QualityEpisodeConfig, seed k) → { return, steps, terminated, success?, tailShare?, actMs }
// one episode of MPC on the env's twin, reset with seed k and planned by an MPC seeded k (built for this
// episode alone), so a piece's result depends on its config and seed only, never on what ran before it.
// `judge` in the config names the task's success criterion (a registry): 'swing-up' (`swingUpHeld`),
// 'hover' (`quadrotorHovered`) or 'acrobot' (`acrobotSwing`: reached the bar; `tailShare` held above it).
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import '../../controllers/index.ts';
import { z } from 'zod';
import { controlRunSetup } from '../../controllers/build-controller.ts';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { controlRun, type ControlRunConfig } from '../../src/train/control-run.ts';
import { Registry } from '../../src/tensor/registry.ts';
import { QUADROTOR_GOAL } from '../../envs/planar-quadrotor.ts';
import { ACROBOT_BAR, acrobotTipHeight } from '../../envs/acrobot-swingup.ts';
import { parseJobConfig } from './job-config.ts';

export const QUALITY_TARGETS = { pendulumReturn: -160, holdSteps: 100, holdCos: 0.95, xLimit: 2.4, hoverSteps: 50, hoverRadius: 0.1, acrobotBar: ACROBOT_BAR, acrobotTail: 50 } as const;

type Judged = Pick<Episode, 'terminated' | 'rewards' | 'states'>;

/**
 * Whether a swing-up episode reached upright and held it: it ran all `steps` steps without terminating and
 * cos θ (observation index 2) > holdCos with |x| ≤ xLimit in each of the last `holdSteps` states.
 */
export function swingUpHeld(ep: Judged, steps: number, holdSteps: number = QUALITY_TARGETS.holdSteps, holdCos: number = QUALITY_TARGETS.holdCos): boolean {
  if (ep.terminated || ep.rewards.length < steps) return false;
  return ep.states.slice(-holdSteps).every((s) => s[2]! > holdCos && Math.abs(s[0]!) <= QUALITY_TARGETS.xLimit);
}

/** Whether a quadrotor episode hovers at the goal: within hoverRadius (m) of it in each of the last hoverSteps states. */
export function quadrotorHovered(ep: Judged, steps: number): boolean {
  if (ep.terminated || ep.rewards.length < steps) return false;
  return ep.states.slice(-QUALITY_TARGETS.hoverSteps).every((s) => Math.hypot(s[0]! - QUADROTOR_GOAL.x, s[1]! - QUADROTOR_GOAL.z) <= QUALITY_TARGETS.hoverRadius);
}

/** The acrobot's tip heights over an episode; success = it reached the bar, `held` = share of the last states above it. */
export function acrobotSwing(ep: Judged): { reached: boolean; held: number } {
  const h = ep.states.map((s) => acrobotTipHeight(s));
  const tail = h.slice(-QUALITY_TARGETS.acrobotTail);
  return { reached: h.some((v) => v >= QUALITY_TARGETS.acrobotBar), held: tail.filter((v) => v >= QUALITY_TARGETS.acrobotBar).length / tail.length };
}

/** Success criteria by name: (episode, its step budget) → success and an optional share held. */
export const qualityJudges = new Registry<(ep: Judged, steps: number) => { success: boolean; tailShare?: number }>({ kind: 'quality judge' });
qualityJudges.register('swing-up', (ep, steps) => ({ success: swingUpHeld(ep, steps) }));
qualityJudges.register('hover', (ep, steps) => ({ success: quadrotorHovered(ep, steps) }));
qualityJudges.register('acrobot', (ep) => {
  const a = acrobotSwing(ep);
  return { success: a.reached, tailShare: a.held };
});

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
    /** The success criterion to judge the episode by (a name in `qualityJudges`). */
    judge: z.string().optional(),
  })
  .strict();

export type QualityEpisodeConfig = z.infer<typeof qualityEpisodeConfig>;

export interface QualityEpisodeResult {
  return: number;
  steps: number;
  terminated: boolean;
  /** The judge's verdict (with `judge` in the config). */
  success?: boolean;
  /** Share of the last states that held the goal (the acrobot's judge). */
  tailShare?: number;
  /** Median wall-clock ms per controller call (timing: the one field that differs between runs). */
  actMs: number;
}

export async function runQualityEpisode(config: Json, seed: number, opts: { signal?: AbortSignal } = {}): Promise<Json> {
  const { judge, ...c } = parseJobConfig(qualityEpisodeConfig, config, 'quality-episode');
  const judged = judge === undefined ? undefined : qualityJudges.get(judge, 'quality-episode job config judge');
  const cfg: ControlRunConfig = { ...c, controller: 'mpc', episodes: 1, seed, gif: false };
  const run = await controlRun(controlRunSetup(cfg), cfg, undefined, { reseed: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  const ep = run.episodes[0]!;
  if (!Number.isFinite(ep.return)) throw new Error(`quality-episode ${c.env}/${c.physics}/${c.solver} seed ${seed}: the return is ${ep.return}`);
  const out: QualityEpisodeResult = {
    return: ep.return,
    steps: ep.rewards.length,
    terminated: ep.terminated,
    ...(judged ? judged(ep, c.maxEpisodeSteps) : {}),
    actMs: run.actMs,
  };
  return out as unknown as Json;
}

registerJobRunner('quality-episode', runQualityEpisode, { replace: true });
