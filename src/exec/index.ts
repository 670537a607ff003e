// Executors of independent JSON jobs: inline (this process) and threads (a worker-thread pool).
export * from './job.ts';
export * from './executor.ts';
export { runAll, JobsFailedError, type RunAllOptions } from './collect.ts';
export { InlineExecutor } from './inline.ts';
export { ThreadsExecutor, defaultWorkers, type ThreadsOptions } from './threads.ts';
