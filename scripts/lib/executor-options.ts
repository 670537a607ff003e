// The executor of a command's independent pieces, chosen by common flags: `--executor NAME` picks an entry of
// `executorKinds` (inline: this process; threads: a worker-thread pool; bullmq: a BullMQ queue in Redis served
// by `diffmpc worker` processes), `--workers N` sizes the pool and, without --executor, implies threads;
// `--redis URL` implies bullmq; no flag means inline. Each kind declares the flags it reads, so a flag given
// with a kind that ignores it is a usage error naming both. A new executor is one `registerExecutorKind` entry
// plus its flags in EXECUTOR_FLAGS. Pool threads (and `diffmpc worker`) import the job-runner entry
// (scripts/api/jobs.ts), which registers the runner of every built-in piece, or the prebuilt bundle of it
// (scripts/lib/compiled-worker.ts).
import { BullmqExecutor } from '../../src/exec/bullmq.ts';
import { DEFAULT_QUEUE, checkQueueName, checkRedisUrl, redactRedisUrl } from '../../src/exec/bullmq-protocol.ts';
import { InlineExecutor } from '../../src/exec/inline.ts';
import type { Executor } from '../../src/exec/executor.ts';
import { ThreadsExecutor, defaultWorkers } from '../../src/exec/threads.ts';
import { Registry } from '../../src/tensor/registry.ts';
import { JOB_RUNNERS_ENTRY } from '../api/jobs.ts';
import { didYouMean } from './closest.ts';
import { threadCode } from './compiled-worker.ts';
import { UsageError, type FlagSpec } from './flags.ts';
import { loadedUserModules } from './user-modules.ts';

/** What a command passes besides the flags: the backend each worker loads (the one this process uses, so results match), user modules, a stop signal. */
export interface ExecutorContext {
  backend: string;
  /** Modules (file URLs or specifiers) a worker imports besides the job-runner entry (default: the user modules loaded with --import or a config's "import"). */
  modules?: readonly string[];
  signal?: AbortSignal;
  /** Extra attempts of a failed piece (default: the executor's). */
  retries?: number;
  /** Wall-clock limit of one attempt (threads and bullmq). */
  timeoutMs?: number;
  /** Key of the run's results in Redis (bullmq; the same key on a re-run finds them; default a fresh one). */
  run?: string;
  log?: (line: string) => void;
  /** Called when a pool thread is ready (threads). */
  onThreadReady?: () => void;
  /** false: pool threads load the modules as given, never the worker bundle (threads; default true). */
  workerBundle?: boolean;
}

/** The validated flag values of one choice: the kind's name and the values of the executor flags given. */
export interface ExecutorChoice {
  name: string;
  values: Readonly<Record<string, unknown>>;
}

export interface ExecutorKind {
  summary: string;
  /** Executor flags (names without dashes, besides --executor) this kind reads; any other given with it is refused. */
  flags: readonly string[];
  /** Flags that select this kind when --executor is absent (e.g. --workers → threads). */
  impliedBy?: readonly string[];
  /** Checks the kind's flag values (a usage error naming the flag). */
  check?(values: Readonly<Record<string, unknown>>): void;
  create(choice: ExecutorChoice, ctx: ExecutorContext): Executor;
}

/** Executor kinds by name. */
export const executorKinds = new Registry<ExecutorKind>({ kind: 'executor' });

export function registerExecutorKind(name: string, kind: ExecutorKind, opts: { replace?: boolean } = {}): void {
  executorKinds.register(name, kind, opts);
}

/** Modules every worker imports: the job-runner entry, then the command's own. */
export function workerModules(ctx: ExecutorContext): string[] {
  return [JOB_RUNNERS_ENTRY, ...(ctx.modules ?? loadedUserModules())];
}

const retriesOf = (ctx: ExecutorContext) => ({ ...(ctx.retries !== undefined ? { retries: ctx.retries } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) });

registerExecutorKind('inline', { summary: 'this process, one piece after another', flags: [], create: (_c, ctx) => new InlineExecutor(retriesOf(ctx)) });
registerExecutorKind('threads', {
  summary: 'a worker-thread pool, one tensor backend per thread',
  flags: ['workers'],
  impliedBy: ['workers'],
  create: (c, ctx) =>
    new ThreadsExecutor({
      ...retriesOf(ctx),
      ...(ctx.workerBundle === false ? { modules: workerModules(ctx) } : threadCode(workerModules(ctx), ctx.backend)),
      backend: ctx.backend,
      ...(c.values.workers !== undefined ? { workers: Number(c.values.workers) } : {}),
      ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
      ...(ctx.onThreadReady ? { onThreadReady: ctx.onThreadReady } : {}),
    }),
});

/** The Redis of a bullmq choice: --redis, else $DIFFMPC_REDIS. */
const redisOf = (values: Readonly<Record<string, unknown>>): string | undefined => (values.redis !== undefined ? String(values.redis) : process.env.DIFFMPC_REDIS || undefined);

registerExecutorKind('bullmq', {
  summary: 'a BullMQ queue in Redis, served by `diffmpc worker` processes on any machines',
  flags: ['redis', 'queue'],
  impliedBy: ['redis'],
  check(values) {
    const redis = redisOf(values);
    if (!redis) throw new UsageError('--executor bullmq: give the Redis the workers serve: --redis redis://HOST:PORT (or set $DIFFMPC_REDIS)');
    try {
      checkRedisUrl(redis);
      if (values.queue !== undefined) checkQueueName(String(values.queue), '--queue');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  },
  create: (c, ctx) => {
    const redis = redisOf(c.values);
    if (!redis) throw new Error('--executor bullmq needs --redis redis://HOST:PORT (the Redis the workers serve) or $DIFFMPC_REDIS');
    return new BullmqExecutor({
      ...retriesOf(ctx),
      redis,
      backend: ctx.backend,
      ...(c.values.queue !== undefined ? { queue: String(c.values.queue) } : {}),
      ...(ctx.run ? { run: ctx.run } : {}),
      ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
      ...(ctx.log ? { log: ctx.log } : {}),
    });
  },
});

/** The common executor flags of commands with independent pieces. */
export const EXECUTOR_FLAGS: readonly FlagSpec[] = [
  {
    name: 'executor',
    type: 'string',
    placeholder: 'NAME',
    get description() {
      return `where the independent pieces run: ${executorKinds.list().map((n) => `${n} (${executorKinds.get(n).summary})`).join('; ')}`;
    },
    shownDefault: 'threads with --workers, else inline',
  },
  { name: 'workers', type: 'int', min: 1, max: 256, description: 'threads of the pool (implies --executor threads); results are identical to inline', shownDefault: `the cores (${defaultWorkers()}) under --executor threads` },
  { name: 'redis', type: 'string', placeholder: 'URL', description: 'Redis of --executor bullmq (implies it), e.g. redis://127.0.0.1:6379; start `diffmpc worker --redis URL` processes to serve it', shownDefault: '$DIFFMPC_REDIS' },
  { name: 'queue', type: 'string', placeholder: 'NAME', description: "queue of --executor bullmq (the workers' --queue)", shownDefault: DEFAULT_QUEUE },
];

const EXECUTOR_FLAG_NAMES = EXECUTOR_FLAGS.map((f) => f.name).filter((n) => n !== 'executor');

/** Validates the executor flags of parsed `values` (typed by scripts/lib/flags.ts) into a choice. */
export function executorChoice(values: Record<string, unknown>): ExecutorChoice {
  const given = EXECUTOR_FLAG_NAMES.filter((n) => values[n] !== undefined);
  let name: string;
  if (values.executor !== undefined) {
    name = String(values.executor);
    if (!executorKinds.has(name)) throw new UsageError(`--executor: unknown executor "${name}"; registered: ${executorKinds.list().join(', ')}.${didYouMean(name, executorKinds.list())}`);
  } else {
    const implied = executorKinds.list().filter((n) => given.some((f) => executorKinds.get(n).impliedBy?.includes(f)));
    if (implied.length > 1) throw new UsageError(`${given.map((f) => `--${f}`).join(', ')}: these flags belong to different executors (${implied.join(', ')}); pick one with --executor`);
    name = implied[0] ?? 'inline';
  }
  const kind = executorKinds.get(name);
  for (const f of given) {
    if (!kind.flags.includes(f)) {
      const owners = executorKinds.list().filter((n) => executorKinds.get(n).flags.includes(f));
      const hint = f === 'workers' && name === 'bullmq' ? '; under bullmq start that many `diffmpc worker` processes' : '';
      throw new UsageError(`--${f}: applies to --executor ${owners.join(' or ')} only (got --executor ${name}${hint})`);
    }
  }
  kind.check?.(values);
  return { name, values: Object.fromEntries(given.map((f) => [f, values[f]])) };
}

/** The executor of a choice. */
export function createExecutor(choice: ExecutorChoice, ctx: ExecutorContext): Executor {
  return executorKinds.get(choice.name, '--executor').create(choice, ctx);
}

/** One line for logs: "inline" or "threads (2 workers)". */
export function describeChoice(choice: ExecutorChoice): string {
  const v = Object.entries(choice.values);
  return v.length ? `${choice.name} (${v.map(([k, x]) => `${k} ${k === 'redis' ? redactRedisUrl(String(x)) : String(x)}`).join(', ')})` : choice.name;
}

export const INLINE: ExecutorChoice = { name: 'inline', values: {} };
