// The entry of one pool thread (see threads.ts): imports the modules that register the job runners,
// initializes its own tensor backend once (tfjs-wasm in Node is single-threaded, so one backend per
// thread), then runs one job per message, one attempt each (the pool counts attempts and retries).
//   in:  { type: 'job', job: JobSpec }
//   out: { type: 'ready' } | { type: 'init-error', error } | { type: 'result', result: JobResult }
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../tensor/backend.ts';
import { runJobHere, toJobError, type JobSpec } from './job.ts';

export interface ThreadWorkerData {
  /** Module URLs imported before the first job (they register the runners). */
  modules: string[];
  backend: string;
}

const port = parentPort;
if (!port) throw new Error('src/exec/thread-worker.ts runs only as a worker thread of ThreadsExecutor');
const data = workerData as ThreadWorkerData;
try {
  for (const m of data.modules) await import(m);
  await initBackend(data.backend, { quiet: true });
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'init-error', error: toJobError(e) });
}
port.on('message', (msg: { type: 'job'; job: JobSpec }) => {
  if (msg.type !== 'job') return;
  runJobHere(msg.job, 0).then(
    (result) => port.postMessage({ type: 'result', result }),
    (e) => port.postMessage({ type: 'result', result: { id: msg.job.id, ok: false, error: toJobError(e), attempts: 1, ms: 0 } }),
  );
});
