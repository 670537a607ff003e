// Benchmark 'global-min': how often each solver finds the global minimum of non-convex test functions.
//
// For Rastrigin and Ackley (src/solvers/test-functions.ts) in n ∈ {2, 5, 10} dimensions, B = 32 problems are
// started from initial means drawn uniformly in the function's search box (one batch, one solve call per
// solver). A problem counts as a success when its final value f(x̂) is within `tol` of the global minimum
// f* (f(x̂) − f* ≤ tol); the table reports the success rate at tol = 0.01 (converged to the minimizer) and
// tol = 0.5 (inside the global basin: every other local minimum of both functions is higher than f* + 0.9),
// the median final value and the wall time per solve. Gradient solvers (gd, adam) start from the point;
// sampling solvers (dcem, novas) start from a Gaussian centred there with σ = a quarter of the box width.
// Run: `diffmpc bench global-min [--quick] [--backends wasm]` or `npx tsx scripts/bench-global-min.ts [--quick]`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import '../src/solvers/dcem.ts';
import '../src/solvers/gd.ts';
import '../src/solvers/novas.ts';
import { TEST_FUNCTIONS, type TestFunction } from '../src/solvers/test-functions.ts';
import { listSolvers, makeSolver, type SolveOptions } from '../src/solvers/types.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

/** One contender: a registered solver, its construction config and per-call options. */
interface Contender {
  label: string;
  solver: string;
  config: Record<string, unknown>;
  opts: (fn: TestFunction, quick: boolean) => SolveOptions;
  /** Whether init.std is used (sampling solvers). */
  sampling: boolean;
}

/** Fixed per-solver settings, the same for every function and dimension (no per-problem tuning). */
const CONTENDERS: Contender[] = [
  { label: 'gd', solver: 'gd', config: { lr: 2e-3 }, opts: (_, q) => ({ iterations: q ? 100 : 300 }), sampling: false },
  { label: 'adam', solver: 'adam', config: { lr: 0.05 }, opts: (_, q) => ({ iterations: q ? 100 : 300 }), sampling: false },
  {
    label: 'dcem',
    solver: 'dcem',
    config: { samples: 100, elites: 10, temp: 1, iterEps: 0 },
    opts: (_, q) => ({ iterations: q ? 20 : 50 }),
    sampling: true,
  },
  {
    label: 'novas',
    solver: 'novas',
    config: { samples: 100 },
    opts: (_, q) => ({ iterations: q ? 20 : 50 }),
    sampling: true,
  },
];

export const GLOBAL_MIN_TOLERANCES = [0.01, 0.5] as const;

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Runs one contender on one function/dimension; returns the final values `[B]` and the wall time. */
function runOne(c: Contender, fn: TestFunction, n: number, B: number, seed: number, quick: boolean): { values: number[]; ms: number } {
  const rng = new Rng(seed);
  const [lo, hi] = fn.domain;
  const mean = rng.uniformTensor([B, n], lo, hi);
  const std = tf.fill([B, n], (hi - lo) / 4);
  const solver = makeSolver(c.solver, c.config);
  const t0 = performance.now();
  const r = solver.solve(fn.f, c.sampling ? { mean, std } : { mean }, { ...c.opts(fn, quick), bounds: [lo, hi], backward: 'none', rng });
  const values = Array.from(r.value.dataSync());
  const ms = performance.now() - t0;
  tf.dispose([mean, std, r.solution, r.value]);
  return { values, ms };
}

export async function benchGlobalMin(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const B = 32;
  const dims = [2, 5, 10];
  const fns = [TEST_FUNCTIONS.rastrigin!, TEST_FUNCTIONS.ackley!];
  const registered = new Set(listSolvers().map((s) => s.name));
  const rows: Row[] = [];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    for (const fn of fns) {
      for (const n of dims) {
        for (const c of CONTENDERS) {
          if (!registered.has(c.solver)) continue;
          const { values, ms } = runOne(c, fn, n, B, 1000 + n, quick);
          const gap = values.map((v) => v - fn.minimum(n));
          const row: Row = { function: fn.name, n, solver: c.label, backend };
          for (const tol of GLOBAL_MIN_TOLERANCES) row[`success@${tol}`] = gap.filter((g) => g <= tol).length / B;
          row['median f − f*'] = median(gap);
          row['ms/solve'] = Math.round(ms);
          rows.push(row);
        }
      }
    }
  }
  console.log(formatTable(rows));
  const meta = {
    backends,
    quick,
    B,
    tolerances: GLOBAL_MIN_TOLERANCES,
    contenders: CONTENDERS.map((c) => ({ label: c.label, solver: c.solver, config: c.config, opts: c.opts(fns[0]!, quick) })),
    init: 'mean uniform in the search box (seed 1000 + n); sampling solvers σ = (hi − lo)/4; bounds = the box',
  };
  const file = saveReport('global-min', rows, meta, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'global-min',
  summary: 'success rates of gd, adam, dcem, novas on Rastrigin and Ackley (n = 2, 5, 10; B = 32 starts)',
  run: ({ backends, quick, outDir }) => benchGlobalMin(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--backends');
  await benchGlobalMin(i > 0 ? process.argv[i + 1]!.split(',') : ['wasm'], quick);
}
