// Benchmark of the TV-denoising QP (OptNet §5.3) in its two forms, side by side in one process:
//   primal  z = (x, t) ∈ R^{2n−1}, 2(n−1) inequalities [D −I; −D −I] z ≤ 0      (tvQp)
//   dual    u ∈ R^{n−1}, box −λ ≤ u ≤ λ, Q = DDᵀ, x = y − Dᵀu                 (tvDualQp)
// for the first-difference D (TV), a fine-tuned D (D₁ + 0.05·N(0, 1)) and a dense random D (pure OptNet's
// start, 0.3·N(0, 1)), on B piecewise-constant noisy signals of length n. Times are medians over reps with
// the two forms alternated, so load changes hit both; 'speedup' is primal / dual. 'max |Δx|' is the largest
// difference of the two solutions (float32 outputs). Run: `diffmpc bench tv-qp [--quick]`.
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../src/tensor/backend.ts';
import { Rng } from '../src/tensor/rng.ts';
import { signalSet } from './lib/optnet/signals.ts';
import { differenceMatrix, tvDenoise, type TvForm } from './lib/optnet/tv-qp.ts';
import { registerBenchSuite } from './lib/bench-suites.ts';
import { machineLoad, machineMeta } from './lib/machine-load.ts';
import { formatTable, saveReport, type Row } from './lib/report.ts';

const FORMS: TvForm[] = ['primal', 'dual'];

/** The operators benchmarked, `[n−1, n]`, with the λ each is used with. */
function operators(n: number, rng: Rng): Array<{ name: string; D: tf.Tensor2D; lambda: number }> {
  const noise = (s: number) => tf.tensor2d(Float32Array.from({ length: (n - 1) * n }, () => s * rng.normal()), [n - 1, n]);
  const D1 = differenceMatrix(n);
  return [
    { name: 'TV (first differences)', D: D1, lambda: 20 },
    { name: 'tuned (D₁ + 0.05·N)', D: tf.add(D1, noise(0.05)) as tf.Tensor2D, lambda: 20 },
    { name: 'dense (0.3·N)', D: noise(0.3), lambda: 13 },
  ];
}

export async function benchTvQp(backends: string[], quick = false, outDir = 'bench-results'): Promise<string> {
  const B = quick ? 4 : 50, n = quick ? 30 : 100, reps = quick ? 2 : 5;
  const signals = signalSet(B, 0, { len: n });
  const rows: Row[] = [];
  for (const backend of backends) {
    await initBackend(backend, { quiet: true });
    const y = tf.tensor2d(signals.noisy, [B, n]);
    const c = tf.tensor2d(Float32Array.from({ length: B * n }, (_, i) => Math.sin(i)), [B, n]);
    for (const { name, D, lambda } of operators(n, new Rng(1))) {
      const x: Record<string, Float32Array> = {};
      const fwd = (form: TvForm) => tf.tidy(() => (x[form] = tvDenoise(D, y, lambda, { form, allowNonOptimal: true }).dataSync() as Float32Array));
      const fb = (form: TvForm) => tf.tidy(() => tf.grad((d: tf.Tensor) => tf.sum(tf.mul(c, tvDenoise(d as tf.Tensor2D, y, lambda, { form, allowNonOptimal: true }))))(D).dataSync());
      const times: Record<string, { fwd: number[]; fb: number[] }> = { primal: { fwd: [], fb: [] }, dual: { fwd: [], fb: [] } };
      for (const form of FORMS) fwd(form); // warm-up
      for (let r = 0; r < reps; r++) {
        for (const form of FORMS) {
          let t0 = performance.now();
          fwd(form);
          times[form]!.fwd.push(performance.now() - t0);
          t0 = performance.now();
          fb(form);
          times[form]!.fb.push(performance.now() - t0);
        }
      }
      const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
      let dx = 0, scale = 0;
      for (let i = 0; i < B * n; i++) {
        dx = Math.max(dx, Math.abs(x.dual![i]! - x.primal![i]!));
        scale = Math.max(scale, Math.abs(x.primal![i]!));
      }
      const m = Object.fromEntries(FORMS.map((f) => [f, { fwd: med(times[f]!.fwd), fb: med(times[f]!.fb) }]));
      rows.push({
        backend, D: name, B, n, λ: lambda,
        'primal fwd ms/signal': Number((m.primal!.fwd / B).toFixed(2)), 'dual fwd ms/signal': Number((m.dual!.fwd / B).toFixed(2)),
        'primal fwd+bwd ms/signal': Number((m.primal!.fb / B).toFixed(2)), 'dual fwd+bwd ms/signal': Number((m.dual!.fb / B).toFixed(2)),
        'speedup fwd': Number((m.primal!.fwd / m.dual!.fwd).toFixed(1)), 'speedup fwd+bwd': Number((m.primal!.fb / m.dual!.fb).toFixed(1)),
        'max |Δx|': Number(dx.toExponential(2)), 'max |x|': Number(scale.toFixed(1)), load: machineLoad(),
      });
      D.dispose();
    }
    tf.dispose([y, c]);
  }
  console.log(formatTable(rows));
  const file = saveReport('tv-qp', rows, { backends, quick, reps, ...machineMeta() }, outDir);
  console.log(`saved ${file}`);
  return file;
}

registerBenchSuite({
  name: 'tv-qp',
  summary: 'TV-denoising QP, primal slack form vs dual box QP (B 50, n 100; TV, tuned and dense D), fwd and fwd+bwd',
  run: ({ backends, quick, outDir }) => benchTvQp(backends, quick, outDir),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchTvQp(['wasm'], process.argv.includes('--quick'));
}
