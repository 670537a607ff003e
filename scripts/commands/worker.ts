// `diffmpc worker --redis URL [--queue NAME] [--concurrency N] [--import MODULE]...`: serves the jobs of a
// BullMQ queue (src/exec/bullmq-worker.ts) with every runner of this package (the package entry and all
// commands are loaded) and of the --import modules, until stopped. Any number of workers, on any machines,
// may serve one queue; `diffmpc sweep --executor bullmq --redis URL` submits to it.
// Stopping: the first SIGTERM or Ctrl-C stops taking jobs and waits for the running one to finish and be
// recorded, then exits 143 (SIGTERM) or 130 (SIGINT); a second signal exits at once, and the job it leaves
// is retried on another worker once its lock expires (--lock).
import { startBullmqWorker } from '../../src/exec/bullmq-worker.ts';
import { checkQueueName, checkRedisUrl, DEFAULT_QUEUE } from '../../src/exec/bullmq-protocol.ts';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { UsageError, registerCommand } from '../cli.ts';
import { onInterruptPrint, stopSignal } from '../lib/interrupt.ts';
import { flagImports, loadUserModules } from '../lib/user-modules.ts';

/** Exit code after a stop on SIGTERM (128 + 15). */
export const WORKER_TERMINATED_EXIT = 143;

registerCommand({
  name: 'worker',
  summary: 'serve sweep/evaluation jobs from a BullMQ queue in Redis (any number of workers on any machines)',
  maxPositionals: 0,
  flags: [
    { name: 'redis', type: 'string', placeholder: 'URL', description: 'Redis of the queue, e.g. redis://10.0.0.5:6379 (or $DIFFMPC_REDIS)', shownDefault: '$DIFFMPC_REDIS' },
    { name: 'queue', type: 'string', placeholder: 'NAME', default: DEFAULT_QUEUE, description: 'queue to serve (the same --queue as the sweep)' },
    { name: 'concurrency', type: 'int', min: 1, max: 64, default: '1', description: 'jobs at once in this process (tfjs-wasm is single-threaded: start one worker per core instead)' },
    { name: 'lock', type: 'number', min: 0.1, max: 86_400, default: '30', placeholder: 'SECONDS', description: "a job's lock, renewed while this process lives; a killed worker's job is retried elsewhere after it expires (keep it above the longest stretch a job runs without awaiting)" },
    { name: 'stalled-check', type: 'number', min: 0.1, max: 86_400, default: '30', placeholder: 'SECONDS', description: 'interval of the check that returns the jobs of dead workers to the queue' },
    { name: 'max-stalled', type: 'int', min: 1, max: 1000, default: '2', description: 'times a job may be recovered from a dead worker before it is recorded failed' },
    { name: 'import', type: 'strings', placeholder: 'MODULE', description: 'load a JS/TS module that registers job runners, envs, solvers or presets' },
  ],
  helpFooter: () => 'stopping: SIGTERM or Ctrl-C finishes and records the running job, then exits 143 (SIGTERM) or 130 (Ctrl-C); a second signal exits at once (the job is retried elsewhere once its lock expires)',
  async run({ values }) {
    const redis = String(values.redis ?? process.env.DIFFMPC_REDIS ?? '');
    if (!redis) throw new UsageError('diffmpc worker: give the Redis of the queue: --redis redis://HOST:PORT (or set $DIFFMPC_REDIS)');
    try {
      checkRedisUrl(redis);
      checkQueueName(String(values.queue), '--queue');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    await import('../api/index.ts'); // every built-in env, solver and runner, as a user's program sees them
    await import('../api/jobs.ts'); // the runner of every built-in command's pieces (quality, evaluation, energy, l2o, sweep)
    await loadUserModules(flagImports(values.import as string[] | undefined));
    const backend = await initBackend(values.backend as string | undefined);
    console.log(describeBackend(backend));
    const handle = await startBullmqWorker({
      redis,
      queue: String(values.queue),
      concurrency: Number(values.concurrency),
      lockMs: Math.round(Number(values.lock) * 1000),
      stalledMs: Math.round(Number(values['stalled-check']) * 1000),
      maxStalled: Number(values['max-stalled']),
    });
    onInterruptPrint(`worker ${handle.name} stopped after its running job (${handle.recorded()} recorded)`);
    let terminated = false;
    const onTerm = () => {
      if (terminated) {
        console.error(`worker ${handle.name}: second SIGTERM, exiting now (the running job is retried elsewhere after its lock expires)`);
        process.exit(WORKER_TERMINATED_EXIT);
      }
      terminated = true;
      console.error(`worker ${handle.name}: SIGTERM, finishing the running job (send again to exit at once)`);
      void handle.close();
    };
    process.on('SIGTERM', onTerm);
    await new Promise<void>((resolve) => {
      const stop = () => void handle.close().then(resolve, resolve);
      if (stopSignal.aborted) stop();
      stopSignal.addEventListener('abort', stop, { once: true });
      process.on('SIGTERM', stop);
    });
    console.error(`worker ${handle.name}: stopped (${handle.recorded()} result(s) recorded)`);
    return terminated ? WORKER_TERMINATED_EXIT : 0;
  },
});
