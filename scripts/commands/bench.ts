// `diffmpc bench <suite|all> [--backends wasm,cpu] [--quick] [--out DIR] [--workers N | --executor NAME]`: runs
// registered benchmark suites; suites made of independent pieces (quality, l2o) run them through the executor.
import { parseBackendName } from '../../src/tensor/backend.ts';
import { UsageError, registerCommand } from '../cli.ts';
import { didYouMean } from '../lib/closest.ts';
import { EXECUTOR_FLAGS, executorChoice } from '../lib/executor-options.ts';
import { getBenchSuite, listBenchSuites } from '../lib/bench-suites.ts';
import '../bench-linalg.ts';
import '../bench-l2o.ts';
import '../bench-l2o-mlp.ts';
import '../bench-mpc.ts';
import '../bench-system.ts';
import '../bench-streams.ts';
import '../bench-global-min.ts';
import '../bench-solvers.ts';
import '../bench-envs.ts';
import '../bench-qp.ts';
import '../bench-tv-qp.ts';
import '../bench-quality.ts';
import '../bench-executor.ts';
import '../bench-web.ts';

registerCommand({
  name: 'bench',
  summary: 'run benchmarks (tables printed, JSON saved under bench-results/)',
  positionals: '<suite|all>',
  maxPositionals: 1,
  flags: [
    { name: 'backends', type: 'string', placeholder: 'LIST', description: 'comma-separated backends to measure on', default: 'wasm,cpu' },
    { name: 'quick', type: 'boolean', description: 'fewer repetitions and sizes (a quick check, not a measurement)' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'directory of the JSON results', default: 'bench-results' },
    ...EXECUTOR_FLAGS,
  ],
  helpFooter: () => `suites:\n${listBenchSuites().map((s) => `  ${s.name.padEnd(12)} ${s.summary}${s.pieces ? ` [--workers: ${s.pieces}]` : ''}`).join('\n')}\n  ${'all'.padEnd(12)} every suite above in turn (--workers/--executor apply to the suites marked)`,
  async run({ values, positionals }) {
    const which = positionals[0];
    const suites = listBenchSuites();
    if (!which) {
      console.log(`suites:\n${suites.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`).join('\n')}\n  all`);
      return 0;
    }
    const chosen = which === 'all' ? suites : [getBenchSuite(which)];
    if (chosen.some((s) => !s)) {
      const known = [...suites.map((s) => s.name), 'all'];
      throw new UsageError(`diffmpc bench: unknown suite "${which}"; known: ${known.join(', ')}.${didYouMean(which, known)}`);
    }
    const backends = String(values.backends).split(',').map((s) => s.trim()).filter(Boolean);
    if (backends.length === 0) throw new Error('--backends: give at least one backend, e.g. --backends wasm,cpu');
    for (const b of backends) parseBackendName(b, '--backends');
    const executor = executorChoice(values);
    const given = ['executor', ...EXECUTOR_FLAGS.map((f) => f.name)].filter((f, i, a) => a.indexOf(f) === i && values[f] !== undefined);
    const withPieces = suites.filter((s) => s.pieces).map((s) => s.name);
    if (given.length && which !== 'all' && !chosen[0]!.pieces) throw new UsageError(`--${given[0]}: suite "${which}" runs in this process only; suites with independent pieces: ${withPieces.join(', ')}`);
    for (const s of chosen) await s!.run({ backends, quick: Boolean(values.quick), outDir: String(values.out), ...(s!.pieces ? { executor } : {}) });
    return 0;
  },
});
