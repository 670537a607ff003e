// Reference check for lml.json (locuslab/lml): every case through the float32 op `lml` (forward and
// backward) and the Float64 core `lmlF64`, held to the tolerances of ../shared/reference/README.md:
//   y (op)            |Δ| ≤ 2e-5 vs the default-eps y;   dx (op) |Δ| ≤ 2e-5 vs dx
//   y (Float64 core)  |Δ| ≤ 1e-10 (the bracketing search is reproduced exactly)
//   ν (Float64 core)  |Δ| ≤ eps/2, on rows that are not saturated
// Saturated rows (every y(1−y) < 1e-7 in the reference y, so every float32 y is exactly 0 or 1 and the
// reference's float32 backward is 0/0 = NaN) are detected from the data: there ν is not compared (it is
// ill-determined) and our guarded dx (= 0) is compared with the float64 dx (≤ 1e-8), and must be finite.
import * as tf from '@tensorflow/tfjs';
import { lml, lmlF64 } from '../../src/solvers/lml.ts';
import { registerReferenceCheck, type ReferenceCheckResult } from './reference-checks.ts';

const SATURATION = 1e-7;

/** Max |a − b| over two flat arrays; NaN anywhere counts as an infinite error. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = Number.isNaN(d) ? Infinity : Math.max(m, d);
  }
  return m;
}

/** Per row of `[B][n]` values: whether every y(1 − y) is below 1e-7 (a fully saturated row). */
export function saturatedRows(y: number[][]): boolean[] {
  return y.map((row) => row.every((v) => v * (1 - v) < SATURATION));
}

export function checkLml(fixture: any): ReferenceCheckResult {
  const eps = fixture.settings?.default?.eps ?? 1e-4;
  const err = { y: 0, dx: 0, yF64: 0, nu: 0 };
  let saturated = 0;
  let nanDx = false;
  for (const c of fixture.cases) {
    const sat = saturatedRows(c.y);
    saturated += sat.filter(Boolean).length;
    const x = Float64Array.from((c.x as number[][]).flat());
    const core = lmlF64(x, c.nbatch, c.n, c.k, { eps });
    err.yF64 = Math.max(err.yF64, maxAbsDiff(core.y, (c.y as number[][]).flat()));
    for (let b = 0; b < c.nbatch; b++) if (!sat[b]) err.nu = Math.max(err.nu, Math.abs(core.nu[b]! - c.nu[b]));
    const [y, dx] = tf.tidy(() => {
      const xt = tf.tensor(c.x);
      const wt = tf.tensor(c.w);
      const yt = lml(xt, c.k, { eps });
      const [g] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(lml(a, c.k, { eps }), wt)))([xt]);
      return [yt.dataSync(), g!.dataSync()];
    });
    err.y = Math.max(err.y, maxAbsDiff(y, (c.y as number[][]).flat()));
    if (!dx.every(Number.isFinite)) nanDx = true;
    err.dx = Math.max(err.dx, maxAbsDiff(dx, (c.dx as number[][]).flat()));
  }
  const row = (quantity: string, maxError: number, tolerance: number, note?: string) => ({
    quantity,
    maxError,
    tolerance,
    pass: maxError <= tolerance,
    ...(note ? { note } : {}),
  });
  return {
    cases: fixture.cases.length,
    rows: [
      row('y (float32 op)', err.y, 2e-5),
      row('dx (float32 op)', nanDx ? Infinity : err.dx, 2e-5, `${saturated} saturated row(s) (float32 reference: NaN): ours ${nanDx ? 'NON-FINITE' : 'finite'}`),
      row('y (Float64 core)', err.yF64, 1e-10),
      row('nu (Float64 core)', err.nu, eps / 2, 'unsaturated rows'),
    ],
  };
}

registerReferenceCheck({ file: 'lml.json', caseFields: { cases: ['nbatch', 'n', 'k', 'x', 'w', 'y', 'nu', 'dx'] }, check: checkLml });
