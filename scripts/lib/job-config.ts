// A job runner's config check: the JSON a job carries, parsed by the runner's zod schema; a bad config is an
// error naming the runner and every offending field (the same wording for every built-in runner).
import type { z } from 'zod';

/** `schema.parse(config)`, or an Error "<command> job config: field: message; …". */
export function parseJobConfig<S extends z.ZodTypeAny>(schema: S, config: unknown, command: string): z.infer<S> {
  const r = schema.safeParse(config);
  if (!r.success) throw new Error(`${command} job config: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
