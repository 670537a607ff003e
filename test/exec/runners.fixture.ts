// Job runners for the executor tests (imported by the test process and by every pool thread).
//   echo:   { x } → { x, seed, square: x² } after `delayMs` (varied delays scramble completion order)
//   throw:  always fails with "boom <seed>"
//   flaky:  fails until the file config.counter has seen `failures` attempts (counted across threads)
//   hang:   never settles (a job that would hang its thread)
//   exit:   ends its thread with process.exit (a thread dying mid-job) until config.counter saw `failures` attempts
import fs from 'node:fs';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';

const cfg = (c: Json) => c as Record<string, Json>;
const bump = (file: string): number => {
  const n = (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0) + 1;
  fs.writeFileSync(file, String(n));
  return n;
};

registerJobRunner(
  'echo',
  async (c, seed) => {
    await new Promise((r) => setTimeout(r, Number(cfg(c).delayMs ?? 0)));
    const x = Number(cfg(c).x);
    return { x, seed, square: x * x };
  },
  { replace: true },
);
registerJobRunner('throw', async (_c, seed) => {
  throw new Error(`boom ${seed}`);
}, { replace: true });
registerJobRunner('flaky', async (c) => {
  const n = bump(String(cfg(c).counter));
  if (n <= Number(cfg(c).failures)) throw new Error(`flaky attempt ${n}`);
  return { attempt: n };
}, { replace: true });
registerJobRunner('exit', async (c) => {
  const n = bump(String(cfg(c).counter));
  if (n <= Number(cfg(c).failures)) process.exit(3);
  return { attempt: n };
}, { replace: true });
registerJobRunner('hang', () => new Promise<Json>(() => {}), { replace: true });
