// `bench quality` through the executor: a small pendulum and cart-pole plan gives the same per-episode results
// and table numbers under `--workers 2` (threads) as inline (timing fields aside), pieces in table order; a
// failing piece is reported by its id instead of being dropped.
import { describe, expect, it } from 'vitest';
import { beforeAll } from 'vitest';
import { qualityGroups, qualityJobs, runQualityGroups, type QualityGroup } from '../../scripts/bench-quality.ts';
import { createExecutor, executorChoice } from '../../scripts/lib/executor-options.ts';
import { JobsFailedError } from '../../src/exec/collect.ts';
import { initBackend } from '../../src/tensor/backend.ts';

const small = (g: Omit<QualityGroup, 'preset' | 'seeds' | 'steps'>, steps: number): QualityGroup => ({ ...g, preset: { horizon: 5, samples: 30, iterations: 2, solverConfig: {} }, seeds: 2, steps });
const GROUPS: QualityGroup[] = [
  small({ part: 'pendulum', env: 'Pendulum-v1', physics: 'analytic', solver: 'dcem' }, 12),
  small({ part: 'cartpole', env: 'CartPoleSwingUp-v0', physics: 'analytic', solver: 'novas' }, 10),
];
const timing = new Set(['ms/act', 'load']);
const numbers = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !timing.has(k))));

beforeAll(async () => {
  await initBackend('wasm');
});

describe('bench quality pieces', () => {
  it('plans one episode per group × seed, ids in table order', () => {
    expect(qualityJobs(GROUPS).map((j) => [j.id, j.seed])).toEqual([
      ['Pendulum-v1/analytic/dcem/s0', 0],
      ['Pendulum-v1/analytic/dcem/s1', 1],
      ['CartPoleSwingUp-v0/analytic/novas/s0', 0],
      ['CartPoleSwingUp-v0/analytic/novas/s1', 1],
    ]);
    const full = qualityGroups({ pendulumSeeds: 10, cartSeeds: 10, cartSteps: 500 }, { parts: ['pendulum'], physics: ['analytic'], solvers: ['dcem'] });
    expect(full.map((g) => [g.env, g.physics, g.solver, g.seeds, g.steps])).toEqual([['Pendulum-v1', 'analytic', 'dcem', 10, 200]]);
  });

  it('--workers 2 gives the same episodes and rows as inline, bit for bit', async () => {
    const inline = await runQualityGroups(GROUPS, createExecutor(executorChoice({}), { backend: 'wasm' }));
    const threads = await runQualityGroups(GROUPS, createExecutor(executorChoice({ workers: 2 }), { backend: 'wasm' }));
    const strip = (rs: typeof inline.results) => rs.map(({ actMs: _, ...r }) => r);
    expect(strip(threads.results)).toEqual(strip(inline.results));
    expect(numbers(threads.rows)).toEqual(numbers(inline.rows));
    expect(inline.results.map((r) => r.steps)).toEqual([12, 12, 10, 10]);
    expect(inline.results.slice(2).every((r) => typeof r.success === 'boolean')).toBe(true);
    // the seeds differ, so the episodes do: a run that dropped the seed would repeat one episode
    expect(inline.results[0]!.return).not.toBe(inline.results[1]!.return);
  }, 180_000);

  it('a failing piece is reported with its id, not dropped', async () => {
    const bad: QualityGroup = { ...GROUPS[0]!, solver: 'no-such-solver', seeds: 1 };
    const err = await runQualityGroups([GROUPS[0]!, bad], createExecutor(executorChoice({ workers: 2 }), { backend: 'wasm', retries: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobsFailedError);
    expect((err as Error).message).toMatch(/1 of 3 quality episode\(s\) failed: Pendulum-v1\/analytic\/no-such-solver\/s0 \(after 1 attempt\(s\)\): .*no-such-solver/);
  }, 180_000);
});
