// `diffmpc run`: control a registered env with a controller (MPC with a named solver, LQR, random) and write
// the run directory: config.json, metrics.jsonl, state/action/cost plots, phase portrait and a GIF.
// Each finished episode is logged and checkpointed at once; episode k resets with seed + k and has its own
// controller seeded seed + k, so `--resume` (after a kill or Ctrl-C) continues after the last finished
// episode and ends as an uninterrupted run would; a larger --episodes extends a run.
import fs from 'node:fs';
import { initBackend, describeBackend } from '../../src/tensor/backend.ts';
import { resolveConfig } from '../../src/train/config.ts';
import { controlRun } from '../../src/train/control-run.ts';
import { RunDir, noRunToResume } from '../../src/train/run-dir.ts';
import { registerCommand } from '../cli.ts';
import type { Episode } from '../../src/streams/collect-episodes.ts';
import { checkEnvAndSolver, physicsUsed } from '../lib/check-names.ts';
import { onInterruptPrint, resumeCommand, stopSignal } from '../lib/interrupt.ts';
import { formatMeanStd } from '../lib/mean-format.ts';
import { Progress } from '../lib/progress.ts';
import { logEpisodes, writeControlPlots } from '../lib/run-report.ts';
import { returnStats } from '../../src/train/episodes.ts';
import { episodesFromSteps } from './plot.ts';
import { RUN_OPTIONS, controlPreset, defaultRunName, numericFlags } from '../lib/run-options.ts';
import { controlSchema, type ControlConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

/** Runs (or continues, from the run's checkpoint) the episodes of `cfg`; `signal` stops between steps. */
export async function runControlCommand(cfg: ControlConfig, run: RunDir, opts: { signal?: AbortSignal } = {}): Promise<{ meanReturn: number; files: string[] }> {
  const ck = run.loadCheckpoint<Record<string, never>>();
  const start = ck?.step ?? 0;
  const earlier: Episode[] = start > 0 ? episodesFromSteps(run.metrics<any>().filter((m) => m.kind === 'step' && m.phase === undefined)) : [];
  if (earlier.length !== start) throw new Error(`${run.file('metrics.jsonl')}: the checkpoint counts ${start} finished episodes but the metrics hold steps of ${earlier.length}; start over with --overwrite`);
  const perEpisode = cfg.maxEpisodeSteps ?? 200;
  const steps = (cfg.episodes - start) * perEpisode;
  const what = `${cfg.controller}${cfg.controller === 'mpc' ? `/${cfg.solver}` : ''}`;
  if (start > 0) console.log(`resuming after ${start} finished episode(s) of ${cfg.episodes}`);
  const bar = new Progress(`run ${cfg.env} ${what}`, steps);
  let done = 0;
  const r = await controlRun({ ...cfg, gifEvery: 2, planEvery: 10 }, () => bar.update(++done), {
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

registerCommand({
  name: 'run',
  summary: 'control an env with MPC (or lqr/random) and render plots + GIF into runs/<name>/',
  usage: '[--env Pendulum-v1] [--physics matter|analytic] [--controller mpc|lqr|random] [--solver dcem|novas|gd|qp] [--horizon H] [--samples N] [--iterations K] [--episodes E] [--config FILE] [--name NAME]',
  options: {
    ...RUN_OPTIONS,
    env: { type: 'string' },
    physics: { type: 'string' },
    controller: { type: 'string' },
    solver: { type: 'string' },
    horizon: { type: 'string' },
    samples: { type: 'string' },
    iterations: { type: 'string' },
    episodes: { type: 'string' },
    'max-episode-steps': { type: 'string' },
    'no-gif': { type: 'boolean' },
  },
  async run({ values }) {
    const flags = {
      ...numericFlags(values, ['horizon', 'samples', 'iterations', 'episodes', 'seed']),
      env: values.env,
      physics: values.physics,
      controller: values.controller,
      solver: values.solver,
      backend: values.backend,
      ...numericFlags({ maxEpisodeSteps: values['max-episode-steps'] }, ['maxEpisodeSteps']),
      ...(values['no-gif'] ? { gif: false } : {}),
    };
    if (values.resume && values.name === undefined) throw new Error('--resume: pass --name NAME of the run to continue (its folder under --out)');
    const out = String(values.out);
    const name = String(values.name ?? defaultRunName('run'));
    // On --resume the run's saved options sit under the flags, so `--name X --resume` alone continues it.
    const saved = values.resume ? RunDir.savedConfig(out, name) : undefined;
    if (values.resume && !saved) throw noRunToResume(out, name);
    const cfg = resolveConfig(controlSchema, { ...(values.config ? { file: String(values.config) } : {}), flags, preset: saved ? () => saved : controlPreset(controlSchema.parse({})) });
    checkEnvAndSolver(cfg);
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(out, name, cfg, { resume: Boolean(values.resume), overwrite: Boolean(values.overwrite), extendable: ['episodes'] });
    onInterruptPrint(`${run.dir} keeps every finished episode; continue with: ${resumeCommand('run', run.dir, out)}`);
    const { files } = await runControlCommand(cfg, run, { signal: stopSignal });
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
