// Benchmark of the sampling solvers and the LML layer:
//   LML soft top-k forward+backward at [128, 1000], k = 100 (the reference lml in float64 takes 30 ms on
//   this CPU), as the Float64 core alone and as the tfjs op with its backward;
//   DCEM (k = 50 elites) and NOVAS solve time at B = 64 problems, N = 500 samples, n = 40 dimensions,
//   10 iterations (stop test disabled), forward only and forward + unrolled / default backward,
// on each requested backend, with the quadratic objective f(X) = Σ_j ½·a·(X_j − c)² (parameters a, c for the
// backward), so the rows time the solver rather than the objective (tfjs-wasm's cos alone costs ~0.15 s
// per [64, 500, 40] evaluation on this CPU).
// Run: `diffmpc bench solvers [--backends wasm,cpu] [--quick]` or `npx tsx scripts/bench-solvers.ts`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { dcem } from '../src/solvers/dcem.ts';
import { lml, lmlBackwardF64, lmlF64 } from '../src/solvers/lml.ts';
import { novas } from '../src/solvers/novas.ts';
import type { BackwardMode, Objective, SolveOptions } from '../src/solvers/types.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { formatTable, saveReport, timeMs, type Row } from './lib/report.ts';

const objective =
  (a: tf.Tensor, c: tf.Tensor): Objective =>
  (X) =>
    tf.sum(tf.mul(tf.mul(0.5, a), tf.square(tf.sub(X, c))), -1);

type SolveFn = (f: Objective, init: { mean: tf.Tensor; std?: tf.Tensor }, opts: SolveOptions & { backward?: BackwardMode }) => { solution: tf.Tensor; value: tf.Tensor };

export async function benchSolvers(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const rng = new Rng(0);
  const rows: Row[] = [];
  const reps = quick ? 2 : 5;
  const push = (r: Row): void => {
    rows.push(r);
    console.log(`  ${Object.values(r).map((v) => (typeof v === 'number' ? v.toFixed(1) : String(v))).join('  ')}`);
  };
  const [R, n, k] = [128, 1000, 100];
  const x = Float64Array.from(rng.normalArray(R * n));
  const g = Float64Array.from(rng.normalArray(R * n));
  const core = await timeMs(() => lmlBackwardF64(lmlF64(x, R, n, k).y, g, R, n), reps);
  push({ what: 'lml fwd+bwd', impl: 'float64 core', backend: '-', shape: `[${R}, ${n}] k ${k}`, ms: core, 'reference ms': 30 });
  const [B, N, d, iters] = [64, 500, 40, 10];
  const solvers: Array<[string, SolveFn, Record<string, unknown>, BackwardMode]> = [
    ['dcem', dcem, { elites: 50 }, 'unroll'],
    ['novas', novas, {}, { truncated: 1 }],
  ];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    const xt = tf.tensor(Float32Array.from(x), [R, n]);
    const wt = tf.tensor(Float32Array.from(g), [R, n]);
    const fb = await timeMs(
      () =>
        tf.tidy(() => {
          const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(lml(a, k), wt)))([xt]);
          dx!.dataSync();
        }),
      reps,
    );
    push({ what: 'lml fwd+bwd', impl: 'tfjs op', backend, shape: `[${R}, ${n}] k ${k}`, ms: fb, 'reference ms': 30 });
    tf.dispose([xt, wt]);
    const theta = [tf.scalar(1.5), tf.scalar(0.3)];
    const f = objective(theta[0]!, theta[1]!);
    const mean = tf.tensor(rng.normalArray(B * d), [B, d]);
    const noise = rng.normalTensor([iters, B, N, d]);
    const shape = `B ${B} N ${N} n ${d} T ${iters}`;
    for (const [name, solve, extra, mode] of solvers) {
      const opts = { iterations: iters, samples: N, noise, iterEps: 0, ...extra };
      const fwd = await timeMs(() => tf.tidy(() => solve(f, { mean }, { ...opts, backward: 'none' }).solution.dataSync()), reps);
      push({ what: `${name} solve`, impl: 'forward', backend, shape, ms: fwd, 'reference ms': null });
      const back = await timeMs(
        () =>
          tf.tidy(() => {
            const gs = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(solve(objective(a, c), { mean }, { ...opts, backward: mode }).solution))(theta);
            gs.forEach((t) => t.dataSync());
          }),
        reps,
      );
      push({ what: `${name} solve`, impl: `fwd+bwd (${typeof mode === 'string' ? mode : `truncated ${mode.truncated}`})`, backend, shape, ms: back, 'reference ms': null });
    }
    tf.dispose([...theta, mean, noise]);
  }
  console.log(formatTable(rows));
  const file = saveReport('solvers', rows, { backends, quick, reps }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'solvers',
  summary: 'LML fwd+bwd [128, 1000] k 100; DCEM and NOVAS solve at B 64, N 500, n 40, 10 iterations',
  run: ({ backends, quick, outDir }) => benchSolvers(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSolvers(['wasm', 'cpu'], process.argv.includes('--quick'));
}
