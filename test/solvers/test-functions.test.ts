// Tests of the non-convex test functions: known values, minima at the stated minimizers, shapes, errors, and
// autodiff gradients against finite differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_FUNCTIONS, ackley, getTestFunction, rastrigin, rosenbrock, styblinskiTang } from '../../src/solvers/test-functions.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

const at = (fn: { f: (X: tf.Tensor) => tf.Tensor }, x: number[]): number =>
  tf.tidy(() => fn.f(tf.tensor(x, [1, 1, x.length])).dataSync()[0]!);

describe('test functions', () => {
  it('take the known values at hand-computed points', () => {
    expect(at(rastrigin, [1, 1, 1])).toBeCloseTo(3, 4); // 10n + Σ(1 − 10)
    expect(at(rastrigin, [0.5])).toBeCloseTo(10 + 0.25 + 10, 4); // cos(π) = −1
    expect(at(rosenbrock, [0, 0, 0])).toBeCloseTo(2, 5);
    expect(at(rosenbrock, [-1, 1])).toBeCloseTo(4, 5);
    expect(at(styblinskiTang, [0, 1])).toBeCloseTo(0.5 * (1 - 16 + 5), 5);
    expect(at(ackley, [1, 1])).toBeCloseTo(-20 * Math.exp(-0.2) - Math.E + 20 + Math.E, 4);
  });

  for (const fn of Object.values(TEST_FUNCTIONS)) {
    it(`${fn.name}: the stated minimizer attains the stated minimum and is a local minimum`, () => {
      for (const n of [fn.minDim, 5]) {
        const xs = fn.minimizer(n);
        const fmin = at(fn, xs);
        expect(Math.abs(fmin - fn.minimum(n))).toBeLessThan(1e-5 * Math.max(1, Math.abs(fn.minimum(n))));
        // random nearby points are no better
        const rng = new Rng(n);
        const worse = tf.tidy(() => {
          const X = tf.add(tf.tensor(xs, [1, 1, n]), tf.mul(0.05, rng.normalTensor([1, 64, n])));
          return Array.from(fn.f(X).dataSync());
        });
        worse.forEach((v) => expect(v).toBeGreaterThanOrEqual(fmin - 1e-4));
      }
    });
  }

  it('rastrigin keeps its precision near the minimum (no cancellation of 10n against Σ 10 cos 2πxᵢ)', () => {
    for (const d of [1e-3, 1e-2]) {
      const exact = 5 * (d * d + 20 * Math.sin(Math.PI * d) ** 2);
      expect(Math.abs(at(rastrigin, [d, d, d, d, d]) - exact) / exact).toBeLessThan(1e-4);
    }
  });

  it('map [B, N, n] to [B, N] and reject bad shapes with a fix', () => {
    const X = tf.zeros([3, 4, 5]);
    for (const fn of Object.values(TEST_FUNCTIONS)) expect(fn.f(X).shape).toEqual([3, 4]);
    expect(() => rastrigin.f(tf.zeros([3, 5]))).toThrow(/rastrigin: X must have shape \[B, N, n\].*expandDims/);
    expect(() => rosenbrock.f(tf.zeros([1, 1, 1]))).toThrow(/rosenbrock: needs n ≥ 2/);
    expect(() => getTestFunction('sphere')).toThrow(/unknown; known: rastrigin, ackley/);
    expect(getTestFunction('ackley')).toBe(ackley);
  });

  for (const fn of Object.values(TEST_FUNCTIONS)) {
    it(`${fn.name}: autodiff gradient matches central finite differences`, () => {
      const rng = new Rng(11);
      const n = 3;
      const x = Array.from(rng.uniformArray(n, -1.5, 1.5));
      const g = tf.tidy(() => Array.from(tf.grad((X: tf.Tensor) => tf.sum(fn.f(X)))(tf.tensor(x, [1, 1, n])).dataSync()));
      const eps = 1e-2;
      for (let i = 0; i < n; i++) {
        const p = x.slice();
        const m = x.slice();
        p[i]! += eps;
        m[i]! -= eps;
        const fd = (at(fn, p) - at(fn, m)) / (2 * eps);
        expect(Math.abs(g[i]! - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
    });
  }

  it('ackley has a finite gradient at its minimizer', () => {
    const g = tf.tidy(() => tf.grad((X: tf.Tensor) => tf.sum(ackley.f(X)))(tf.zeros([1, 1, 4])).dataSync());
    g.forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });
});
