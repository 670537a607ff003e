// NOVAS: the update formulas on a hand-checked case, convergence on batched quadratics and a tilted double
// well, finite differences (unrolled; and with samples clipped onto a bound, truncated and unrolled), the
// truncated default's gradient, bounds, backward modes,
// the soft-CE shape, bad input and tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveBounds } from '../../src/solvers/common.ts';
import { NovasSolver, minMaxNormalize, novas, novasStep } from '../../src/solvers/novas.ts';
import { makeSolver } from '../../src/solvers/types.ts';
import { stopGradient } from '../../src/tensor/stop-gradient.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const quad = (target: tf.Tensor) => (X: tf.Tensor) => tf.sum(tf.square(tf.sub(X, target)), -1);
/** f(X) = Σ_j ½·a·X_j² + c·cos(ω X_j) (non-convex for c·ω² > a). */
const wavy = (a: tf.Tensor, c: tf.Tensor, w: tf.Tensor) => (X: tf.Tensor) =>
  tf.sum(tf.add(tf.mul(tf.mul(0.5, a), tf.square(X)), tf.mul(c, tf.cos(tf.mul(w, X)))), -1);

beforeAll(async () => {
  await useTestBackend();
});

describe('novasStep', () => {
  it('implements the documented update on a small case (checked by hand in Float64)', () => {
    const mu = [0.5, -1];
    const sigma = [1, 0.5];
    const eps = [[0.3, -1.2], [-0.7, 0.4], [1.5, 0.1]];
    const kappa = 3;
    const alpha = 0.7;
    const X = eps.map((e) => e.map((v, j) => mu[j]! + sigma[j]! * v));
    const f = X.map((x) => x.reduce((s, v) => s + (v - 1) * (v - 1), 0));
    const lo = Math.min(...f);
    const hi = Math.max(...f);
    const fn = f.map((v) => (v - lo) / (hi - lo));
    const ex = fn.map((v) => Math.exp(-kappa * v));
    const S = ex.map((v) => v / ex.reduce((a, b) => a + b, 0));
    const muNew = mu.map((m, j) => m + alpha * S.reduce((s, w, i) => s + w * (X[i]![j]! - m), 0));
    const sigNew = sigma.map((sg, j) => Math.sqrt(sg * sg + alpha * (S.reduce((s, w, i) => s + w * (X[i]![j]! - mu[j]!) ** 2, 0) - sg * sg)));
    const r = novasStep(quad(tf.scalar(1)), tf.tensor([mu]), tf.tensor([sigma]), tf.tensor([eps]), { kappa, alpha });
    expect(maxAbs(r.S.dataSync(), S)).toBeLessThan(1e-6);
    expect(maxAbs(r.mu.dataSync(), muNew)).toBeLessThan(1e-5);
    expect(maxAbs(r.sigma.dataSync(), sigNew)).toBeLessThan(1e-5);
  });

  it('normalizes per problem to [0, 1] and floors sigma', () => {
    const fn = minMaxNormalize(tf.tensor([[3, 1, 2], [5, 5, 5]])).arraySync() as number[][];
    expect(fn[0]).toEqual([1, 0, 0.5]);
    expect(fn[1]).toEqual([0, 0, 0]);
    // d f̃ / d f: through one argmin and one argmax sample; none for a problem whose values are all equal.
    const wts = tf.tensor([[0.3, -0.2, 0.5, 0.1], [1, 2, 3, 4]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(minMaxNormalize(v), wts)))(tf.tensor([[1, 1, 3, 2], [5, 5, 5, 5]])).arraySync() as number[][];
    // Row 0: f̃ = (f − f₀)/r with argmin 0 (the first of the tie), argmax 2, r = f₂ − f₀ = 2, f̃ = [0, 0, 1, ½]:
    // ∂/∂f_s = w_s/r, plus (Σ w f̃ − Σ w)/r on f₀ and −Σ w f̃/r on f₂ (Σ w = 0.7, Σ w f̃ = 0.55); f₁ ties f₀
    // but is not differentiated as the minimum.
    const expected0 = [(0.3 + 0.55 - 0.7) / 2, -0.2 / 2, (0.5 - 0.55) / 2, 0.1 / 2];
    expect(maxAbs(g[0]!, expected0)).toBeLessThan(1e-6);
    expect(g[1]).toEqual([0, 0, 0, 0]);
    wts.dispose();
    const r = novasStep((X) => tf.sum(X, -1), tf.zeros([1, 2]), tf.ones([1, 2]), tf.zeros([1, 4, 2]), { sigmaMin: 0.05 });
    expect(Array.from(r.sigma.dataSync())).toEqual([0.05, 0.05].map(Math.fround));
  });

  it("the 'soft-ce' shape weights the elite fraction and sums to 1", () => {
    const S = novasStep((X) => tf.sum(X, -1), tf.zeros([1, 1]), tf.ones([1, 1]), tf.tensor([[[-2], [-1], [0], [1], [2], [3], [4], [5], [6], [7]]]), {
      shape: 'soft-ce',
      eliteFraction: 0.2,
    }).S.dataSync();
    expect(Math.abs(Array.from(S).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    expect(S[0]! + S[1]!).toBeGreaterThan(0.95);
  });

  it("the 'soft-ce' shape is differentiable (its constant γ comes from a host copy: tf.topk has no gradient)", () => {
    const eps = new Rng(3).normalTensor([2, 20, 1]);
    const g = tf.grad((c: tf.Tensor) => tf.sum(novasStep((X) => tf.sum(tf.square(tf.sub(X, c)), -1), tf.zeros([2, 1]), tf.ones([2, 1]), eps, { shape: 'soft-ce', sharpness: 10 }).mu))(tf.scalar(0.5));
    const v = g.dataSync()[0]!;
    expect(Number.isFinite(v) && Math.abs(v) > 1e-3).toBe(true);
    tf.dispose([eps, g]);
  });
});

describe('novas solver', () => {
  it('minimizes a batch of quadratics with status, value and trace', () => {
    const target = tf.tensor([[1, -2, 0.5], [0, 0, 3]]).expandDims(1);
    const r = makeSolver('novas', { samples: 100, iterations: 30, alpha: 0.8 }).solve(
      quad(target),
      { mean: tf.zeros([2, 3]), std: tf.scalar(2) },
      { rng: new Rng(1), trace: true },
    );
    expect(maxAbs(r.solution.dataSync(), target.dataSync())).toBeLessThan(0.1);
    expect(r.value.shape).toEqual([2]);
    expect(r.value.dataSync()[0]!).toBeLessThan(0.02);
    expect(r.info.status).toHaveLength(2);
    expect(r.info.trace!.best.at(-1)![1]!).toBeLessThan(r.info.trace!.best[0]![1]!);
    tf.dispose([target, r.solution, r.value]);
  });

  it('escapes a local basin of a non-convex objective', () => {
    // Tilted double well per dimension, (x² − 1)² + 0.3x: global minimum near x = −1.04 (≈ −0.31), local
    // minimum near x = +0.96 (≈ +0.29). Started in the local basin at 1.5, every problem must end in the
    // global one, which descent from the start would not reach.
    const f = (X: tf.Tensor) => tf.sum(tf.add(tf.square(tf.sub(tf.square(X), 1)), tf.mul(0.3, X)), -1);
    const r = novas(f, { mean: tf.fill([8, 2], 1.5), std: tf.scalar(2) }, { samples: 200, iterations: 20, rng: new Rng(7) });
    for (const x of r.solution.dataSync()) expect(x).toBeLessThan(-0.5);
    for (const v of r.value.dataSync()) expect(v).toBeLessThan(0);
    tf.dispose([r.solution, r.value]);
  });

  it('keeps samples and the solution inside box bounds', () => {
    const seen: number[] = [];
    const target = tf.tensor([[[2, -2]]]);
    const f = (X: tf.Tensor) => {
      seen.push(tf.max(tf.abs(X)).dataSync()[0]!);
      return quad(target)(X);
    };
    const r = novas(f, { mean: tf.zeros([1, 2]), std: tf.scalar(3) }, { samples: 60, iterations: 8, bounds: [-1, 1], rng: new Rng(2) });
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    const s = r.solution.dataSync();
    expect(s[0]!).toBeGreaterThan(0.8);
    expect(s[1]!).toBeLessThan(-0.8);
    tf.dispose([target, r.solution, r.value]);
  });

  it('unrolled gradients match central finite differences w.r.t. objective parameters', () => {
    const noise = new Rng(5).normalTensor([3, 2, 40, 3]);
    const theta0 = [1.2, 0.7, 2.0];
    const w = tf.tensor([[0.3, -1, 0.5], [1, 0.2, -0.4]]);
    const run = (a: tf.Tensor, c: tf.Tensor, om: tf.Tensor) => {
      const r = novas(wavy(a, c, om), { mean: tf.tensor([[0.3, -0.2, 0.1], [1, 0, -1]]), std: tf.scalar(0.5) }, {
        samples: 40, iterations: 3, noise, kappa: 3, alpha: 0.5, backward: 'unroll',
      });
      r.value.dispose();
      return tf.sum(tf.mul(r.solution, w));
    };
    const g = tf.grads(run)(theta0.map((v) => tf.scalar(v))).map((t) => t.dataSync()[0]!);
    expect(g.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    const h = 1e-2;
    for (let i = 0; i < 3; i++) {
      const at = (d: number) => tf.tidy(() => run(...(theta0.map((v, j) => tf.scalar(j === i ? v + d : v)) as [tf.Tensor, tf.Tensor, tf.Tensor])).dataSync()[0]!);
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(fd - g[i]!)).toBeLessThan(5e-3 + 5e-2 * Math.abs(fd));
    }
    tf.dispose([noise, w]);
  });

  it('gradients match finite differences when samples clipped onto a bound tie for the best value', () => {
    // f(X) = a·X + c·X² on the box [−1, 1] with a > 2c: the minimum is on the lower bound, so from a mean
    // near it many samples are clipped onto −1 and share the best value. min_s f then has many tied
    // arguments, and its derivative must be that of one sample: tf.min sends it to every tie, which
    // multiplied d(min f) by the number of ties (here: gradients ~100 times the finite differences, of the
    // opposite sign).
    // Checked for one update from a fixed (μ, σ) (what { truncated: 1 } differentiates) and unrolled.
    const noise = new Rng(12).normalTensor([4, 2, 40, 1]);
    const theta0 = [1.5, 0.6];
    const w = tf.tensor([[1], [0.5]]);
    const f = (a: tf.Tensor, c: tf.Tensor) => (X: tf.Tensor) => tf.sum(tf.add(tf.mul(a, X), tf.mul(c, tf.square(X))), -1);
    const mean = tf.tensor([[-0.98], [-0.9]]);
    const std = tf.tensor([[0.05], [0.3]]);
    const step = (a: tf.Tensor, c: tf.Tensor) => {
      const bounds = resolveBounds([-1, 1], 2, 1);
      const r = novasStep(f(a, c), mean, std, noise.slice([0], [1]).reshape([2, 40, 1]), { kappa: 3, alpha: 0.5, bounds });
      expect(tf.sum(tf.cast(tf.equal(r.X, -1), 'float32')).dataSync()[0]!).toBeGreaterThan(20);
      return tf.sum(tf.mul(r.mu, w));
    };
    const unrolled = (a: tf.Tensor, c: tf.Tensor) => {
      const r = novas(f(a, c), { mean, std }, { samples: 40, iterations: 4, noise, kappa: 3, alpha: 0.5, bounds: [-1, 1], iterEps: 0, backward: 'unroll' });
      r.value.dispose();
      return tf.sum(tf.mul(r.solution, w));
    };
    for (const run of [step, unrolled]) {
      const g = tf.grads(run)(theta0.map((v) => tf.scalar(v))).map((t) => t.dataSync()[0]!);
      expect(g.some((v) => Math.abs(v) > 1e-2)).toBe(true);
      const h = 1e-2;
      for (let i = 0; i < 2; i++) {
        const at = (d: number) => tf.tidy(() => run(...(theta0.map((v, j) => tf.scalar(j === i ? v + d : v)) as [tf.Tensor, tf.Tensor])).dataSync()[0]!);
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(fd - g[i]!)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
      }
    }
    tf.dispose([noise, w, mean, std]);
  });

  it('defaults to { truncated: 1 }: the gradient of the last step from the detached previous iterate', () => {
    const noise = new Rng(6).normalTensor([3, 1, 30, 2]);
    const m0 = tf.tensor([[0.4, -0.3]]);
    const opts = { samples: 30, kappa: 4, alpha: 0.6, iterEps: 0 };
    const f = (t: tf.Tensor) => quad(t.reshape([1, 1, 2]));
    const t0 = tf.tensor([0.5, -0.5]);
    // Forward to the iterate entering the last update (2 updates), then differentiate one step.
    const pre = novas(f(t0), { mean: m0 }, { ...opts, iterations: 2, noise: noise.slice([0], [2]) });
    const [gRef] = tf.grads((t: tf.Tensor) => {
      // The iterate entering update 2 is (μ₂, σ₂); recompute σ₂ by running 2 updates detached.
      let mu = m0;
      let sigma = tf.ones([1, 2]);
      for (let i = 0; i < 2; i++) {
        const s = novasStep(f(stopGradient(t)), mu, sigma, noise.slice([i], [1]).reshape([1, 30, 2]), opts);
        mu = s.mu;
        sigma = s.sigma;
      }
      const last = novasStep(f(t), stopGradient(mu), stopGradient(sigma), noise.slice([2], [1]).reshape([1, 30, 2]), opts);
      return tf.sum(last.mu);
    })([t0]);
    const [gDefault] = tf.grads((t: tf.Tensor) => tf.sum(novas(f(t), { mean: m0 }, { ...opts, iterations: 3, noise }).solution))([t0]);
    const [gUnroll] = tf.grads((t: tf.Tensor) => tf.sum(novas(f(t), { mean: m0 }, { ...opts, iterations: 3, noise, backward: 'unroll' }).solution))([t0]);
    const [gNone] = tf.grads((t: tf.Tensor) => tf.sum(novas(f(t), { mean: m0 }, { ...opts, iterations: 3, noise, backward: 'none' }).solution))([t0]);
    expect(maxAbs(gDefault!.dataSync(), gRef!.dataSync())).toBeLessThan(1e-5);
    expect(maxAbs(gUnroll!.dataSync(), gDefault!.dataSync())).toBeGreaterThan(1e-3);
    expect(Array.from(gNone!.dataSync()).every((v) => v === 0)).toBe(true);
    const [gm] = tf.grads((m: tf.Tensor) => tf.sum(novas(f(t0), { mean: m }, { ...opts, iterations: 3, noise }).solution))([m0]);
    expect(Array.from(gm!.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([noise, m0, t0, pre.solution, pre.value]);
  });

  it('after an early stop, { truncated: k } still differentiates exactly the last k updates', () => {
    const noise = new Rng(8).normalTensor([10, 1, 30, 2]);
    const m0 = tf.tensor([[3, -3]]);
    const t0 = tf.tensor([0.5, -0.5]);
    const f = (t: tf.Tensor) => quad(t.reshape([1, 1, 2]));
    const base = { samples: 30, iterations: 10, noise, kappa: 4, alpha: 0.6, iterEps: 0.2 };
    const r = novas(f(t0), { mean: m0 }, base);
    // The stop fires before the planned detach at update 10 − 1 (where, depends on the noise draws).
    expect(r.info.stoppedAt).toBeLessThan(base.iterations - 2);
    expect(r.info.iterations).toBe(r.info.stoppedAt! + 1);
    expect(r.info.status).toEqual(['converged']);
    const [gm] = tf.grads((m: tf.Tensor) => tf.sum(novas(f(t0), { mean: m }, { ...base, backward: { truncated: 1 } }).solution))([m0]);
    expect(Array.from(gm!.dataSync()).every((v) => v === 0)).toBe(true);
    const [gu] = tf.grads((m: tf.Tensor) => tf.sum(novas(f(t0), { mean: m }, { ...base, backward: 'unroll' }).solution))([m0]);
    expect(Math.max(...Array.from(gu!.dataSync(), Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose([noise, m0, t0, r.solution, r.value]);
  });

  it('rejects bad input with errors naming the field', () => {
    const f = (X: tf.Tensor) => tf.sum(X, -1);
    const m = tf.zeros([2, 3]);
    expect(() => novas(f, { mean: m, std: tf.ones([3, 3]) })).toThrow(/init.std: expected a scalar, \[n\] = \[3\] or \[B, n\]/);
    expect(() => novas(f, { mean: m }, { samples: 1 })).toThrow(/samples must be ≥ 2/);
    expect(() => novas(f, { mean: m }, { alpha: 0 })).toThrow(/alpha must be a positive number/);
    expect(() => novas(f, { mean: m }, { shape: 'cem' as any })).toThrow(/unknown shape "cem"/);
    expect(() => novas(f, { mean: m }, { bounds: [1, -1] })).toThrow(/bounds: every lower bound/);
    expect(() => novas((X) => tf.sum(X, [1, 2]), { mean: m }, { samples: 10 })).toThrow(/objective output f\(X\): expected shape \[2, 10\]/);
    expect(() => new NovasSolver({ kapa: 3 } as any)).toThrow(/unknown option "kapa"/);
    m.dispose();
  });

  it('leaks no tensors across solves with gradients', () => {
    const m = tf.tensor([[0.5, 0.5]]);
    const t = tf.tensor([1, 2]);
    const once = () =>
      tf.tidy(() => {
        const [g] = tf.grads((tt: tf.Tensor) => {
          const r = novas((X) => tf.sum(tf.square(tf.sub(X, tt)), -1), { mean: m }, { samples: 20, iterations: 3, rng: new Rng(0), trace: true, iterEps: 0.5 });
          return tf.add(tf.sum(r.solution), tf.sum(r.value));
        })([t]);
        g!.dataSync();
      });
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    const r = novas((X) => tf.sum(X, -1), { mean: m }, { samples: 20, iterations: 3, rng: new Rng(0) });
    tf.dispose([r.solution, r.value]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, t]);
  });
});
