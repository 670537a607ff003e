// `diffmpc worker` and `sweep --executor bullmq` input errors: a missing or malformed --redis, a bad --queue
// and bullmq-only flags under another executor are usage errors naming the flag and the fix; a Redis that
// does not answer is an error saying how to start one (the worker's behaviour on a real Redis is in
// test/exec/bullmq.test.ts).
import { describe, expect, it } from 'vitest';
import { getCommand, isUsageError, parseCommandArgs } from '../../../scripts/cli.ts';
import '../../../scripts/commands/index.ts';
import { startBullmqWorker } from '../../../src/exec/bullmq-worker.ts';
import { freePort } from '../../helpers/redis.ts';

const run = async (name: string, argv: string[]) => {
  const cmd = getCommand(name)!;
  try {
    await cmd.run(parseCommandArgs(cmd, argv));
    return undefined;
  } catch (e) {
    return e as Error;
  }
};

describe('diffmpc worker', () => {
  it('refuses a missing or malformed --redis and a bad --queue, naming the flag', async () => {
    const saved = process.env.DIFFMPC_REDIS;
    delete process.env.DIFFMPC_REDIS;
    try {
      const none = await run('worker', []);
      expect(isUsageError(none)).toBe(true);
      expect(none!.message).toMatch(/--redis redis:\/\/HOST:PORT \(or set \$DIFFMPC_REDIS\)/);
      const bad = await run('worker', ['--redis', 'localhost:6379']);
      expect(isUsageError(bad)).toBe(true);
      expect(bad!.message).toMatch(/--redis: "localhost:6379" must start with redis:\/\//);
      const q = await run('worker', ['--redis', 'redis://127.0.0.1:6379', '--queue', 'a:b']);
      expect(isUsageError(q)).toBe(true);
      expect(q!.message).toMatch(/--queue: "a:b" must be/);
    } finally {
      if (saved !== undefined) process.env.DIFFMPC_REDIS = saved;
    }
  });

  it('a Redis that does not answer: an error with the command that starts one', async () => {
    const port = await freePort();
    await expect(startBullmqWorker({ redis: `redis://127.0.0.1:${port}`, connectTimeoutMs: 2000, log: () => {} })).rejects.toThrow(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} .*redis-server --port ${port}`));
  });
});

describe('diffmpc sweep --executor bullmq flags', () => {
  it('--redis is required under bullmq (and implies it) and refused under the others', async () => {
    const saved = process.env.DIFFMPC_REDIS;
    delete process.env.DIFFMPC_REDIS;
    try {
      const none = await run('sweep', ['x.json', '--executor', 'bullmq']);
      expect(isUsageError(none)).toBe(true);
      expect(none!.message).toMatch(/--executor bullmq: give the Redis the workers serve: --redis/);
      const other = await run('sweep', ['x.json', '--redis', 'redis://127.0.0.1:6379', '--executor', 'inline']);
      expect(isUsageError(other)).toBe(true);
      expect(other!.message).toMatch(/--redis: applies to --executor bullmq only \(got --executor inline\)/);
      const workers = await run('sweep', ['x.json', '--executor', 'bullmq', '--redis', 'redis://127.0.0.1:6379', '--workers', '2']);
      expect(workers!.message).toMatch(/--workers: applies to --executor threads only .*start that many `diffmpc worker` processes/);
    } finally {
      if (saved !== undefined) process.env.DIFFMPC_REDIS = saved;
    }
  });
});
