// `diffmpc worker` processes started by this process (benchmarks): each serves `queue` at `redis`; `ready`
// resolves once every one logged "ready" (its modules and backend are loaded), `stop` ends them with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../diffmpc.ts' : '../diffmpc.js', import.meta.url));
const ROOT = path.resolve(path.dirname(ENTRY), ENTRY.endsWith('.ts') ? '..' : '../..');

export interface WorkerProcs {
  procs: ChildProcess[];
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function spawnWorkers(n: number, o: { redis: string; queue: string; backend: string; extra?: string[]; readyTimeoutMs?: number }): WorkerProcs {
  const node = ENTRY.endsWith('.ts') ? ['--import', 'tsx', ENTRY] : [ENTRY];
  const procs = Array.from({ length: n }, () => spawn(process.execPath, [...node, 'worker', '--redis', o.redis, '--queue', o.queue, '--backend', o.backend, ...(o.extra ?? [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  const ready = Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`diffmpc worker (pid ${p.pid}) not ready within ${o.readyTimeoutMs ?? 120_000} ms:\n${out}`)), o.readyTimeoutMs ?? 120_000);
          const on = (d: Buffer) => {
            out = (out + d).slice(-4000);
            if (/ready on queue/.test(out)) {
              clearTimeout(timer);
              resolve();
            }
          };
          p.stdout!.on('data', on);
          p.stderr!.on('data', on);
          p.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`diffmpc worker exited with code ${code} before it was ready:\n${out}`));
          });
        }),
    ),
  ).then(() => {});
  ready.catch(() => {});
  return {
    procs,
    ready,
    stop: async () => {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
              p.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              p.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
