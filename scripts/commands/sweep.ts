// `diffmpc sweep CONFIG [--executor inline|threads|bullmq] [--workers N] [--redis URL] [--retries N] [--out DIR] [--name NAME]`:
// runs every (cell, seed) job of a sweep config (scripts/lib/sweep-config.ts) through an executor and writes
// <out>/<name>/ (scripts/lib/sweep-run.ts). Re-running the same command runs only the jobs not yet finished.
// Ctrl-C or SIGTERM stops the executor (pool threads are terminated; under bullmq the waiting jobs are
// removed from the queue, running ones finish on their workers and a re-run picks their results up from
// Redis); finished jobs are kept. Exit codes: 0 all finished, 1 some job failed, 130 Ctrl-C, 143 SIGTERM.
import path from 'node:path';
import { describeBackend, initBackend } from '../../src/tensor/backend.ts';
import { UsageError, registerCommand } from '../cli.ts';
import { onInterruptPrint, stopSignal } from '../lib/interrupt.ts';
import { loadSweepConfig, sweepNameOf } from '../lib/sweep-config.ts';
import '../lib/sweep-jobs.ts';
import { EXECUTOR_FLAGS, executorChoice } from '../lib/executor-options.ts';
import { runSweep } from '../lib/sweep-run.ts';

/** Exit code of a process stopped by SIGTERM (128 + 15). */
const TERMINATED_EXIT = 143;

registerCommand({
  name: 'sweep',
  summary: 'run a grid of env × solver × planner settings × seeds through an executor; resumable (sweep.jsonl, summary, plot)',
  positionals: '<CONFIG>',
  maxPositionals: 1,
  flags: [
    ...EXECUTOR_FLAGS,
    { name: 'job-timeout', type: 'number', min: 0.001, max: 86_400 * 7, placeholder: 'SECONDS', description: 'under --executor threads or bullmq: a job attempt running longer is stopped and counts as failed', shownDefault: 'none' },
    { name: 'retries', type: 'int', min: 0, max: 100, default: '1', description: 'extra attempts of a failed job before it is recorded failed' },
    { name: 'import', type: 'strings', placeholder: 'MODULE', description: 'load a JS/TS module that registers envs, solvers or presets (here and in every pool thread); also the config\'s "import" key' },
    { name: 'out', type: 'string', placeholder: 'DIR', default: 'runs', description: 'parent directory of the sweep directory' },
    { name: 'name', type: 'string', placeholder: 'NAME', description: 'sweep directory name', shownDefault: "the config file's name" },
  ],
  async run({ values, positionals }) {
    const file = positionals[0];
    if (!file) throw new UsageError('diffmpc sweep: give the sweep config file, e.g. diffmpc sweep sweeps/pendulum.json (see diffmpc sweep --help)');
    if (values.seed !== undefined) throw new UsageError('--seed: a sweep takes its seeds from the config\'s "seeds" (a count or a list); drop --seed');
    const choice = executorChoice(values);
    const executor = choice.name;
    if (values['job-timeout'] !== undefined && executor === 'inline') throw new UsageError('--job-timeout: applies to --executor threads or bullmq (got --executor inline)');
    const redis = values.redis !== undefined ? String(values.redis) : process.env.DIFFMPC_REDIS || undefined;
    const { plan, modules } = await loadSweepConfig(file, values.import as string[] | undefined);
    const name = String(values.name ?? sweepNameOf(file));
    if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name: "${name}" must use only letters, digits, '.', '_' and '-'`);
    const dir = path.resolve(String(values.out), name);
    const backend = await initBackend(values.backend as string | undefined);
    console.log(describeBackend(backend));
    const term = new AbortController();
    const onTerm = () => term.abort(new Error('terminated (SIGTERM)'));
    process.once('SIGTERM', onTerm);
    // the same command line: it runs only what is missing
    const rerun = ['diffmpc', ...process.argv.slice(2)].map((a) => (/^[\w./=:@-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    onInterruptPrint(`${dir} keeps every finished job; continue with: ${rerun}`);
    try {
      const r = await runSweep(plan, dir, {
        executor,
        backend: backend.name,
        retries: Number(values.retries),
        modules,
        ...(values['job-timeout'] !== undefined ? { timeoutMs: Number(values['job-timeout']) * 1000 } : {}),
        signal: AbortSignal.any([stopSignal, term.signal]),
        ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
        ...(executor === 'bullmq' ? { redis: redis!, ...(values.queue !== undefined ? { queue: String(values.queue) } : {}) } : {}),
      });
      console.log(`sweep ${dir}: ran ${r.ran} job(s), ${r.skipped} already finished${r.failed.length ? `, ${r.failed.length} FAILED` : ''}\n${r.files.map((f) => `  ${f}`).join('\n')}`);
      if (r.failed.length) {
        console.error(`failed jobs (re-run the same command to retry them):\n${r.failed.map((f) => `  ${f.id}: ${f.error?.message}`).join('\n')}`);
        return 1;
      }
      return 0;
    } catch (e) {
      if (term.signal.aborted) {
        console.error(`terminated: ${dir} keeps every finished job; continue with: ${rerun}`);
        return TERMINATED_EXIT;
      }
      throw e;
    } finally {
      process.off('SIGTERM', onTerm);
    }
  },
});
