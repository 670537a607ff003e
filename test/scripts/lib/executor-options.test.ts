// The common executor flags: no flag → inline, --workers implies threads, --executor picks a registered kind
// (a typo gets the closest name), a flag the chosen kind does not read is a usage error naming both, --redis
// implies bullmq (checked, and its password never logged), and a new kind is one registry entry.
import { describe, expect, it } from 'vitest';
import { EXECUTOR_FLAGS, createExecutor, describeChoice, executorChoice, executorKinds, registerExecutorKind, workerModules } from '../../../scripts/lib/executor-options.ts';
import { BullmqExecutor } from '../../../src/exec/bullmq.ts';
import { InlineExecutor } from '../../../src/exec/inline.ts';
import { ThreadsExecutor } from '../../../src/exec/threads.ts';
import { jobRunners } from '../../../src/exec/job.ts';
import { JOB_RUNNERS_ENTRY } from '../../../scripts/api/jobs.ts';
import { UsageError } from '../../../scripts/lib/flags.ts';

describe('executor flags', () => {
  it('inline by default, threads with --workers, the named kind with --executor', () => {
    expect(executorChoice({})).toEqual({ name: 'inline', values: {} });
    expect(executorChoice({ workers: 2 })).toEqual({ name: 'threads', values: { workers: 2 } });
    expect(executorChoice({ executor: 'threads' })).toEqual({ name: 'threads', values: {} });
    expect(describeChoice(executorChoice({ workers: 2 }))).toBe('threads (workers 2)');
    expect(createExecutor(executorChoice({}), { backend: 'cpu' })).toBeInstanceOf(InlineExecutor);
    const t = createExecutor(executorChoice({ workers: 3 }), { backend: 'cpu' });
    expect(t).toBeInstanceOf(ThreadsExecutor);
    expect((t as ThreadsExecutor).workers).toBe(3);
  });

  it('names the flag and the fix for bad combinations', () => {
    expect(() => executorChoice({ executor: 'inline', workers: 2 })).toThrow(new UsageError('--workers: applies to --executor threads only (got --executor inline)'));
    expect(() => executorChoice({ executor: 'thread' })).toThrow(/--executor: unknown executor "thread"; registered: bullmq, inline, threads\. Did you mean threads\?/);
  });

  it('--redis implies bullmq; its URL is checked, needed, and redacted in logs', () => {
    const c = executorChoice({ redis: 'redis://:secret@127.0.0.1:6390', queue: 'q1' });
    expect(c).toEqual({ name: 'bullmq', values: { redis: 'redis://:secret@127.0.0.1:6390', queue: 'q1' } });
    expect(describeChoice(c)).not.toMatch(/secret/);
    expect(createExecutor(c, { backend: 'cpu' })).toBeInstanceOf(BullmqExecutor);
    const saved = process.env.DIFFMPC_REDIS;
    delete process.env.DIFFMPC_REDIS;
    try {
      expect(() => executorChoice({ executor: 'bullmq' })).toThrow(/--executor bullmq: give the Redis the workers serve: --redis/);
    } finally {
      if (saved !== undefined) process.env.DIFFMPC_REDIS = saved;
    }
    expect(() => executorChoice({ redis: 'http://x' })).toThrow(UsageError);
    expect(() => executorChoice({ executor: 'bullmq', redis: 'redis://127.0.0.1:6390', workers: 2 })).toThrow(/--workers: applies to --executor threads only \(got --executor bullmq; under bullmq start that many `diffmpc worker` processes\)/);
    expect(() => executorChoice({ executor: 'threads', queue: 'q' })).toThrow('--queue: applies to --executor bullmq only (got --executor threads)');
  });

  it('a new executor kind is one registry entry, with its own flags', () => {
    // (registries are per test file: this entry is gone for the other files)
    registerExecutorKind('test-remote', { summary: 'a test kind', flags: ['workers'], create: () => new InlineExecutor() }, { replace: true });
    expect(executorKinds.has('test-remote')).toBe(true);
    expect(executorChoice({ executor: 'test-remote', workers: 4 })).toEqual({ name: 'test-remote', values: { workers: 4 } });
    expect(EXECUTOR_FLAGS[0]!.description).toMatch(/test-remote \(a test kind\)/);
    expect(() => executorChoice({ executor: 'inline', workers: 1 })).toThrow('--workers: applies to --executor test-remote or threads only (got --executor inline)');
  });

  it('workers import the job-runner entry, which registers every built-in piece', () => {
    expect(workerModules({ backend: 'cpu', modules: ['file:///x.mjs'] })).toEqual([JOB_RUNNERS_ENTRY, 'file:///x.mjs']);
    for (const c of ['control-episodes', 'quality-episode', 'eval-episode', 'energy-seed', 'l2o-train', 'l2o-test']) expect(jobRunners.has(c), c).toBe(true);
  });
});
