// What the BullMQ producer (bullmq.ts) and the workers (bullmq-worker.ts) share, with Redis as the only
// shared state. A run (one sweep, one evaluation) has a key `run`; its jobs go on a BullMQ queue (default
// "diffmpc", shared by every run) as BullMQ job `<run>/<spec id>` with data { run, spec, timeoutMs, backend }.
// A result is recorded by one atomic script (RECORD_RESULT): HSETNX into the run's results hash, and only if
// that set the field, an XADD of the id to the run's "done" stream. The first writer wins, so an attempt
// that finishes after its lock expired (the job was already retried elsewhere), or after it timed out, can
// never record a second result; the producer reads the stream to learn of results and the hash to get them.
//   diffmpc:<queue>:<run>:results   hash  spec id → JSON StoredResult
//   diffmpc:<queue>:<run>:done      stream  entries { id }
// ioredis and bullmq load on first use (dynamic import): they cost every command-line start otherwise.
import type { Redis, RedisOptions } from 'ioredis';
import type { JobResult, JobSpec } from './job.ts';

export const DEFAULT_QUEUE = 'diffmpc';

/** How long a run's results stay in Redis after its last write (a later re-run of the run reuses them). */
export const RESULTS_TTL_MS = 7 * 24 * 3600 * 1000;

/** The data of one BullMQ job. */
export interface BullmqJobData {
  run: string;
  spec: JobSpec;
  /** Wall-clock limit of one attempt (the worker fails the attempt; a result arriving later is first-writer-wins). */
  timeoutMs?: number;
  /** The tensor backend the producer ran with (the worker switches to it, so results match). */
  backend?: string;
  ttlMs: number;
}

/** A recorded result: the JobResult plus who wrote it (`host:pid`) and whether it arrived after a timeout. */
export type StoredResult = JobResult & { worker?: string; late?: boolean };

const NAME = /^[\w.-]{1,200}$/;

export function checkQueueName(queue: string, source = 'queue'): string {
  if (!NAME.test(queue)) throw new Error(`${source}: "${queue}" must be 1–200 letters, digits, '.', '_' or '-'`);
  return queue;
}

export function checkRunKey(run: string, source = 'run'): string {
  if (!NAME.test(run)) throw new Error(`${source}: "${run}" must be 1–200 letters, digits, '.', '_' or '-'`);
  return run;
}

export function runKeys(queue: string, run: string): { results: string; done: string } {
  return { results: `diffmpc:${queue}:${run}:results`, done: `diffmpc:${queue}:${run}:done` };
}

/** BullMQ job id of a spec (BullMQ refuses ':' in ids, so the spec id is URI-encoded). */
export const bullJobId = (run: string, specId: string): string => `${run}/${encodeURIComponent(specId)}`;

/** KEYS: results, done; ARGV: id, JSON, ttl ms. Returns 1 when this call recorded the result, 0 when one was already there. */
export const RECORD_RESULT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'id', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/** KEYS: results; ARGV: ids. Deletes the recorded failures among ids (a re-run retries them); returns how many. */
export const CLEAR_FAILURES = `
local n = 0
for i, id in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[1], id)
  if v and cjson.decode(v).ok == false then redis.call('HDEL', KEYS[1], id); n = n + 1 end
end
return n`;

/** Records `r` unless a result of the same id is there already; true when this call recorded it. */
export async function recordResult(redis: Redis, keys: { results: string; done: string }, r: StoredResult, ttlMs: number): Promise<boolean> {
  return (await redis.eval(RECORD_RESULT, 2, keys.results, keys.done, r.id, JSON.stringify(r), String(ttlMs))) === 1;
}

/** A URL ioredis accepts: redis://[user:pass@]host[:port][/db] or rediss://. */
export function checkRedisUrl(url: string, source = '--redis'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${source}: "${url}" is not a URL; give redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`${source}: "${url}" must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379)`);
  return url;
}

/** The URL as it may appear in logs and errors: a password replaced by ***. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A connection for BullMQ and our scripts: commands wait through a reconnect (maxRetriesPerRequest null, as
 * BullMQ requires), reconnects retry every ≤ 1 s; errors go to `onError` (ioredis would print them otherwise).
 */
export async function connectRedis(url: string, onError: (e: Error) => void, extra: RedisOptions = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const r = new Redis(checkRedisUrl(url), { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n) => Math.min(50 * n, 1000), ...extra });
  r.on('error', onError);
  return r;
}

/** Connects and PINGs within `ms`, or throws an error saying how to start Redis. */
export async function pingRedis(redis: Redis, url: string, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    if (redis.status === 'wait') await Promise.race([redis.connect(), timeout]);
    await Promise.race([redis.ping(), timeout]);
  } catch (e) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)} (${(e as Error).message}); start one, e.g. \`redis-server --port ${portOf(url)} --save '' --appendonly yes\` (Debian: apt-get install redis-server), or pass --redis redis://HOST:PORT`);
  } finally {
    clearTimeout(timer);
  }
}

function portOf(url: string): string {
  try {
    return new URL(url).port || '6379';
  } catch {
    return '6379';
  }
}

export function parseStored(json: string, source: string): StoredResult {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`${source}: the recorded result is not JSON`);
  }
  const r = v as StoredResult;
  if (!r || typeof r.id !== 'string' || typeof r.ok !== 'boolean' || typeof r.attempts !== 'number') throw new Error(`${source}: the recorded result is malformed`);
  return r;
}

/** The JobResult fields of a stored result (drops `worker` and `late`). */
export function toJobResult(r: StoredResult): JobResult {
  return r.ok ? { id: r.id, ok: true, result: r.result, attempts: r.attempts, ms: r.ms } : { id: r.id, ok: false, error: r.error, attempts: r.attempts, ms: r.ms };
}
