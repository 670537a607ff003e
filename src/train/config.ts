// Validation of run configurations (from --config FILE plus command-line flags) with zod schemas:
// unknown keys and bad values are rejected with the source of the field (the flag that set it, or the file
// and the dotted path inside it), what was expected and what was given.
import fs from 'node:fs';
import { z } from 'zod';

/** Bad configuration input (file or flags); the command line reports it as a usage error (exit code 2). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Formats zod issues as "field.path: message" lines. */
export function formatIssues(err: z.ZodError, source: string): string {
  return err.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

/** Reads a JSON config file; a missing file, a directory or a JSON syntax error is reported with the path. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new ConfigError(`--config: ${file} is not a file; pass a JSON file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError(`--config: file ${file} does not exist`);
    throw new ConfigError(`--config: cannot read ${file} (${code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--config: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`--config: ${file} must hold a JSON object`);
  return raw as Record<string, unknown>;
}

export interface ResolveOptions {
  file?: string;
  flags?: Record<string, unknown>;
  preset?: (given: Record<string, unknown>) => Record<string, unknown>;
  /** Command-line spelling of each config key set by a flag (e.g. maxEpisodeSteps → --max-episode-steps). */
  flagNames?: Record<string, string>;
  /** Top-level keys of the file read by the caller, not by the schema (e.g. `import`). */
  fileOnlyKeys?: readonly string[];
}

/** A short printable form of a given value for error messages. */
function shown(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Merges defaults ← preset ← config file ← flags (flags win; undefined flags are ignored) and validates with a
 * strict schema. `preset` sees the file and flags merged and returns values that sit under them (e.g. the
 * tuned planner settings of the chosen env and solver). Throws one ConfigError listing every problem: a
 * field set by a flag is named by the flag, one from the file by the file and its path.
 */
export function resolveConfig<S extends z.ZodTypeAny>(schema: S, opts: ResolveOptions): z.infer<S> {
  const fromFile = opts.file ? readConfigFile(opts.file) : {};
  for (const k of opts.fileOnlyKeys ?? []) delete fromFile[k];
  const flags = Object.fromEntries(Object.entries(opts.flags ?? {}).filter(([, v]) => v !== undefined));
  const given = { ...fromFile, ...flags };
  const merged: Record<string, unknown> = { ...(opts.preset?.(given) ?? {}), ...given };
  const r = schema.safeParse(merged);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const top = i.path[0];
    const field = i.path.length ? i.path.join('.') : '(top level)';
    let value: unknown = merged;
    for (const p of i.path) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[p] : undefined;
    const got = i.path.length && value !== undefined ? ` (got ${shown(value)})` : '';
    if (typeof top === 'string' && top in flags) return `${opts.flagNames?.[top] ?? top}: ${i.path.length > 1 ? `${field}: ` : ''}${i.message}${got}`;
    if (opts.file && (typeof top !== 'string' || top in fromFile || i.path.length === 0)) return `config ${opts.file}: ${field}: ${i.message}${got}`;
    return `config: ${field}: ${i.message}${got}`;
  });
  throw new ConfigError(lines.join('\n'));
}
