// The BullMQ executor: enqueues each JobSpec on a BullMQ queue in Redis, where any number of `diffmpc worker`
// processes (bullmq-worker.ts, on any machine) take them, and streams back the results they record
// (bullmq-protocol.ts: first writer wins, keyed by the run key and the job id, so each is recorded once).
//   producer ── addBulk ──▶ queue (BullMQ) ──▶ workers ── HSETNX result + XADD id ──▶ results hash, done stream
//   producer ◀── XREAD done stream, HMGET results ──┘
// BullMQ retries a failed attempt up to `retries` times; the last attempt's error is recorded as the
// failed result. Every `reconcileMs` the producer also reads the results of the jobs it still waits for
// and their BullMQ state: a job BullMQ failed on its own (stalled too often) gets its failure recorded, and
// a job Redis lost (a restart without persistence) is enqueued again. Results already recorded under the
// same run key (a re-run of the same sweep) are returned without running, recorded failures are retried.
// Aborting removes this run's jobs still waiting (running ones finish and are recorded for a re-run),
// closes the connections, then errors the stream with the signal's reason.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { checkRetries, type Executor, type ExecutorOptions } from './executor.ts';
import { checkJobs, type JobResult, type JobSpec } from './job.ts';
import {
  bullJobId,
  checkQueueName,
  checkRedisUrl,
  checkRunKey,
  CLEAR_FAILURES,
  connectRedis,
  DEFAULT_QUEUE,
  parseStored,
  pingRedis,
  redactRedisUrl,
  recordResult,
  RESULTS_TTL_MS,
  runKeys,
  toJobResult,
  type BullmqJobData,
  type StoredResult,
} from './bullmq-protocol.ts';

export interface BullmqOptions extends ExecutorOptions {
  /** redis://HOST:PORT */
  redis: string;
  /** BullMQ queue the workers listen on (default "diffmpc"). */
  queue?: string;
  /** Key of this run's results; the same key on a re-run returns the results recorded before (default: a fresh UUID). */
  run?: string;
  /** Wall-clock limit of one attempt, enforced by the worker. */
  timeoutMs?: number;
  /** Backend the workers switch to for these jobs (so results match this process's). */
  backend?: string;
  /** Interval of the state check of outstanding jobs (default 2000 ms; at least 0.5 ms per outstanding job). */
  reconcileMs?: number;
  /** The run fails after Redis has been unreachable this long (default 60 000 ms). */
  unreachableMs?: number;
  /** First connection limit (default 5000 ms). */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

const CHUNK = 500;
const chunks = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

const positive = (v: number | undefined, d: number, what: string): number => {
  const x = v ?? d;
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`bullmq executor: ${what} must be a positive number of milliseconds (got ${String(v)})`);
  return x;
};

export class BullmqExecutor implements Executor {
  readonly name = 'bullmq';
  readonly queue: string;
  readonly runKey: string;
  private readonly retries: number;
  private readonly o: BullmqOptions;
  private readonly reconcileMs: number;
  private readonly unreachableMs: number;

  constructor(opts: BullmqOptions) {
    checkRedisUrl(opts.redis, 'bullmq executor: redis');
    this.queue = checkQueueName(opts.queue ?? DEFAULT_QUEUE, 'bullmq executor: queue');
    this.runKey = checkRunKey(opts.run ?? randomUUID(), 'bullmq executor: run');
    this.retries = checkRetries(opts.retries);
    if (opts.timeoutMs !== undefined) positive(opts.timeoutMs, 1, 'timeoutMs');
    this.reconcileMs = positive(opts.reconcileMs, 2000, 'reconcileMs');
    this.unreachableMs = positive(opts.unreachableMs, 60_000, 'unreachableMs');
    this.o = opts;
  }

  run(jobs: readonly JobSpec[]): Observable<JobResult> {
    checkJobs(jobs);
    return new Observable<JobResult>((sub) => {
      const { redis: url, signal } = this.o;
      const log = this.o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
      const keys = runKeys(this.queue, this.runKey);
      const outstanding = new Map<string, JobSpec>(jobs.map((j) => [j.id, j]));
      let closed = false;
      let lastError = '';
      const onError = (e: Error) => {
        if (!closed && e.message !== lastError) log(`bullmq executor: redis: ${e.message}`);
        lastError = e.message;
      };
      let client: Redis | undefined;
      let reader: Redis | undefined; // XREAD BLOCK holds its connection
      let queue: Queue | undefined;
      let Job: typeof import('bullmq').Job | undefined;
      let watchdog: ReturnType<typeof setInterval> | undefined;

      /** Closes everything; with `removeWaiting`, first removes this run's jobs no worker has taken (bounded). */
      const shutdown = async (removeWaiting: boolean) => {
        closed = true;
        clearInterval(watchdog);
        signal?.removeEventListener('abort', onAbort);
        const q = queue;
        const bounded = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);
        if (removeWaiting && q && client?.status === 'ready') {
          await bounded(Promise.all([...outstanding.keys()].map((id) => q.remove(bullJobId(this.runKey, id)))), 3000);
        }
        if (q) await bounded(q.close(), 2000);
        reader?.disconnect();
        if (client) await bounded(client.quit(), 1000);
        client?.disconnect();
      };
      const fail = (e: unknown) => {
        if (closed) return;
        void shutdown(false).then(() => sub.error(e));
      };
      const onAbort = () => {
        if (closed) return;
        void shutdown(true).then(() => sub.error(signal!.reason ?? new Error('aborted')));
      };

      const emit = (r: StoredResult) => {
        if (closed || !outstanding.has(r.id)) return;
        outstanding.delete(r.id);
        sub.next(toJobResult(r));
        if (outstanding.size === 0) void shutdown(false).then(() => sub.complete());
      };
      const emitRecorded = async (ids: readonly string[]) => {
        for (const part of chunks(ids)) {
          const vals = await client!.hmget(keys.results, ...part);
          vals.forEach((v, i) => v !== null && emit(parseStored(v, `${keys.results} ${part[i]}`)));
        }
      };
      const dataOf = (spec: JobSpec): BullmqJobData => ({
        run: this.runKey,
        spec,
        ttlMs: RESULTS_TTL_MS,
        ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
        ...(this.o.backend ? { backend: this.o.backend } : {}),
      });
      const enqueue = async (specs: readonly JobSpec[]) => {
        for (const part of chunks(specs)) {
          await queue!.addBulk(part.map((spec) => ({ name: spec.command, data: dataOf(spec), opts: { jobId: bullJobId(this.runKey, spec.id), attempts: 1 + this.retries, removeOnComplete: true, removeOnFail: { age: RESULTS_TTL_MS / 1000 } } })));
        }
      };

      /** Outstanding jobs: recorded results, failures BullMQ decided on its own, jobs Redis lost. */
      const reconcile = async () => {
        await emitRecorded([...outstanding.keys()]);
        const lost: JobSpec[] = [];
        await Promise.all(
          [...outstanding.values()].map(async (spec) => {
            const jid = bullJobId(this.runKey, spec.id);
            const state = await queue!.getJobState(jid);
            if (state === 'failed') {
              const job = await Job!.fromId(queue!, jid);
              const r: StoredResult = { id: spec.id, ok: false, error: { message: job?.failedReason || 'failed (no reason recorded)' }, attempts: Math.max(job?.attemptsStarted ?? 0, job?.attemptsMade ?? 1, 1), ms: job?.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : 0 };
              await recordResult(client!, keys, r, RESULTS_TTL_MS);
            } else if (state === 'unknown' || state === 'completed') {
              if ((await client!.hexists(keys.results, spec.id)) === 0) {
                if (state === 'completed') await queue!.remove(jid);
                lost.push(spec);
              }
            }
          }),
        );
        if (lost.length) {
          log(`bullmq executor: ${lost.length} job(s) of run ${this.runKey} are gone from Redis without a result (a restart without persistence?); enqueued again`);
          await enqueue(lost);
        }
        await emitRecorded([...outstanding.keys()]);
      };

      const main = async () => {
        const connectMs = this.o.connectTimeoutMs ?? 5000;
        const bull = await import('bullmq');
        Job = bull.Job;
        client = await connectRedis(url, onError);
        reader = await connectRedis(url, onError);
        if (closed) return shutdown(false);
        await pingRedis(client, url, connectMs);
        await pingRedis(reader, url, connectMs);
        if (closed) return;
        const c = client;
        const rd = reader;
        let downSince: number | undefined;
        watchdog = setInterval(() => {
          if (c.status === 'ready') downSince = undefined;
          else if ((downSince ??= Date.now()) < Date.now() - this.unreachableMs) {
            fail(new Error(`bullmq executor: Redis at ${redactRedisUrl(url)} unreachable for ${Math.round(this.unreachableMs / 1000)} s; results recorded so far are kept, re-run to continue once it is back`));
          }
        }, 250);
        queue = new bull.Queue(this.queue, { connection: c });
        queue.on('error', onError);
        await queue.waitUntilReady();
        const ids = [...outstanding.keys()];
        for (const part of chunks(ids)) await c.eval(CLEAR_FAILURES, 1, keys.results, ...part);
        await emitRecorded(ids);
        // what to enqueue: jobs without a BullMQ job still waiting or running (finished ones are replaced)
        const add: JobSpec[] = [];
        await Promise.all(
          [...outstanding.values()].map(async (spec) => {
            const jid = bullJobId(this.runKey, spec.id);
            const state = await queue!.getJobState(jid);
            if (state === 'failed' || state === 'completed') await queue!.remove(jid);
            if (state === 'failed' || state === 'completed' || state === 'unknown') add.push(spec);
          }),
        );
        if (closed) return;
        await enqueue(add);
        let last = '0';
        let reconciled = Date.now();
        while (!closed) {
          const res = (await rd.xread('COUNT', 1000, 'BLOCK', this.reconcileMs, 'STREAMS', keys.done, last)) as [string, [string, string[]][]][] | null;
          if (closed) return;
          const ids: string[] = [];
          for (const [, entries] of res ?? []) {
            for (const [eid, fields] of entries) {
              last = eid;
              const id = fields[fields.indexOf('id') + 1];
              if (id !== undefined && outstanding.has(id)) ids.push(id);
            }
          }
          if (ids.length) await emitRecorded(ids);
          // the state check costs Redis one script call per outstanding job: at most ~2000 calls a second
          if (!closed && Date.now() - reconciled >= Math.max(this.reconcileMs, outstanding.size / 2)) {
            await reconcile();
            reconciled = Date.now();
          }
        }
      };

      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) {
        onAbort();
      } else if (outstanding.size === 0) {
        void shutdown(false).then(() => sub.complete());
      } else {
        main().catch((e) => fail(e));
      }
      return () => {
        if (!closed) void shutdown(true);
      };
    });
  }
}
