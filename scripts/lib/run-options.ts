// Flags shared by the commands that write a run directory (run, train-dynamics, train-imitation):
// --config FILE, --import MODULE, --name, --out, --overwrite (and --resume where a command supports it), and
// the resolution every such command starts with: load user modules, merge and validate the config, check
// env and solver names and the plan size, all before anything is written to disk.
import { checkPlanSize } from '../../controllers/plan-limits.ts';
import { getPlanner, listPlannerNames } from '../../controllers/planners.ts';
import { plannerPreset } from '../../controllers/presets.ts';
import { envSpec, listEnvs, make } from '../../envs/registry.ts';
import { readConfigFile, resolveConfig } from '../../src/train/config.ts';
import { RunDir, noRunToResume } from '../../src/train/run-dir.ts';
import type { z } from 'zod';
import { didYouMean } from './closest.ts';
import { COMMON_FLAGS, UsageError, configFromFlags, flagNamesOf, type FlagSpec } from './flags.ts';
import { configImports, flagImports, loadUserModules, userModuleHint } from './user-modules.ts';

export const RUN_FLAGS: readonly FlagSpec[] = [
  { name: 'config', type: 'string', placeholder: 'FILE', description: 'JSON file of config fields (flags override it); its "import" key loads modules like --import' },
  { name: 'import', type: 'strings', placeholder: 'MODULE', description: 'load a JS/TS module that registers envs, solvers or presets, before names are checked' },
  { name: 'name', type: 'string', placeholder: 'NAME', description: 'run directory name under --out', shownDefault: '<command>-<UTC time>' },
  { name: 'out', type: 'string', placeholder: 'DIR', description: 'parent directory of the run directory', default: 'runs' },
  { name: 'overwrite', type: 'boolean', description: 'replace an existing run directory of the same name' },
];

export const RESUME_FLAG: FlagSpec = { name: 'resume', type: 'boolean', description: 'continue the run in --out/--name from its last checkpoint' };

/** Help note of planner fields whose default comes from the registered preset of the env and solver. */
export const PRESET_NOTE = 'or the preset of the env and solver';

/** --horizon, --samples and --iterations, with a note on where their defaults come from. */
export function plannerFlags(defaultNote?: string): FlagSpec[] {
  const note = defaultNote ? { defaultNote } : {};
  return [
    { name: 'horizon', type: 'int', key: 'horizon', description: 'planning horizon in steps', ...note },
    { name: 'samples', type: 'int', key: 'samples', description: 'candidate action sequences per solver iteration', ...note },
    { name: 'iterations', type: 'int', key: 'iterations', description: 'solver iterations per plan', ...note },
  ];
}

/** Default run name: command + timestamp, e.g. run-20261123-191500. */
export function defaultRunName(command: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${command}-${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * The registered planner preset (controllers/presets.ts) of the env and solver a configuration names, as
 * values to put under the file and flags; `env` and `solver` default to the schema's own defaults.
 */
export function controlPreset(defaults: { env: string; solver: string }): (given: Record<string, unknown>) => Record<string, unknown> {
  return (given) => {
    const env = typeof given.env === 'string' ? given.env : defaults.env;
    const solver = typeof given.solver === 'string' ? given.solver : defaults.solver;
    return { ...(plannerPreset(env, solver) ?? {}) };
  };
}

/**
 * Loads the user modules of `--import` and the config file's `import` key, then merges defaults ← preset ←
 * file ← flags and validates with the schema. Reads files only; writes nothing.
 */
export async function resolveRunConfig<S extends z.ZodTypeAny>(
  schema: S,
  flags: readonly FlagSpec[],
  values: Record<string, unknown>,
  preset?: (given: Record<string, unknown>) => Record<string, unknown>,
): Promise<z.infer<S>> {
  const all = [...flags, ...COMMON_FLAGS.filter((c) => !flags.some((f) => f.name === c.name))];
  const file = typeof values.config === 'string' ? values.config : undefined;
  const fromFile = file ? readConfigFile(file) : {};
  await loadUserModules([...flagImports(values.import as string[] | undefined), ...(file ? configImports(file, fromFile) : [])]);
  return resolveConfig(schema, {
    ...(file ? { file } : {}),
    flags: configFromFlags(all, values),
    ...(preset ? { preset } : {}),
    flagNames: flagNamesOf(all),
    fileOnlyKeys: ['import'],
  });
}

/**
 * On `--resume`, the run's saved options as the layer under the file and flags, so `--name X --resume` alone
 * continues it; undefined without `--resume`. A resume without --name, or of a run that does not exist, is
 * a usage error.
 */
export function resumePreset(values: Record<string, unknown>): ((given: Record<string, unknown>) => Record<string, unknown>) | undefined {
  if (!values.resume) return undefined;
  if (values.name === undefined) throw new UsageError('--resume: pass --name NAME of the run to continue (its folder under --out)');
  const out = String(values.out ?? 'runs');
  const name = String(values.name);
  const saved = RunDir.savedConfig(out, name);
  if (!saved) throw noRunToResume(out, name);
  return () => saved;
}

/** How a config field was set, for messages: the flag, the file field, or the default. */
export function fieldSource(values: Record<string, unknown>, flag: string, key: string): string {
  if (values[flag] !== undefined) return `--${flag}`;
  return typeof values.config === 'string' ? `config ${values.config}: ${key}` : key;
}

/** Throws a UsageError when `id` is not a registered env, listing them and the closest one. */
export function checkEnvId(id: string, source: string): void {
  if (envSpec(id)) return;
  const known = listEnvs().map((s) => s.id);
  throw new UsageError(`${source}: unknown env "${id}"; registered: ${known.join(', ')}.${didYouMean(id, known)} Load your own with --import MODULE.${userModuleHint()}`);
}

/** Throws a UsageError when `name` is no registered planner or solver, listing them and the closest one. */
export function checkSolverName(name: string, source: string): void {
  const known = listPlannerNames();
  if (known.includes(name)) return;
  throw new UsageError(`${source}: unknown solver "${name}"; registered: ${known.join(', ')}.${didYouMean(name, known)} Load your own with --import MODULE.${userModuleHint()}`);
}

/**
 * Builds the planner once with the config's solverConfig, so an option the solver does not take is a usage
 * error naming where it came from, before anything is written.
 */
export function checkSolverConfig(cfg: { solver: string; solverConfig?: Record<string, unknown>; controller?: string }, values: Record<string, unknown>): void {
  if (cfg.controller !== undefined && cfg.controller !== 'mpc') return;
  try {
    getPlanner(cfg.solver, cfg.solverConfig ?? {});
  } catch (e) {
    throw new UsageError(`${fieldSource(values, 'solver-config', 'solverConfig')}: ${(e as Error).message}`);
  }
}

/** Action dimension of a registered env (builds it once with its defaults). */
export function envActionDim(id: string): number {
  const env = make(id);
  const nu = env.actionSpace.low.length;
  env.close?.();
  return nu;
}

/** checkPlanSize (controllers/plan-limits.ts) with the CLI's flag names, as a UsageError. */
export function checkPlanFlags(size: { batch: number; samples: number; horizon: number; actionDim: number }, batchFlag?: string): void {
  try {
    checkPlanSize(size, { samples: '--samples', horizon: '--horizon', ...(batchFlag ? { batch: batchFlag } : {}) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
