// Tests of policies/l2o/problems.ts: minima at 0, batched shapes, gradients against finite differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listProblemFamilies, makeProblem } from '../../../policies/l2o/problems.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('problem families', () => {
  it('registers the five families and rejects unknown names and bad dims', () => {
    expect(listProblemFamilies().sort()).toEqual(['ackley', 'mlp', 'quadratic', 'rastrigin', 'styblinski-tang']);
    expect(() => makeProblem('rosenbrock', 2, new Rng(0))).toThrow(/makeProblem: unknown problem family "rosenbrock"; registered: ackley, mlp, quadratic, rastrigin, styblinski-tang/);
    expect(() => makeProblem('mlp', 1, new Rng(0))).toThrow(/dim must be an integer ≥ 2/);
  });

  it.each(['rastrigin', 'ackley', 'styblinski-tang', 'quadratic', 'mlp'])('%s: f ≥ 0, batched, gradient matches finite differences', (name) => {
    const rng = new Rng(7);
    const M = 7;
    const p = makeProblem(name, M, rng);
    const theta = p.init(3, rng);
    expect(theta.shape).toEqual([3, M]);
    const f = p.f(theta);
    expect(f.shape).toEqual([3]);
    for (const v of f.dataSync()) expect(v).toBeGreaterThanOrEqual(0);
    const g = p.grad(theta).dataSync();
    const base = theta.dataSync();
    const h = 1e-2;
    for (const [b, i] of [[0, 0], [1, 3], [2, 6]] as const) {
      const at = (d: number) => {
        const x = Float32Array.from(base);
        x[b * M + i] = x[b * M + i]! + d;
        return tf.tidy(() => p.f(tf.tensor2d(x, [3, M])).dataSync()[b]!);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(g[b * M + i]! - fd)).toBeLessThan(0.05 + 0.02 * Math.abs(fd));
    }
    expect(() => p.f(tf.zeros([3, M + 1]))).toThrow(new RegExp(`θ must be \\[B, ${M}\\]`));
    tf.dispose([theta, f]);
    p.dispose();
  });

  it('the shifted minima are 0: rastrigin and ackley at c, quadratic at c, styblinski-tang at c − 2.9035', () => {
    const rng = new Rng(3);
    for (const name of ['rastrigin', 'ackley', 'quadratic', 'styblinski-tang']) {
      const r = rng.split();
      const p = makeProblem(name, 4, r);
      // recover the shift: the minimizer of each coordinate on a fine grid around the origin
      const grid = tf.tidy(() => tf.linspace(-4, 4, 8001));
      const gd = grid.dataSync();
      const argmins: number[] = [];
      for (let i = 0; i < 4; i++) {
        const vals = tf.tidy(() => {
          const X = tf.tile(tf.zeros([1, 4]), [8001, 1]).bufferSync();
          for (let k = 0; k < 8001; k++) X.set(gd[k]!, k, i);
          const others = argmins.length; // coordinates before i are set to their found minimizers
          for (let j = 0; j < others; j++) for (let k = 0; k < 8001; k++) X.set(argmins[j]!, k, j);
          return p.f(X.toTensor()).dataSync();
        });
        let best = 0;
        for (let k = 1; k < vals.length; k++) if (vals[k]! < vals[best]!) best = k;
        argmins.push(gd[best]!);
      }
      // a second sweep with all other coordinates at their minimizers gives the global minimum ≈ 0
      const fmin = tf.tidy(() => p.f(tf.tensor2d([argmins], [1, 4])).dataSync()[0]!);
      expect(fmin).toBeLessThan(name === 'styblinski-tang' ? 0.05 : 0.02);
      grid.dispose();
      p.dispose();
    }
  });
});
