// Benchmark of the OptNet QP layer: forward and forward+backward of a batch of random strictly feasible QPs
// (Q = LLᵀ + 0.1I, G ~ N(0,1), h = G z0 + s0, b = A z0, as the qpth fixtures) at the sizes qpth was timed on
// this CPU, for the Float64 core (solveQpBatch + qpBackward) and the tfjs op (qpLayer with float32 transfers,
// tf.grads for the backward) on each requested backend. A profile row splits the core's forward time into
// the KKT factorizations (factorKkt re-run as many times as the solve did) and the rest. Times are medians of
// wall clock and of this process's CPU time (user + system): on a shared machine the CPU time is the fair
// comparison with qpth's (uncontended, wall-clock) numbers; the 'speedup' columns use it. Beside them, the
// core's forward with the KKT factorization in the WebAssembly SIMD kernels (from nz ≥ 16) and in the
// JavaScript loops, timed alternately in this process ('simd ×'), also at OptNet's Sudoku (nz 64, 40
// equalities) and denoising (nz 199, 198 rows) sizes, where qpth was not timed.
// Each row records the 1-minute load average. Run: `npx tsx scripts/bench-qp.ts [--quick]` or `diffmpc bench qp`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { qpBackward } from '../src/solvers/qp/backward.ts';
import { setDenseKernels } from '../src/linalg/dense-kernels.ts';
import { factorKkt, kktWork, releaseKktWork, SIMD_MIN_NZ } from '../src/solvers/qp/kkt.ts';
import { solveQpBatch } from '../src/solvers/qp/pdipm.ts';
import { packQp } from '../src/solvers/qp/problem.ts';
import { qpLayer } from '../src/solvers/qp/layer.ts';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

/** qpth (PDIPM_BATCHED, float64, this CPU): [fwd ms, fwd+bwd ms] per (B, nz, nineq, neq). */
const QPTH: Record<string, [number, number]> = {
  '128,10,20,0': [77, 95],
  '128,10,20,1': [106, 145],
  '1024,10,20,0': [460, 459],
  '128,50,100,0': [1670, 1655],
};
/** Further (B, nz, nineq, neq): OptNet's Sudoku and denoising QP sizes (random dense data). */
const EXTRA = ['32,64,64,40', '4,199,198,0'];

function randomProblem(rng: Rng, B: number, nz: number, m: number, neq: number) {
  const Q = new Float64Array(B * nz * nz), p = new Float64Array(B * nz), G = new Float64Array(B * m * nz), h = new Float64Array(B * m);
  const A = new Float64Array(B * neq * nz), b = new Float64Array(B * neq);
  const L = new Float64Array(nz * nz), z0 = new Float64Array(nz);
  for (let bi = 0; bi < B; bi++) {
    for (let i = 0; i < nz * nz; i++) L[i] = rng.normal();
    for (let i = 0; i < nz; i++) {
      for (let j = 0; j < nz; j++) {
        let s = i === j ? 0.1 : 0;
        for (let k = 0; k < nz; k++) s += L[i * nz + k]! * L[j * nz + k]!;
        Q[(bi * nz + i) * nz + j] = s;
      }
      p[bi * nz + i] = rng.normal();
      z0[i] = rng.normal();
    }
    for (let k = 0; k < m; k++) {
      let s = rng.uniformIn(0.1, 1);
      for (let i = 0; i < nz; i++) s += (G[(bi * m + k) * nz + i] = rng.normal()) * z0[i]!;
      h[bi * m + k] = s;
    }
    for (let r = 0; r < neq; r++) {
      let s = 0;
      for (let i = 0; i < nz; i++) s += (A[(bi * neq + r) * nz + i] = rng.normal()) * z0[i]!;
      b[bi * neq + r] = s;
    }
  }
  return { Q: { data: Q, shape: [B, nz, nz] }, p: { data: p, shape: [B, nz] }, G: { data: G, shape: [B, m, nz] }, h: { data: h, shape: [B, m] }, A: { data: A, shape: [B, neq, nz] }, b: { data: b, shape: [B, neq] } };
}

/** Median wall and CPU (user + system of this process) milliseconds of `fn` over `reps` runs after 2 warm-ups. */
function timeWallCpu(fn: () => unknown, reps: number): { wall: number; cpu: number } {
  for (let i = 0; i < 2; i++) fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { wall: med(wall), cpu: med(cpu) };
}

const r1 = (v: number) => Number(v.toFixed(1));

export async function benchQp(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const rng = new Rng(0);
  const rows: Row[] = [];
  const reps = quick ? 2 : 5;
  for (const key of [...Object.keys(QPTH), ...EXTRA]) {
    const [B, nz, m, neq] = key.split(',').map(Number) as [number, number, number, number];
    const [qF, qFB] = QPTH[key] ?? [NaN, NaN];
    const params = randomProblem(rng, B, nz, m, neq);
    const prob = packQp(params);
    let sol = solveQpBatch(prob);
    const w = new Float64Array(B * nz).fill(1);
    const fwd = timeWallCpu(() => (sol = solveQpBatch(prob)), reps);
    const fb = timeWallCpu(() => qpBackward(prob, solveQpBatch(prob), w), reps);
    const iters = Array.from(sol.iterations);
    const meanIt = iters.reduce((a, c) => a + c, 0) / B;
    const solved = sol.status.filter((s) => s === 'optimal').length;
    // Profile: the factorizations alone, as many as the forward ran, at the returned iterates' d.
    const work = kktWork(nz, m, neq);
    const total = iters.reduce((a, c) => a + c, 0) + B;
    const fact = timeWallCpu(() => {
      for (let c = 0; c < total; c++) {
        const bi = c % B;
        factorKkt(prob.Q, bi * prob.qS, prob.G, bi * prob.gS, prob.A, bi * prob.aS, sol.factors.d.subarray(bi * m, (bi + 1) * m), nz, m, neq, 0, work);
      }
    }, reps);
    releaseKktWork(work);
    // The same forward with the factorization in the kernels and in JavaScript, alternated (medians of the CPU times).
    const simdCpu: number[] = [], jsCpu: number[] = [];
    if (nz >= SIMD_MIN_NZ) {
      for (let r = 0; r < reps; r++) {
        for (const [on, out] of [[true, simdCpu], [false, jsCpu]] as const) {
          const was = setDenseKernels(on);
          try {
            out.push(timeWallCpu(() => solveQpBatch(prob), 1).cpu);
          } finally {
            setDenseKernels(was);
          }
        }
      }
    }
    const med = (a: number[]) => (a.length ? a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)]! : NaN);
    const base = { B, nz, nineq: m, neq, 'mean iters': Number(meanIt.toFixed(1)), solved: `${solved}/${B}` };
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? Number((a / b).toFixed(2)) : '-');
    rows.push({
      impl: 'float64 core', backend: '-', ...base,
      'fwd ms': r1(fwd.wall), 'fwd+bwd ms': r1(fb.wall), 'fwd cpu ms': r1(fwd.cpu), 'fwd+bwd cpu ms': r1(fb.cpu),
      'qpth fwd': Number.isFinite(qF) ? qF : '-', 'qpth fwd+bwd': Number.isFinite(qFB) ? qFB : '-',
      'speedup fwd (cpu)': ratio(qF, fwd.cpu), 'speedup fwd+bwd (cpu)': ratio(qFB, fb.cpu),
      'factor share (cpu)': `${Math.round((100 * fact.cpu) / fwd.cpu)}%`,
      'fwd cpu ms, js kernels': jsCpu.length ? r1(med(jsCpu)) : '-',
      'simd ×': ratio(med(jsCpu), med(simdCpu)),
      load: machineLoad(),
    });
    for (const backend of backends) {
      await initBackend(backend, { quiet: true });
      const t = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tf.tensor(Float32Array.from(v.data), v.shape)])) as Record<string, tf.Tensor>;
      const inp = { Q: t.Q!, p: t.p!, G: t.G!, h: t.h!, ...(neq > 0 ? { A: t.A!, b: t.b! } : {}) };
      const opts = { allowNonOptimal: true };
      const tfF = timeWallCpu(() => tf.tidy(() => qpLayer(inp, opts).dataSync()), reps);
      const tfFB = timeWallCpu(
        () => tf.tidy(() => {
          const keys = Object.keys(inp) as Array<keyof typeof inp>;
          const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(qpLayer(Object.fromEntries(keys.map((k, i) => [k, xs[i]!])) as typeof inp, opts)))(keys.map((k) => inp[k]!));
          g.forEach((x) => x.dataSync());
        }),
        reps,
      );
      rows.push({
        impl: 'tfjs op', backend, ...base,
        'fwd ms': r1(tfF.wall), 'fwd+bwd ms': r1(tfFB.wall), 'fwd cpu ms': r1(tfF.cpu), 'fwd+bwd cpu ms': r1(tfFB.cpu),
        'qpth fwd': Number.isFinite(qF) ? qF : '-', 'qpth fwd+bwd': Number.isFinite(qFB) ? qFB : '-',
        'speedup fwd (cpu)': ratio(qF, tfF.cpu), 'speedup fwd+bwd (cpu)': ratio(qFB, tfFB.cpu),
        'factor share (cpu)': '-', 'fwd cpu ms, js kernels': '-', 'simd ×': '-',
        load: machineLoad(),
      });
      tf.dispose(Object.values(t));
    }
  }
  console.log(formatTable(rows));
  const file = saveReport('qp', rows, { backends, quick, qpth: 'PDIPM_BATCHED float64, same CPU, ms', ...machineMeta() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'qp',
  summary: 'OptNet QP layer fwd and fwd+bwd vs qpth (B 128/1024, nz 10/50, nineq 20/100, neq 0/1); SIMD vs JS factorization, also at the Sudoku and denoising sizes',
  run: ({ backends, quick, outDir }) => benchQp(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  await benchQp(['cpu'], quick);
}
