// Tests of the unrolled GD / Adam solver: convergence on quadratics, gradients through the unroll (second-order
// terms included) against finite differences and closed forms, backward modes, bounds, errors, memory.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradientDescent } from '../../src/solvers/gd.ts';
import { makeSolver, type Objective, type SolveOptions } from '../../src/solvers/types.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

/** f(X) = ½ Σ a (X − c)², X `[B, 1, n]`, a and c scalars (closed over). */
const quadratic = (a: tf.Tensor, c: tf.Tensor): Objective => (X) => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(X, c))), -1));

/** A smooth non-quadratic objective whose Hessian and mixed derivative both depend on θ = (w, s). */
const wavy = (w: tf.Tensor, s: tf.Tensor): Objective => (X) =>
  tf.sum(tf.add(tf.mul(s, tf.sin(tf.mul(w, X))), tf.mul(0.5, tf.square(X))), -1);

/** Central finite difference of a scalar function of one variable's values, entry by entry. */
function finiteDiff(v: tf.Variable, loss: () => number, eps: number): number[] {
  const base = Array.from(v.dataSync());
  const out: number[] = [];
  for (let i = 0; i < base.length; i++) {
    const at = (d: number): number => {
      const p = base.slice();
      p[i]! += d;
      v.assign(tf.tensor(p, v.shape));
      return loss();
    };
    out.push((at(eps) - at(-eps)) / (2 * eps));
  }
  v.assign(tf.tensor(base, v.shape));
  return out;
}

describe('GradientDescent forward', () => {
  it('gd and adam minimize a batch of quadratics (B = 3, n = 2)', () => {
    const c = tf.tensor([[1, -2], [0.5, 0.5], [-3, 2]]).reshape([3, 1, 2]);
    const f = quadratic(tf.scalar(1), c);
    const mean = tf.zeros([3, 2]);
    const gd = makeSolver('gd', { steps: 60, lr: 0.3 }).solve(f, { mean });
    expect(Array.from(gd.solution.dataSync())).toEqual(Array.from(c.dataSync()).map((x) => expect.closeTo(x, 4)));
    expect(gd.value.shape).toEqual([3]);
    expect(Math.max(...gd.value.dataSync())).toBeLessThan(1e-6);
    const adam = makeSolver('adam', { steps: 300, lr: 0.1 }).solve(f, { mean });
    expect(Array.from(adam.solution.dataSync())).toEqual(Array.from(c.dataSync()).map((x) => expect.closeTo(x, 2)));
    tf.dispose([c, mean, gd.solution, gd.value, adam.solution, adam.value]);
  });

  it('projects onto box bounds and reports a trace', () => {
    const f = quadratic(tf.scalar(1), tf.scalar(3));
    const mean = tf.zeros([2, 2]);
    const hi = tf.tensor([[1, 2], [0.5, 5]]);
    const r = new GradientDescent({ steps: 40, lr: 0.5 }).solve(f, { mean }, { bounds: [-1, hi], trace: true });
    expect(Array.from(r.solution.dataSync())).toEqual([1, 2, 0.5, 3].map((x) => expect.closeTo(x, 4)));
    expect(r.info.trace!.best.length).toBe(40);
    expect(r.info.trace!.best[39]![0]).toBeCloseTo(0.5 * (4 + 1), 3);
    expect(r.info.status).toEqual(['max-iter', 'max-iter']);
    tf.dispose([mean, hi, r.solution, r.value]);
  });

  it('rejects bad inputs with errors naming the field', () => {
    const f = quadratic(tf.scalar(1), tf.scalar(0));
    const s = new GradientDescent();
    expect(() => s.solve(f, { mean: tf.zeros([3]) })).toThrow(/init\.mean: expected shape \[B, n\]/);
    expect(() => s.solve((X) => tf.sum(X, [1, 2]), { mean: tf.zeros([2, 3]) })).toThrow(/objective: must map X \[B, N, n\]/);
    expect(() => s.solve(f, { mean: tf.zeros([2, 3]) }, { iterations: 0 })).toThrow(/iterations: expected a positive integer/);
    expect(() => s.solve(f, { mean: tf.zeros([2, 3]) }, { backward: { truncated: 0 } })).toThrow(/gd: backward \{ truncated: k \} needs an integer k ≥ 1/);
    expect(() => s.solve(f, { mean: tf.zeros([2, 3]) }, { backward: 'implicit' })).toThrow(/gd: backward "implicit" is not supported; gd supports/);
    expect(() => new GradientDescent({ method: 'newton' as never })).toThrow(/method must be one of gd, adam/);
    expect(() => new GradientDescent({ lr: -1 })).toThrow(/gd: lr: expected a positive finite number/);
  });
});

describe('GradientDescent backward', () => {
  it('unrolled gd on a quadratic matches the closed form dx_T/dc = 1 − (1 − αa)^k (truncated to k steps)', () => {
    const a = tf.variable(tf.scalar(2));
    const c = tf.variable(tf.scalar(1.5));
    const alpha = 0.1;
    const T = 6;
    const solver = new GradientDescent({ steps: T, lr: alpha });
    const grad = (backward: SolveOptions['backward']) => {
      const { grads } = tf.variableGrads(() => {
        const r = solver.solve(quadratic(a, c), { mean: tf.zeros([1, 1]) }, { backward });
        return tf.sum(r.solution) as tf.Scalar;
      }, [c]);
      const g = grads[c.name]!.dataSync()[0]!;
      tf.dispose(Object.values(grads));
      return g;
    };
    expect(grad('unroll')).toBeCloseTo(1 - (1 - alpha * 2) ** T, 5);
    expect(grad({ truncated: 2 })).toBeCloseTo(1 - (1 - alpha * 2) ** 2, 5);
    expect(grad({ truncated: T + 5 })).toBeCloseTo(1 - (1 - alpha * 2) ** T, 5);
    // 'none': the solution is a constant, so c receives no gradient from it.
    const { grads } = tf.variableGrads(() => {
      const r = solver.solve(quadratic(a, c), { mean: tf.zeros([1, 1]) }, { backward: 'none' });
      return tf.add(tf.sum(r.solution), tf.mul(0, c)) as tf.Scalar;
    }, [c]);
    expect(grads[c.name]!.dataSync()[0]).toBe(0);
    tf.dispose([a, c, ...Object.values(grads)]);
  });

  for (const method of ['gd', 'adam'] as const) {
    it(`${method}: gradient of a loss on the unrolled solution matches finite differences (second-order terms)`, () => {
      const w = tf.variable(tf.tensor1d([1.3, 0.7]));
      const s = tf.variable(tf.scalar(0.8));
      const rng = new Rng(3);
      const mean = rng.normalTensor([2, 2]);
      const target = rng.normalTensor([2, 2]);
      const solver = new GradientDescent({ method, steps: 5, lr: method === 'gd' ? 0.2 : 0.1 });
      const lossT = () =>
        tf.tidy(() => {
          const r = solver.solve(wavy(w, s), { mean });
          return tf.add(tf.sum(tf.square(tf.sub(r.solution, target))), tf.sum(r.value)) as tf.Scalar;
        });
      const { grads } = tf.variableGrads(lossT, [w, s]);
      const loss = () => {
        const l = lossT();
        const v = l.dataSync()[0]!;
        l.dispose();
        return v;
      };
      for (const v of [w, s]) {
        const fd = finiteDiff(v, loss, 1e-2);
        const ad = Array.from(grads[v.name]!.dataSync());
        ad.forEach((g, i) => expect(Math.abs(g - fd[i]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd[i]!)));
        // Dropping the second-order terms would change the gradient substantially: guard that the check can fail.
        expect(Math.max(...ad.map(Math.abs))).toBeGreaterThan(1e-2);
      }
      tf.dispose([w, s, mean, target, ...Object.values(grads)]);
    });
  }

  it('gradient through projected steps matches finite differences when a bound is active', () => {
    const c = tf.variable(tf.tensor1d([0.3, 2.5]));
    const mean = tf.zeros([1, 2]);
    const solver = new GradientDescent({ steps: 8, lr: 0.3 });
    const lossT = () =>
      tf.tidy(() => {
        const r = solver.solve(quadratic(tf.scalar(1), c), { mean }, { bounds: [-1, 1] });
        return tf.sum(tf.mul(tf.tensor1d([1, 2]), r.solution)) as tf.Scalar;
      });
    const { grads } = tf.variableGrads(lossT, [c]);
    const fd = finiteDiff(c, () => {
      const l = lossT();
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    }, 1e-2);
    const ad = Array.from(grads[c.name]!.dataSync());
    expect(ad[0]).toBeCloseTo(fd[0]!, 3);
    expect(ad[0]).toBeCloseTo(1 - 0.7 ** 8, 4);
    expect(ad[1]).toBeCloseTo(0, 6); // pinned at the upper bound
    expect(fd[1]).toBeCloseTo(0, 3);
    tf.dispose([c, mean, ...Object.values(grads)]);
  });

  it('leaks no tensors across forward solves and gradient computations', () => {
    const w = tf.variable(tf.tensor1d([1.1, 0.9]));
    const s = tf.variable(tf.scalar(0.5));
    const mean = tf.ones([4, 2]);
    const solver = new GradientDescent({ method: 'adam', steps: 4 });
    const once = () => {
      const r = solver.solve(wavy(w, s), { mean }, { bounds: [-2, 2], trace: true });
      tf.dispose([r.solution, r.value]);
      const { value, grads } = tf.variableGrads(() => tf.sum(solver.solve(wavy(w, s), { mean }).solution) as tf.Scalar, [w, s]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, s, mean]);
  });
});
