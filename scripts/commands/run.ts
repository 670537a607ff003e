// `diffmpc run`: control a registered env with a controller (MPC with a named solver, LQR, random) and write
// the run directory: config.json, metrics.jsonl, state/action/cost plots, phase portrait and a GIF.
import { initBackend, describeBackend } from '../../src/tensor/backend.ts';
import { resolveConfig } from '../../src/train/config.ts';
import { controlRun } from '../../src/train/control-run.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { registerCommand } from '../cli.ts';
import { Progress } from '../lib/progress.ts';
import { reportControlRun } from '../lib/run-report.ts';
import { RUN_OPTIONS, controlPreset, defaultRunName, numericFlags } from '../lib/run-options.ts';
import { controlSchema, type ControlConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

export async function runControlCommand(cfg: ControlConfig, run: RunDir): Promise<{ meanReturn: number; files: string[] }> {
  const steps = cfg.episodes * (cfg.maxEpisodeSteps ?? 200);
  const bar = new Progress(`run ${cfg.env} ${cfg.controller}${cfg.controller === 'mpc' ? `/${cfg.solver}` : ''}`, steps);
  let done = 0;
  const r = await controlRun({ ...cfg, planEvery: 10 }, () => bar.update(++done));
  bar.update(steps);
  const files = reportControlRun(run, r);
  run.log({ kind: 'summary', meanReturn: r.stats.mean, stdReturn: r.stats.std, episodes: r.episodes.length, actMsMedian: r.actMs });
  console.log(`${cfg.env} (${cfg.physics}) ${cfg.controller}${cfg.controller === 'mpc' ? ` with ${cfg.solver}` : ''}: mean return ${r.stats.mean.toFixed(1)} ± ${r.stats.std.toFixed(1)} over ${r.episodes.length} episode(s); median controller call ${r.actMs.toFixed(1)} ms`);
  return { meanReturn: r.stats.mean, files };
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
    const cfg = resolveConfig(controlSchema, { ...(values.config ? { file: String(values.config) } : {}), flags, preset: controlPreset(controlSchema.parse({})) });
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(String(values.out), String(values.name ?? defaultRunName('run')), cfg, { overwrite: Boolean(values.overwrite) });
    const { files } = await runControlCommand(cfg, run);
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
