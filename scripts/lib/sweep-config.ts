// The config of `diffmpc sweep CONFIG`: a grid (every combination of the listed values) or a list of cells
// over env × physics × solver × planner settings, times seeds. A cell is one setting; a job is one
// (cell, seed) pair and runs `episodes` episodes (reset seeds seed, seed + 1, …, one controller per episode).
// Planner settings a cell leaves out come from the env/solver preset, else the `diffmpc run` defaults, so a
// cell's settings are always complete and its key (a readable slug + a hash of the settings) is stable:
// re-running a sweep recognizes the jobs it already finished by their ids.
//   { "grid": { "env": "Pendulum-v1", "solver": ["dcem", "novas"], "horizon": [10, 20] }, "seeds": 10 }
//   { "cells": [{ "solver": "dcem", "samples": 200 }, { "solver": "qp" }], "seeds": [0, 1, 2] }
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { getPlanner } from '../../controllers/planners.ts';
import { plannerPreset } from '../../controllers/presets.ts';
import { ConfigError, formatIssues, readConfigFile } from '../../src/train/config.ts';
import type { JobSpec } from '../../src/exec/job.ts';
import { checkEnvId, checkPlanFlags, checkSolverName, envActionDim } from './run-options.ts';
import { controlSchema } from './schemas.ts';
import { configImports, flagImports, loadUserModules } from './user-modules.ts';

const shape = controlSchema._def.shape();
const axes = {
  env: shape.env.removeDefault(),
  physics: shape.physics.removeDefault(),
  solver: shape.solver.removeDefault(),
  horizon: shape.horizon.removeDefault(),
  samples: shape.samples.removeDefault(),
  iterations: shape.iterations.removeDefault(),
  solverConfig: shape.solverConfig.removeDefault(),
};
type Axis = keyof typeof axes;
const AXES = Object.keys(axes) as Axis[];

/** One axis of a grid: a value or a non-empty list of values. */
const axis = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t).min(1).max(1000)]);
const cellSchema = z.object(axes).partial().strict();
const seedSchema = shape.seed.removeDefault();

export const sweepSchema = z
  .object({
    grid: z
      .object({
        env: axis(axes.env),
        physics: axis(axes.physics),
        solver: axis(axes.solver),
        horizon: axis(axes.horizon),
        samples: axis(axes.samples),
        iterations: axis(axes.iterations),
        solverConfig: axis(axes.solverConfig),
      })
      .partial()
      .strict()
      .optional(),
    cells: z.array(cellSchema).min(1).max(10_000).optional(),
    seeds: z.union([z.number().int().positive().max(10_000), z.array(seedSchema).min(1).max(10_000)]).default(10),
    episodes: shape.episodes.default(1),
    maxEpisodeSteps: shape.maxEpisodeSteps,
  })
  .strict()
  .refine((c) => !(c.grid && c.cells), { message: 'give either "grid" or "cells", not both', path: ['cells'] })
  .refine((c) => Array.isArray(c.seeds) ? new Set(c.seeds).size === c.seeds.length : true, { message: 'seeds must not repeat', path: ['seeds'] });
export type SweepConfig = z.infer<typeof sweepSchema>;

/** The complete settings of one cell: a `controlRun` config without seed and episode count. */
export interface CellSettings {
  env: string;
  physics: 'matter' | 'analytic';
  controller: 'mpc';
  solver: string;
  horizon: number;
  samples: number;
  iterations: number;
  solverConfig: Record<string, unknown>;
}

export interface Cell {
  key: string;
  settings: CellSettings;
}

/** The config of the 'control-episodes' job of one (cell, seed). */
export interface CellJobConfig extends CellSettings {
  episodes: number;
  maxEpisodeSteps?: number;
}

const DEFAULTS = controlSchema.parse({});

/** JSON with sorted object keys (so equal settings hash equally). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function cellKey(s: CellSettings, episodes: number, maxEpisodeSteps: number | undefined): string {
  const hash = createHash('sha256').update(canonical({ ...s, episodes, maxEpisodeSteps: maxEpisodeSteps ?? null })).digest('hex').slice(0, 10);
  const slug = `${s.env}_${s.physics}_${s.solver}_H${s.horizon}_N${s.samples}_I${s.iterations}`.replace(/[^\w.-]/g, '-');
  return `${slug}_${hash}`;
}

function complete(partial: Partial<Record<Axis, unknown>>): CellSettings {
  const env = (partial.env as string | undefined) ?? DEFAULTS.env;
  const solver = (partial.solver as string | undefined) ?? DEFAULTS.solver;
  const preset = plannerPreset(env, solver);
  return {
    env,
    physics: (partial.physics as CellSettings['physics'] | undefined) ?? DEFAULTS.physics,
    controller: 'mpc',
    solver,
    horizon: (partial.horizon as number | undefined) ?? preset?.horizon ?? DEFAULTS.horizon,
    samples: (partial.samples as number | undefined) ?? preset?.samples ?? DEFAULTS.samples,
    iterations: (partial.iterations as number | undefined) ?? preset?.iterations ?? DEFAULTS.iterations,
    solverConfig: (partial.solverConfig as Record<string, unknown> | undefined) ?? preset?.solverConfig ?? {},
  };
}

/** Every combination of the grid's values, the first axis varying slowest. */
function product(grid: Partial<Record<Axis, unknown>>): Partial<Record<Axis, unknown>>[] {
  let out: Partial<Record<Axis, unknown>>[] = [{}];
  for (const k of AXES) {
    const v = grid[k];
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    out = out.flatMap((c) => values.map((x) => ({ ...c, [k]: x })));
  }
  return out;
}

export interface SweepPlan {
  config: SweepConfig;
  cells: Cell[];
  seeds: number[];
  jobs: JobSpec[];
}

/** The cells and jobs of a parsed config; `source` names the file in errors. */
export function planSweep(config: SweepConfig, source: string): SweepPlan {
  const partials = config.cells ?? product(config.grid ?? {});
  const cells: Cell[] = [];
  const seen = new Set<string>();
  partials.forEach((p, i) => {
    const where = config.cells ? `cells[${i}]` : 'grid';
    const s = complete(p);
    checkEnvId(s.env, `config ${source}: ${where}.env`);
    checkSolverName(s.solver, `config ${source}: ${where}.solver`);
    try {
      checkPlanFlags({ batch: 1, samples: s.samples, horizon: s.horizon, actionDim: envActionDim(s.env) });
    } catch (e) {
      throw new ConfigError(`config ${source}: ${where}: ${(e as Error).message}`);
    }
    try {
      getPlanner(s.solver, s.solverConfig);
    } catch (e) {
      throw new ConfigError(`config ${source}: ${where}.solverConfig: ${(e as Error).message}`);
    }
    const key = cellKey(s, config.episodes, config.maxEpisodeSteps);
    if (seen.has(key)) throw new ConfigError(`config ${source}: ${where}: two cells have the same settings (${key}); list each setting once`);
    seen.add(key);
    cells.push({ key, settings: s });
  });
  const seeds = Array.isArray(config.seeds) ? config.seeds : Array.from({ length: config.seeds }, (_, i) => i);
  const jobs: JobSpec[] = cells.flatMap((c) =>
    seeds.map((seed): JobSpec => {
      const cfg: CellJobConfig = { ...c.settings, episodes: config.episodes, ...(config.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: config.maxEpisodeSteps } : {}) };
      return { id: jobId(c.key, seed), command: 'control-episodes', config: cfg as unknown as JobSpec['config'], seed };
    }),
  );
  return { config, cells, seeds, jobs };
}

export const jobId = (cell: string, seed: number): string => `${cell}-s${seed}`;

function readRaw(file: string): Record<string, unknown> {
  try {
    return readConfigFile(file);
  } catch (e) {
    throw new ConfigError((e as Error).message.replace(/^--config: /, 'sweep CONFIG: '));
  }
}

/**
 * Reads and validates a sweep config file; every problem is a ConfigError naming the file and the field.
 * Its `import` key (modules registering envs, solvers or presets) must have been loaded: see loadSweepConfig.
 */
export function readSweepConfig(file: string): SweepPlan {
  const { import: _modules, ...raw } = readRaw(file);
  const r = sweepSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(formatIssues(r.error, `config ${file}`));
  return planSweep(r.data, file);
}

/**
 * Loads the user modules of `--import` flags and of the config's `import` key (relative to the file), then
 * reads the config. Returns their file URLs too: every pool thread imports them before its first job.
 */
export async function loadSweepConfig(file: string, importFlags?: readonly string[]): Promise<{ plan: SweepPlan; modules: string[] }> {
  const modules = [...flagImports(importFlags), ...configImports(file, readRaw(file))];
  await loadUserModules(modules);
  return { plan: readSweepConfig(file), modules: modules.map((m) => pathToFileURL(m.file).href) };
}

/** Default sweep name: the config file's base name. */
export const sweepNameOf = (file: string): string => path.basename(file).replace(/\.json$/i, '').replace(/[^\w.-]/g, '-');
