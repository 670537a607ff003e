// Executors of independent JSON jobs: inline (this process), threads (a worker-thread pool) and bullmq
// (a BullMQ queue in Redis, served by `diffmpc worker` processes on any machines).
export * from './job.ts';
export * from './executor.ts';
export { runAll, JobsFailedError, type RunAllOptions } from './collect.ts';
export { PING_COMMAND } from './ping.ts';
export { InlineExecutor } from './inline.ts';
export { ThreadsExecutor, defaultWorkers, type ThreadsOptions } from './threads.ts';
export { BullmqExecutor, type BullmqOptions } from './bullmq.ts';
export { startBullmqWorker, type BullmqWorkerHandle, type BullmqWorkerOptions } from './bullmq-worker.ts';
export { DEFAULT_QUEUE, type StoredResult } from './bullmq-protocol.ts';
