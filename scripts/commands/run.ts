// `diffmpc run`: control a registered env with a controller (MPC with a named solver, LQR, random) and write
// the run directory: config.json, metrics.jsonl, state/action/cost plots, phase portrait and a GIF.
// Each finished episode is logged and checkpointed at once; episode k resets with seed + k and has its own
// controller seeded seed + k, so `--resume` (after a kill or Ctrl-C) continues after the last finished
// episode and ends as an uninterrupted run would; a larger --episodes extends a run.
import fs from 'node:fs';
import { initBackend, describeBackend } from '../../src/tensor/backend.ts';
import { controlRun } from '../../src/train/control-run.ts';
import { controlRunSetup } from '../../controllers/build-controller.ts';
import { envSpec } from '../../envs/registry.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { registerCommand, type FlagSpec, type ParsedArgs } from '../cli.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { physicsUsed } from '../lib/physics-used.ts';
import { onInterruptPrint, resumeCommand, stopSignal } from '../lib/interrupt.ts';
import { formatMeanStd } from '../lib/mean-format.ts';
import { Progress } from '../lib/progress.ts';
import { logEpisodes, writeControlPlots } from '../lib/run-report.ts';
import { returnStats } from '../../src/train/episodes.ts';
import { episodesFromSteps } from './plot.ts';
import { PRESET_NOTE, RESUME_FLAG, RUN_FLAGS, plannerFlags, checkEnvId, checkPlanFlags, checkSolverName, controlPreset, defaultRunName, envActionDim, fieldSource, checkSolverConfig, resolveRunConfig, resumePreset } from '../lib/run-options.ts';
import { controlSchema, type ControlConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

/** Runs (or continues, from the run's checkpoint) the episodes of `cfg`; `signal` stops between steps. */
export async function runControlCommand(cfg: ControlConfig, run: RunDir, opts: { signal?: AbortSignal } = {}): Promise<{ meanReturn: number; files: string[] }> {
  const ck = run.loadCheckpoint<Record<string, never>>();
  const start = ck?.step ?? 0;
  const earlier: Episode[] = start > 0 ? episodesFromSteps(run.metrics<any>().filter((m) => m.kind === 'step' && m.phase === undefined)) : [];
  if (earlier.length !== start) throw new Error(`${run.file('metrics.jsonl')}: the checkpoint counts ${start} finished episodes but the metrics hold steps of ${earlier.length}; start over with --overwrite`);
  const perEpisode = cfg.maxEpisodeSteps ?? Number(envSpec(cfg.env)?.defaults.maxEpisodeSteps ?? 200);
  const steps = (cfg.episodes - start) * perEpisode;
  const what = `${cfg.controller}${cfg.controller === 'mpc' ? `/${cfg.solver}` : ''}`;
  if (start > 0) console.log(`resuming after ${start} finished episode(s) of ${cfg.episodes}`);
  const bar = new Progress(`run ${cfg.env} ${what}`, steps);
  let done = 0;
  const r = await controlRun(controlRunSetup(cfg), { ...cfg, planEvery: 10 }, () => bar.update(++done), {
    startEpisode: start,
    reseed: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onEpisode: (ep, extras) => {
      logEpisodes(run, [ep]);
      if (extras.gif) run.writeArtifact('rollout.gif', extras.gif);
      run.saveCheckpoint(ep.episode + 1, {});
      done = (ep.episode + 1 - start) * perEpisode;
      bar.update(done);
    },
  });
  const episodes = [...earlier, ...r.episodes];
  const stats = returnStats(episodes);
  const files = writeControlPlots(run, r.envId, episodes, r.plans, undefined, r.dt);
  if (fs.existsSync(run.file('rollout.gif'))) files.push(run.file('rollout.gif'));
  run.log({ kind: 'summary', meanReturn: stats.mean, stdReturn: stats.std, episodes: episodes.length, actMsMedian: r.actMs });
  const n = episodes.length;
  console.log(`${cfg.env} (${physicsUsed(cfg.env, cfg.physics)}) ${cfg.controller}${cfg.controller === 'mpc' ? ` with ${cfg.solver}` : ''}: ${n > 1 ? 'mean ' : ''}return ${formatMeanStd(stats, n)} over ${n} episode(s)${r.episodes.length ? `; median controller call ${r.actMs.toFixed(1)} ms` : ''}`);
  return { meanReturn: stats.mean, files };
}

/** The flags of `diffmpc run` (help, parsing and the config mapping derive from this table). */
export const RUN_COMMAND_FLAGS: readonly FlagSpec[] = [
  { name: 'env', type: 'string', key: 'env', placeholder: 'ID', description: 'registered env id (diffmpc envs lists them)' },
  { name: 'physics', type: 'string', key: 'physics', description: 'simulation: matter-js rigid bodies or the analytic step' },
  { name: 'controller', type: 'string', key: 'controller', description: 'MPC with --solver, LQR around the upright, or uniform random' },
  { name: 'solver', type: 'string', key: 'solver', placeholder: 'NAME', description: 'MPC inner solver (dcem, novas, gd, qp or one loaded with --import)' },
  ...plannerFlags(PRESET_NOTE),
  { name: 'episodes', type: 'int', key: 'episodes', description: 'episodes to run (reset seeds --seed, --seed + 1, ...)' },
  { name: 'max-episode-steps', type: 'int', key: 'maxEpisodeSteps', description: 'steps per episode', shownDefault: "the env's limit" },
  { name: 'no-gif', type: 'boolean', key: 'gif', sets: false, description: 'do not record the GIF of the first episode' },
  ...RUN_FLAGS,
  RESUME_FLAG,
];

/** Parses and validates `diffmpc run`: user modules, config, env and solver names, plan size; writes nothing. */
export async function resolveRunArgs({ values }: ParsedArgs): Promise<ControlConfig> {
  const cfg = await resolveRunConfig(controlSchema, RUN_COMMAND_FLAGS, values, resumePreset(values) ?? controlPreset(controlSchema.parse({})));
  checkEnvId(cfg.env, fieldSource(values, 'env', 'env'));
  if (cfg.controller === 'mpc') {
    checkSolverName(cfg.solver, fieldSource(values, 'solver', 'solver'));
    checkPlanFlags({ batch: 1, samples: cfg.samples, horizon: cfg.horizon, actionDim: envActionDim(cfg.env) });
  }
  checkSolverConfig(cfg, values);
  return cfg;
}

registerCommand({
  name: 'run',
  summary: 'control an env with MPC (or lqr/random) and render plots + GIF into runs/<name>/',
  flags: RUN_COMMAND_FLAGS,
  schema: controlSchema,
  maxPositionals: 0,
  resolve: resolveRunArgs,
  async run({ values, positionals }) {
    const cfg = await resolveRunArgs({ values, positionals });
    const out = String(values.out);
    const name = String(values.name ?? defaultRunName('run'));
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(out, name, cfg, { resume: Boolean(values.resume), overwrite: Boolean(values.overwrite), extendable: ['episodes'] });
    onInterruptPrint(`${run.dir} keeps every finished episode; continue with: ${resumeCommand('run', run.dir, out)}`);
    const { files } = await runControlCommand(cfg, run, { signal: stopSignal });
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
