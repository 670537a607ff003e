// The paper code's tvInit OptNet denoiser: at its initialization it is the TV-QP (up to the 1e-3 noise of W
// and the slack curvature), and its loss has the gradient of central finite differences (the same QP
// assembled and solved in Float64) along a random direction of each parameter.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/tensor/rng.ts';
import { solveQp } from '../../../../src/solvers/qp/index.ts';
import { TV_INIT_EPS, TvInitOptNet } from '../../../../scripts/lib/optnet/tv-init-optnet.ts';
import { differenceMatrix, tvDenoise } from '../../../../scripts/lib/optnet/tv-qp.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TvInitOptNet', () => {
  const n = 8, B = 3, lambda = 2;
  const rng = new Rng(5);
  // Piecewise-constant signals with noise, at the experiment's scale.
  const y = Float32Array.from({ length: B * n }, (_, i) => (i % n < n / 2 ? 20 : 50) + 5 * rng.normal());

  it('starts as the TV-QP with the same λ', () => {
    const model = new TvInitOptNet(n, lambda, new Rng(1));
    const yt = tf.tensor2d(y, [B, n]);
    const ours = model.predict(yt).dataSync();
    const D = differenceMatrix(n);
    const tv = tvDenoise(D, yt, lambda).dataSync();
    // W's 1e-3 noise moves p by ≈ 1e-3·‖y‖ ≈ 0.1 on signals of 20–50.
    ours.forEach((v, i) => expect(Math.abs(v - tv[i]!), `entry ${i}`).toBeLessThan(0.5));
    tf.dispose([yt, D]);
    model.dispose();
  });

  it('has the gradient of central finite differences (Float64 solves) along a random direction of each parameter', () => {
    const model = new TvInitOptNet(n, lambda, new Rng(2));
    const yt = tf.tensor2d(y, [B, n]);
    const cArr = new Rng(3).normalArray(B * n);
    const c = tf.tensor2d(cArr, [B, n]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(c, model.predict(yt))) as tf.Scalar, model.variables());
    const base = model.variables().map((v) => Float64Array.from(v.dataSync()));
    const nz = 2 * n - 1, m = 2 * n - 2;
    // L = Σ c ⊙ x*(θ) with the model's QP assembled and solved in Float64.
    const lossF64 = ([L, G, z0, s0, W, cv]: Float64Array[]): number => {
      const Q = Array.from({ length: nz }, (_, i) => Array.from({ length: nz }, (_, j) => {
        let s = i === j ? TV_INIT_EPS : 0;
        for (let k = 0; k <= Math.min(i, j); k++) s += L![i * nz + k]! * L![j * nz + k]!;
        return s;
      }));
      const Gm = Array.from({ length: m }, (_, r) => Array.from(G!.subarray(r * nz, (r + 1) * nz)));
      const h = Gm.map((row, r) => row.reduce((a, g, k) => a + g * z0![k]!, s0![r]!));
      const p = Array.from({ length: B }, (_, b) => Array.from({ length: nz }, (_, i) => {
        let s = cv![i]!;
        for (let j = 0; j < n; j++) s += W![i * n + j]! * y[b * n + j]!;
        return s;
      }));
      const sol = solveQp({ Q, p, G: Gm, h });
      expect(sol.status.every((st) => st === 'optimal')).toBe(true);
      let out = 0;
      for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) out += cArr[b * n + i]! * sol.z[b * nz + i]!;
      return out;
    };
    const dir = new Rng(4);
    model.variables().forEach((v, vi) => {
      const g = grads[v.name]!.dataSync();
      expect(g.every(Number.isFinite), v.name).toBe(true);
      const V = dir.normalArray(v.size);
      let analytic = 0;
      V.forEach((e, k) => (analytic += e * g[k]!));
      const at = (d: number) => lossF64(base.map((a, i) => (i === vi ? a.map((x, k) => x + d * V[k]!) : a)));
      const h = 1e-6;
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(analytic - fd), `${v.name}: analytic ${analytic} vs fd ${fd}`).toBeLessThan(0.02 * Math.max(Math.abs(fd), Math.abs(analytic)) + 1e-2);
    });
    tf.dispose([yt, c, value, ...Object.values(grads)]);
    model.dispose();
  });
});
