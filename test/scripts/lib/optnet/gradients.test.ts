// Finite-difference checks of the QP layer's gradients as the OptNet experiments use it:
//   Sudoku:  L = Σ c ⊙ z*(A, b = A·exp(w)),  z* = argmin ½ zᵀ(0.1 I)z − puzzleᵀz s.t. Az = b, z ≥ 0
//            (∂L/∂A includes the path through b), on nz 64 with a random A of 40 rows;
//   TV-QP:   L = Σ c ⊙ x*(D) for min ½‖x − y‖² + λ‖Dx‖₁ through its dual box QP and its primal slack form,
//            on n = 8 with a random dense D, both against differences of the primal.
// The references are central differences of the Float64 solver (step 1e-5, converged to 1e-12), so the
// tolerance (2e-3 relative to the largest entry) covers the float32 output of the tfjs op.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveQp } from '../../../../src/solvers/qp/index.ts';
import { Rng } from '../../../../src/tensor/rng.ts';
import { OptNetSudoku, SUDOKU_NEQ } from '../../../../scripts/lib/optnet/sudoku-models.ts';
import { sudokuSet } from '../../../../scripts/lib/optnet/sudoku.ts';
import { TV_EPS, differenceMatrix, tvDenoise } from '../../../../scripts/lib/optnet/tv-qp.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

function sudokuLossF64(A: Float64Array, w: Float64Array, puzzles: Float32Array, c: Float64Array, B: number): number {
  const nz = 64, neq = A.length / nz;
  const b = new Float64Array(neq);
  for (let r = 0; r < neq; r++) for (let i = 0; i < nz; i++) b[r]! += A[r * nz + i]! * Math.exp(w[i]!);
  const Q = Array.from({ length: nz }, (_, i) => Array.from({ length: nz }, (_, j) => (i === j ? 0.1 : 0)));
  const G = Array.from({ length: nz }, (_, i) => Array.from({ length: nz }, (_, j) => (i === j ? -1 : 0)));
  const p = Array.from({ length: B }, (_, k) => Array.from(puzzles.subarray(k * nz, (k + 1) * nz), (v) => -v));
  const Am = Array.from({ length: neq }, (_, r) => Array.from(A.subarray(r * nz, (r + 1) * nz)));
  const sol = solveQp({ Q, p, G, h: new Array(nz).fill(0), A: Am, b: Array.from(b) });
  expect(sol.status.every((s) => s === 'optimal')).toBe(true);
  let L = 0;
  for (let i = 0; i < B * nz; i++) L += c[i]! * sol.z[i]!;
  return L;
}

describe('OptNet QP-layer gradients (finite differences)', () => {
  it('Sudoku layer: ∂L/∂A and ∂L/∂w (b = A·exp(w))', () => {
    const rng = new Rng(5);
    const model = new OptNetSudoku(rng);
    model.w.assign(tf.tensor1d(Float32Array.from({ length: 64 }, () => 0.3 * rng.normal())));
    const B = 2;
    const set = sudokuSet(B, 11);
    const c = Float64Array.from({ length: B * 64 }, () => rng.normal());
    const x = tf.tensor2d(set.puzzles, [B, 64]);
    const ct = tf.tensor2d(Float32Array.from(c), [B, 64]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ct, model.predict(x))) as tf.Scalar, [model.A, model.w]);
    const gA = grads[model.A.name]!.dataSync(), gw = grads[model.w.name]!.dataSync();
    const A = Float64Array.from(model.A.dataSync()), w = Float64Array.from(model.w.dataSync());
    const h = 1e-5;
    const fd = (arr: Float64Array, i: number) => {
      const v = arr[i]!;
      arr[i] = v + h;
      const up = sudokuLossF64(A, w, set.puzzles, c, B);
      arr[i] = v - h;
      const dn = sudokuLossF64(A, w, set.puzzles, c, B);
      arr[i] = v;
      return (up - dn) / (2 * h);
    };
    const scaleA = maxAbs(gA), scaleW = maxAbs(gw);
    expect(scaleA).toBeGreaterThan(1e-3);
    for (const i of [0, 7, 64 * 3 + 5, 64 * 17 + 40, 64 * (SUDOKU_NEQ - 1) + 63]) expect(Math.abs(gA[i]! - fd(A, i))).toBeLessThan(2e-3 * scaleA);
    for (const i of [0, 9, 33, 63]) expect(Math.abs(gw[i]! - fd(w, i))).toBeLessThan(2e-3 * scaleW);
    model.dispose();
  });

  it.each(['dual', 'primal'] as const)('TV-QP (%s form): ∂L/∂D of x*(D), and large λ flattens the signal to its mean', (form) => {
    const n = 8, B = 2, lambda = 0.7;
    const rng = new Rng(9);
    const Dv = Float64Array.from({ length: (n - 1) * n }, () => rng.normal());
    const y = Float32Array.from({ length: B * n }, () => 3 * rng.normal());
    const c = Float64Array.from({ length: B * n }, () => rng.normal());
    const D = tf.variable(tf.tensor2d(Float32Array.from(Dv), [n - 1, n]));
    const yt = tf.tensor2d(y, [B, n]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.tensor2d(Float32Array.from(c), [B, n]), tvDenoise(D as unknown as tf.Tensor2D, yt, lambda, { form }))) as tf.Scalar, [D]);
    const gD = grads[D.name]!.dataSync();
    const loss = (Dm: Float64Array): number => {
      const nz = 2 * n - 1, m = n - 1;
      const Q = Array.from({ length: nz }, (_, i) => Array.from({ length: nz }, (_, j) => (i === j ? (i < n ? 1 : TV_EPS) : 0)));
      const G = Array.from({ length: 2 * m }, (_, r) => Array.from({ length: nz }, (_, j) => {
        const rr = r % m, sgn = r < m ? 1 : -1;
        return j < n ? sgn * Dm[rr * n + j]! : j - n === rr ? -1 : 0;
      }));
      const p = Array.from({ length: B }, (_, k) => [...Array.from(y.subarray(k * n, (k + 1) * n), (v) => -v), ...new Array(m).fill(lambda)]);
      const sol = solveQp({ Q, p, G, h: new Array(2 * m).fill(0) });
      expect(sol.status.every((s) => s === 'optimal')).toBe(true);
      let L = 0;
      for (let k = 0; k < B; k++) for (let i = 0; i < n; i++) L += c[k * n + i]! * sol.z[k * nz + i]!;
      return L;
    };
    const h = 1e-5, scale = maxAbs(gD);
    expect(scale).toBeGreaterThan(1e-3);
    for (const i of [0, 5, 17, 30, 55]) {
      const v = Dv[i]!;
      Dv[i] = v + h;
      const up = loss(Dv);
      Dv[i] = v - h;
      const dn = loss(Dv);
      Dv[i] = v;
      expect(Math.abs(gD[i]! - (up - dn) / (2 * h))).toBeLessThan(2e-3 * scale);
    }
    const flat = tvDenoise(differenceMatrix(n), yt, 1e3, { form }).dataSync();
    for (let k = 0; k < B; k++) {
      const mean = y.subarray(k * n, (k + 1) * n).reduce((a, b) => a + b, 0) / n;
      for (let i = 0; i < n; i++) expect(Math.abs(flat[k * n + i]! - mean)).toBeLessThan(1e-3);
    }
  });
});
