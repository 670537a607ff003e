// Options shared by the commands that write a run directory (run, train-dynamics, train-imitation, demo):
// --config FILE, --name, --out, --resume, --overwrite; plus helpers to turn flag strings into typed values.
import type { ParseArgsConfig } from 'node:util';
import { plannerPreset } from '../../controllers/presets.ts';

export const RUN_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  config: { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string', default: 'runs' },
  resume: { type: 'boolean', default: false },
  overwrite: { type: 'boolean', default: false },
};

/** Converts numeric-looking flag strings to numbers (zod then checks ranges); leaves others alone. */
export function numericFlags(values: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = values[k];
    if (v === undefined) continue;
    out[k] = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
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
