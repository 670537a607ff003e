// Benchmark of the batched Float64 linear algebra: Cholesky factor + solve throughput for B ∈ {128, 1024},
// n ∈ {10, 50}, as the raw Float64 core and as the differentiable tfjs op (with float32 transfers and the
// backward pass) on each requested backend, and from n ≥ 16 the factorization alone by the SIMD kernel and by
// the JavaScript loop, alternated. Run: `npx tsx scripts/bench-linalg.ts [--quick]` or
// `diffmpc bench linalg`. Each row records the machine's 1-minute load average (`load`).
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { CHOLESKY_SIMD_MIN_N, choleskyFactor, choleskySolveFactored } from '../src/linalg/cholesky.ts';
import { setDenseKernels } from '../src/linalg/dense-kernels.ts';
import { choleskySolve } from '../src/linalg/ops.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, timeMs, type Row } from './lib/report.ts';

/** `[B, n, n]` random SPD matrices M Mᵀ + n I. */
function randomSpd(rng: Rng, B: number, n: number): Float64Array {
  const A = new Float64Array(B * n * n);
  const M = new Float64Array(n * n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n * n; i++) M[i] = rng.normal();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
        A[b * n * n + i * n + j] = s;
      }
    }
  }
  return A;
}

export async function benchLinalg(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const rng = new Rng(0);
  const rows: Row[] = [];
  const sizes: Array<[number, number]> = [
    [128, 10],
    [1024, 10],
    [128, 50],
    [1024, 50],
  ];
  const reps = quick ? 3 : 7;
  for (const [B, n] of sizes) {
    const A = randomSpd(rng, B, n);
    const b = new Float64Array(B * n).map(() => rng.normal());
    const core = await timeMs(() => {
      const f = choleskyFactor(A, B, n);
      choleskySolveFactored(f.L, B, b, B, n, 1);
    }, reps);
    rows.push({ impl: 'float64 core', backend: '-', B, n, 'factor+solve ms': core, 'systems/s': Math.round((B / core) * 1000), load: machineLoad() });
    if (n >= CHOLESKY_SIMD_MIN_N) {
      // The factorization alone by the SIMD kernel and by the JavaScript loop, alternated.
      const t: Record<'simd' | 'js', number[]> = { simd: [], js: [] };
      for (let r = 0; r < reps; r++) {
        for (const on of [true, false]) {
          const was = setDenseKernels(on);
          try {
            t[on ? 'simd' : 'js'].push(await timeMs(() => choleskyFactor(A, B, n), 1));
          } finally {
            setDenseKernels(was);
          }
        }
      }
      const med = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
      for (const k of ['simd', 'js'] as const) {
        rows.push({ impl: `factor only, ${k === 'simd' ? 'SIMD kernel' : 'JS loop'}`, backend: '-', B, n, 'factor+solve ms': med(t[k]), 'systems/s': Math.round((B / med(t[k])) * 1000), load: machineLoad() });
      }
    }
    for (const backend of backends) {
      await initBackend(backend, { quiet: true });
      const At = tf.tensor(Float32Array.from(A), [B, n, n]);
      const bt = tf.tensor(Float32Array.from(b), [B, n]);
      const fwd = await timeMs(() => tf.tidy(() => choleskySolve(At, bt).dataSync()), reps);
      const fb = await timeMs(
        () =>
          tf.tidy(() => {
            const g = tf.grads((a: tf.Tensor, r: tf.Tensor) => choleskySolve(a, r).sum())([At, bt]);
            g.forEach((t) => t.dataSync());
          }),
        reps,
      );
      rows.push({ impl: 'tfjs op fwd', backend, B, n, 'factor+solve ms': fwd, 'systems/s': Math.round((B / fwd) * 1000), load: machineLoad() });
      rows.push({ impl: 'tfjs op fwd+bwd', backend, B, n, 'factor+solve ms': fb, 'systems/s': Math.round((B / fb) * 1000), load: machineLoad() });
      tf.dispose([At, bt]);
    }
  }
  console.log(formatTable(rows));
  const file = saveReport('linalg', rows, { backends, quick, ...machineMeta() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'linalg',
  summary: 'batched Cholesky factor+solve throughput (Float64 core and tfjs op, B 128/1024, n 10/50)',
  run: ({ backends, quick, outDir }) => benchLinalg(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  await benchLinalg(['wasm', 'cpu'], quick);
}
