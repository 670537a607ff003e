// A BullMQ worker of JSON jobs (the process behind `diffmpc worker`): takes jobs of the queue, runs each with
// the runner registered in this process (`jobRunners`) and records its result with the first-writer-wins
// script of bullmq-protocol.ts, then completes the BullMQ job. A failed attempt is thrown back to BullMQ,
// which retries it while attempts remain; the last failed attempt records the failure first. A worker that
// dies (SIGKILL) stops renewing its lock: after `lockMs` the job is stalled, and the next stalled check
// (every `stalledMs`, by any worker) puts it back in the queue for another worker; up to `maxStalled` times.
// An attempt past its job's `timeoutMs` fails (its signal is aborted); if its runner still returns a result
// later, the result is offered to the same script, so it is recorded only if no other attempt did.
// `close()` stops taking jobs and waits for the running ones to finish and be recorded.
import os from 'node:os';
import type { Job } from 'bullmq';
import { currentBackend, initBackend } from '../tensor/backend.ts';
import { jobRunners, toJobError, type Json } from './job.ts';
import { checkQueueName, connectRedis, redactRedisUrl, DEFAULT_QUEUE, pingRedis, recordResult, RESULTS_TTL_MS, runKeys, type BullmqJobData, type StoredResult } from './bullmq-protocol.ts';

export interface BullmqWorkerOptions {
  redis: string;
  queue?: string;
  /** Jobs run at once in this process (default 1: tfjs-wasm in Node is single-threaded). */
  concurrency?: number;
  /** Lock of a running job, renewed every lockMs / 2 while the process lives (default 30 000). */
  lockMs?: number;
  /** Interval of the stalled-job check (default 30 000). */
  stalledMs?: number;
  /** Times a job may be recovered from a dead worker before it fails (default 2). */
  maxStalled?: number;
  log?: (line: string) => void;
  /** Connect / first PING limit (default 5000 ms). */
  connectTimeoutMs?: number;
}

export interface BullmqWorkerHandle {
  /** `host:pid` */
  readonly name: string;
  /** Jobs whose result this worker recorded. */
  readonly recorded: () => number;
  /** Stops taking jobs; resolves once the running ones finished and were recorded (`force`: at once, leaving them to the stalled check). */
  close(force?: boolean): Promise<void>;
}

const positiveInt = (v: number | undefined, d: number, what: string, max: number): number => {
  const x = v ?? d;
  if (!Number.isInteger(x) || x < 1 || x > max) throw new Error(`bullmq worker: ${what} must be an integer in 1..${max} (got ${String(v)})`);
  return x;
};

export async function startBullmqWorker(opts: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const queue = checkQueueName(opts.queue ?? DEFAULT_QUEUE, 'bullmq worker: queue');
  const concurrency = positiveInt(opts.concurrency, 1, 'concurrency', 1000);
  const lockMs = positiveInt(opts.lockMs, 30_000, 'lockMs', 86_400_000);
  const stalledMs = positiveInt(opts.stalledMs, 30_000, 'stalledMs', 86_400_000);
  const maxStalled = positiveInt(opts.maxStalled, 2, 'maxStalled', 1000);
  const log = opts.log ?? ((s: string) => console.log(s));
  const name = `${os.hostname()}:${process.pid}`;
  let lastError = '';
  const onError = (e: Error) => {
    if (e.message !== lastError) log(`worker ${name}: redis: ${e.message}`);
    lastError = e.message;
  };
  const connection = await connectRedis(opts.redis, onError);
  await pingRedis(connection, opts.redis, opts.connectTimeoutMs ?? 5000);
  let recorded = 0;

  const processor = async (job: Job<BullmqJobData>): Promise<{ recorded: boolean }> => {
    const d = job.data as Partial<BullmqJobData> | undefined;
    if (!d || typeof d.run !== 'string' || !d.spec || typeof d.spec.id !== 'string' || typeof d.spec.command !== 'string') {
      throw new Error(`job ${job.id} on queue "${queue}" is not a diffmpc job (no { run, spec } data); was it added by another program?`);
    }
    const { run, spec, timeoutMs, backend } = d as BullmqJobData;
    const ttlMs = d.ttlMs ?? RESULTS_TTL_MS;
    const keys = runKeys(queue, run);
    const attempts = Math.max(job.attemptsStarted, job.attemptsMade + 1);
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const t0 = performance.now();
    const write = async (r: StoredResult) => {
      const mine = await recordResult(connection, keys, r, ttlMs);
      if (mine) recorded++;
      return mine;
    };
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    try {
      if (backend && currentBackend()?.name !== backend) await initBackend(backend, { quiet: true });
      const work = jobRunners.get(spec.command, `job "${spec.id}"`)(spec.config, spec.seed, { signal: abort.signal });
      const result = await (timeoutMs === undefined
        ? work
        : Promise.race([
            work,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                timedOut = true;
                abort.abort(new Error('timed out'));
                reject(new Error(`timed out after ${timeoutMs} ms`));
                // a runner that ignores its signal may still return: first writer wins
                work.then(
                  (late: Json) => write({ id: spec.id, ok: true, result: late, attempts, ms: performance.now() - t0, worker: name, late: true }).then((mine) => log(`worker ${name}: ${spec.id}: result after its timeout ${mine ? 'recorded (no other attempt had one)' : 'dropped (already recorded)'}`)),
                  () => {},
                ).catch(onError);
              }, timeoutMs);
            }),
          ]));
      clearTimeout(timer);
      const mine = await write({ id: spec.id, ok: true, result, attempts, ms: performance.now() - t0, worker: name });
      log(`worker ${name}: ${spec.id} (${run}) ${mine ? 'done' : 'done, already recorded by another attempt'} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return { recorded: mine };
    } catch (e) {
      clearTimeout(timer);
      if (!timedOut) abort.abort(e);
      const error = toJobError(e);
      log(`worker ${name}: ${spec.id} (${run}) attempt ${attempts} failed: ${error.message}${last ? '' : ' (will be retried)'}`);
      if (last) await write({ id: spec.id, ok: false, error, attempts, ms: performance.now() - t0, worker: name });
      throw e;
    }
  };

  const { Worker } = await import('bullmq');
  const worker = new Worker<BullmqJobData>(queue, processor, {
    connection,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: stalledMs,
    maxStalledCount: maxStalled,
    autorun: false,
  });
  worker.on('error', onError);
  void worker.run().catch(onError);
  await worker.waitUntilReady();
  log(`worker ${name}: ready on queue "${queue}" at ${redactRedisUrl(opts.redis)} (concurrency ${concurrency}, lock ${lockMs} ms, stalled check every ${stalledMs} ms)`);
  let closing: Promise<void> | undefined;
  return {
    name,
    recorded: () => recorded,
    close(force = false) {
      if (force) return worker.close(true).finally(() => connection.disconnect());
      closing ??= worker.close().finally(() => connection.disconnect());
      return closing;
    },
  };
}
