// Validation of run configurations (from --config FILE plus command-line flags) with zod schemas:
// unknown keys and bad values are rejected with the dotted path of the field and what was expected.
import fs from 'node:fs';
import { z } from 'zod';

/** Formats zod issues as "field.path: message" lines. */
export function formatIssues(err: z.ZodError, source: string): string {
  return err.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

/** Reads a JSON config file; a missing file or a JSON syntax error is reported with the path. */
export function readConfigFile(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new Error(`--config: file ${file} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--config: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`--config: ${file} must hold a JSON object`);
  return raw as Record<string, unknown>;
}

/**
 * Merges defaults ← preset ← config file ← flags (flags win; undefined flags are ignored) and validates with a
 * strict schema. `preset` sees the file and flags merged and returns values that sit under them (e.g. the
 * tuned planner settings of the chosen env and solver). Throws one error listing every problem with its
 * field path.
 */
export function resolveConfig<S extends z.ZodTypeAny>(
  schema: S,
  opts: { file?: string; flags?: Record<string, unknown>; preset?: (given: Record<string, unknown>) => Record<string, unknown> },
): z.infer<S> {
  const fromFile = opts.file ? readConfigFile(opts.file) : {};
  const flags = Object.fromEntries(Object.entries(opts.flags ?? {}).filter(([, v]) => v !== undefined));
  const given = { ...fromFile, ...flags };
  const merged = { ...(opts.preset?.(given) ?? {}), ...given };
  const r = schema.safeParse(merged);
  if (!r.success) throw new Error(formatIssues(r.error, opts.file ? `config (${opts.file} + flags)` : 'config'));
  return r.data;
}
