// `diffmpc run`: control a registered env with a controller (MPC with a named solver, LQR, random) and write
// the run directory: config.json, metrics.jsonl, state/action/cost plots, phase portrait and a GIF.
import { initBackend, describeBackend } from '../../src/tensor/backend.ts';
import { controlRun } from '../../src/train/control-run.ts';
import { RunDir } from '../../src/train/run-dir.ts';
import { registerCommand, type FlagSpec, type ParsedArgs } from '../cli.ts';
import { Progress } from '../lib/progress.ts';
import { reportControlRun } from '../lib/run-report.ts';
import { PRESET_NOTE, RUN_FLAGS, checkEnvId, checkPlanFlags, checkSolverName, controlPreset, defaultRunName, envActionDim, fieldSource, resolveRunConfig } from '../lib/run-options.ts';
import { controlSchema, type ControlConfig } from '../lib/schemas.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';

export async function runControlCommand(cfg: ControlConfig, run: RunDir): Promise<{ meanReturn: number; files: string[] }> {
  const steps = cfg.episodes * (cfg.maxEpisodeSteps ?? 200);
  const bar = new Progress(`run ${cfg.env} ${cfg.controller}${cfg.controller === 'mpc' ? `/${cfg.solver}` : ''}`, steps);
  let done = 0;
  const r = await controlRun({ ...cfg, gifEvery: 2, planEvery: 10 }, () => bar.update(++done));
  bar.update(steps);
  const files = reportControlRun(run, r);
  run.log({ kind: 'summary', meanReturn: r.stats.mean, stdReturn: r.stats.std, episodes: r.episodes.length, actMsMedian: r.actMs });
  console.log(`${cfg.env} (${cfg.physics}) ${cfg.controller}${cfg.controller === 'mpc' ? ` with ${cfg.solver}` : ''}: mean return ${r.stats.mean.toFixed(1)} ± ${r.stats.std.toFixed(1)} over ${r.episodes.length} episode(s); median controller call ${r.actMs.toFixed(1)} ms`);
  return { meanReturn: r.stats.mean, files };
}

/** The flags of `diffmpc run` (help, parsing and the config mapping derive from this table). */
export const RUN_COMMAND_FLAGS: readonly FlagSpec[] = [
  { name: 'env', type: 'string', key: 'env', placeholder: 'ID', description: 'registered env id (diffmpc envs lists them)' },
  { name: 'physics', type: 'string', key: 'physics', description: 'simulation: matter-js rigid bodies or the analytic step' },
  { name: 'controller', type: 'string', key: 'controller', description: 'MPC with --solver, LQR around the upright, or uniform random' },
  { name: 'solver', type: 'string', key: 'solver', placeholder: 'NAME', description: 'MPC inner solver (dcem, novas, gd, qp or one loaded with --import)' },
  { name: 'horizon', type: 'int', key: 'horizon', description: 'planning horizon in steps', defaultNote: PRESET_NOTE },
  { name: 'samples', type: 'int', key: 'samples', description: 'candidate action sequences per solver iteration', defaultNote: PRESET_NOTE },
  { name: 'iterations', type: 'int', key: 'iterations', description: 'solver iterations per plan', defaultNote: PRESET_NOTE },
  { name: 'episodes', type: 'int', key: 'episodes', description: 'episodes to run (reset seeds --seed, --seed + 1, ...)' },
  { name: 'max-episode-steps', type: 'int', key: 'maxEpisodeSteps', description: 'steps per episode', shownDefault: "the env's limit" },
  { name: 'no-gif', type: 'boolean', key: 'gif', sets: false, description: 'do not record the GIF of the first episode' },
  ...RUN_FLAGS,
];

/** Parses and validates `diffmpc run`: user modules, config, env and solver names, plan size; writes nothing. */
export async function resolveRunArgs({ values }: ParsedArgs): Promise<ControlConfig> {
  const cfg = await resolveRunConfig(controlSchema, RUN_COMMAND_FLAGS, values, controlPreset(controlSchema.parse({})));
  checkEnvId(cfg.env, fieldSource(values, 'env', 'env'));
  if (cfg.controller === 'mpc') {
    checkSolverName(cfg.solver, fieldSource(values, 'solver', 'solver'));
    checkPlanFlags({ batch: 1, samples: cfg.samples, horizon: cfg.horizon, actionDim: envActionDim(cfg.env) });
  }
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
    console.log(describeBackend(await initBackend(cfg.backend)));
    const run = RunDir.open(String(values.out), String(values.name ?? defaultRunName('run')), cfg, { overwrite: Boolean(values.overwrite) });
    const { files } = await runControlCommand(cfg, run);
    console.log(`outputs in ${run.dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  },
});
