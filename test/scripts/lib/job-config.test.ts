// A job runner's config check: valid JSON comes back typed; a bad one is an error naming the runner and each
// offending field (as every built-in runner reports it, e.g. quality-episode).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJobConfig } from '../../../scripts/lib/job-config.ts';
import { runQualityEpisode } from '../../../scripts/lib/quality-jobs.ts';

describe('parseJobConfig', () => {
  const schema = z.object({ env: z.string(), steps: z.number().int().positive() }).strict();

  it('returns the parsed config', () => {
    expect(parseJobConfig(schema, { env: 'Pendulum-v1', steps: 3 }, 'test-job')).toEqual({ env: 'Pendulum-v1', steps: 3 });
  });

  it('names the runner and every bad field', () => {
    expect(() => parseJobConfig(schema, { env: 1, steps: -2 }, 'test-job')).toThrow(/^test-job job config: env: .*; steps: /);
    expect(() => parseJobConfig(schema, 'x', 'test-job')).toThrow(/^test-job job config: \(top level\): /);
  });

  it('is what a built-in runner reports', async () => {
    await expect(runQualityEpisode({ env: 'Pendulum-v1' }, 0)).rejects.toThrow(/^quality-episode job config: physics: /);
  });
});
