// The executor of a command's independent pieces, chosen by common flags: `--executor NAME` picks an entry of
// `executorKinds` (inline: this process; threads: a worker-thread pool), `--workers N` sizes the pool and, without
// --executor, implies threads; no flag means inline. Each kind declares the flags it reads, so a flag given
// with a kind that ignores it is a usage error naming both. A new executor (e.g. bullmq with --redis) is one
// `registerExecutorKind` entry plus its flags in EXECUTOR_FLAGS. Pool threads (and any other worker) import
// the job-runner entry (scripts/api/jobs.ts), which registers the runner of every built-in piece.
import { InlineExecutor } from '../../src/exec/inline.ts';
import type { Executor } from '../../src/exec/executor.ts';
import { ThreadsExecutor, defaultWorkers } from '../../src/exec/threads.ts';
import { Registry } from '../../src/tensor/registry.ts';
import { JOB_RUNNERS_ENTRY } from '../api/jobs.ts';
import { didYouMean } from './closest.ts';
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
  create: (c, ctx) => new ThreadsExecutor({ ...retriesOf(ctx), modules: workerModules(ctx), backend: ctx.backend, ...(c.values.workers !== undefined ? { workers: Number(c.values.workers) } : {}) }),
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
      throw new UsageError(`--${f}: applies to --executor ${owners.join(' or ')} only (got --executor ${name})`);
    }
  }
  return { name, values: Object.fromEntries(given.map((f) => [f, values[f]])) };
}

/** The executor of a choice. */
export function createExecutor(choice: ExecutorChoice, ctx: ExecutorContext): Executor {
  return executorKinds.get(choice.name, '--executor').create(choice, ctx);
}

/** One line for logs: "inline" or "threads (2 workers)". */
export function describeChoice(choice: ExecutorChoice): string {
  const v = Object.entries(choice.values);
  return v.length ? `${choice.name} (${v.map(([k, x]) => `${k} ${String(x)}`).join(', ')})` : choice.name;
}

export const INLINE: ExecutorChoice = { name: 'inline', values: {} };
