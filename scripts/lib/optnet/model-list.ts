// `--only LIST` of the OptNet experiments: comma-separated model names, each one of the experiment's models.
import { UsageError } from '../flags.ts';

/** The names of `--only LIST`, each checked against `known` (a UsageError names the flag); undefined when not given. */
export function parseModelList(value: unknown, known: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const names = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--only: expected a comma-separated list of ${known.join(', ')}`);
  for (const m of names) if (!known.includes(m)) throw new UsageError(`--only: unknown model "${m}"; known: ${known.join(', ')}`);
  return names;
}
