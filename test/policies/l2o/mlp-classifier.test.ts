// Tests of policies/l2o/mlp-classifier.ts: the batched cross-entropy against a plain float64 loop, ∇f
// against central finite differences, the starting-point distribution and accuracy.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpClassifierProblem, mlpParamCount } from '../../../policies/l2o/mlp-classifier.ts';
import type { LabelledData } from '../../../policies/l2o/datasets.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** 6 points in 3-D, 3 classes. */
const data: LabelledData = {
  x: Float32Array.from([0.5, -1, 0.2, 1, 0.3, -0.7, -0.4, 0.9, 1.2, 0.1, -0.2, -1.5, 1.4, 0.6, 0.3, -0.8, -0.5, 0.4]),
  y: Int32Array.from([0, 1, 2, 0, 1, 2]),
  n: 6,
  d: 3,
  classes: 3,
};

/** Reference loss in float64: θ packs W1 [3, 4], b1 [4], W2 [4, 3], b2 [3]. */
function refLoss(th: ArrayLike<number>): number {
  const sizes = [3, 4, 3];
  let total = 0;
  for (let k = 0; k < data.n; k++) {
    let h = Array.from(data.x.subarray(k * 3, k * 3 + 3));
    let off = 0;
    for (let l = 0; l < 2; l++) {
      const i = sizes[l]!;
      const o = sizes[l + 1]!;
      const z = new Array<number>(o).fill(0);
      for (let c = 0; c < o; c++) {
        for (let r = 0; r < i; r++) z[c]! += h[r]! * th[off + r * o + c]!;
        z[c]! += th[off + i * o + c]!;
      }
      off += (i + 1) * o;
      h = l === 0 ? z.map(Math.tanh) : z;
    }
    const m = Math.max(...h);
    const lse = m + Math.log(h.reduce((a, v) => a + Math.exp(v - m), 0));
    total += lse - h[data.y[k]!]!;
  }
  return total / data.n;
}

describe('MLP classifier problem', () => {
  const p = mlpClassifierProblem(data, [4]);

  it('packs (in + 1)·out parameters per layer and matches a float64 loop, batched over runs', () => {
    expect(mlpParamCount([3, 4, 3])).toBe(31);
    expect(p.dim).toBe(31);
    const th = tf.tensor2d(new Rng(3).normalArray(2 * 31), [2, 31]);
    const f = p.f(th).dataSync();
    const rows = th.arraySync() as number[][];
    for (let b = 0; b < 2; b++) expect(f[b]!).toBeCloseTo(refLoss(rows[b]!), 5);
    expect(() => p.f(tf.zeros([1, 30]))).toThrow(/θ must be \[B, 31\]/);
    th.dispose();
  });

  it('∇f matches central finite differences of the float64 loss (h 1e-4, tolerance 1e-4)', () => {
    const th = tf.tensor2d(new Rng(4).normalArray(31), [1, 31]);
    const g = p.grad(th).dataSync();
    const x = Array.from(th.dataSync(), Number);
    for (let i = 0; i < 31; i++) {
      const up = x.slice();
      const dn = x.slice();
      up[i]! += 1e-4;
      dn[i]! -= 1e-4;
      expect(Math.abs(g[i]! - (refLoss(up) - refLoss(dn)) / 2e-4)).toBeLessThan(1e-4);
    }
    th.dispose();
  });

  it('starts from LeCun-scaled weights and zero biases; accuracy counts argmax hits', () => {
    const th = p.init(400, new Rng(5));
    const a = th.arraySync() as number[][];
    const w1 = a.flatMap((r) => r.slice(0, 12));
    const b1 = a.flatMap((r) => r.slice(12, 16));
    const sd = Math.sqrt(w1.reduce((s, v) => s + v * v, 0) / w1.length);
    expect(sd).toBeGreaterThan(0.9 / Math.sqrt(3));
    expect(sd).toBeLessThan(1.1 / Math.sqrt(3));
    expect(b1.every((v) => v === 0)).toBe(true);
    // zero weights, output bias favouring class 0: accuracy = 2/6
    const z = new Float32Array(31);
    z[28] = 1;
    const t = tf.tensor2d(z, [1, 31]);
    expect(p.accuracy(t, data)).toEqual([2 / 6]);
    expect(p.loss(t, data).dataSync()[0]!).toBeCloseTo(refLoss(z), 5);
    tf.dispose([th, t]);
  });
});
