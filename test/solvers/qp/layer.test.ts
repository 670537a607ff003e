// Tests of the tfjs QP op (src/solvers/qp/layer.ts): tf.grads reaches every input and equals the Float64
// backward; central finite differences through the op itself; shared inputs; no tensor leaks; errors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { qpBackward } from '../../../src/solvers/qp/backward.ts';
import { qpLayer, solveQp } from '../../../src/solvers/qp/layer.ts';
import { QpError } from '../../../src/solvers/qp/types.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { maxAbsDiff, randomQp } from './fixture.ts';

beforeAll(async () => {
  await useTestBackend();
});

const NAMES = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;

function tensors(params: ReturnType<typeof randomQp>) {
  return Object.fromEntries(NAMES.map((k) => [k, tf.tensor(Float32Array.from(params[k].data), params[k].shape)])) as Record<(typeof NAMES)[number], tf.Tensor>;
}

describe('qpLayer', () => {
  it('forward equals the Float64 solver; tf.grads reaches every input and equals the Float64 backward', () => {
    const rng = new Rng(9);
    const params = randomQp(rng, 4, 5, 8, 2);
    // Round to float32 first so both paths see the same numbers.
    for (const k of NAMES) params[k].data = Float64Array.from(Float32Array.from(params[k].data));
    const t = tensors(params);
    const w = tf.tensor(Float32Array.from({ length: 20 }, () => rng.normal()), [4, 5]);
    const z = qpLayer(t);
    expect(z.shape).toEqual([4, 5]);
    const ref = solveQp(params);
    expect(maxAbsDiff(z.dataSync(), ref.z)).toBeLessThan(1e-6);
    const grads = tf.grads((Q, p, G, h, A, b) => tf.sum(tf.mul(qpLayer({ Q, p, G, h, A, b }), w)))(NAMES.map((k) => t[k]));
    const g64 = qpBackward(ref.problem, ref, Float64Array.from(w.dataSync()));
    NAMES.forEach((k, i) => {
      expect(grads[i]!.shape, k).toEqual(t[k].shape);
      const scale = Math.max(1, ...Array.from(g64[k]).map(Math.abs));
      expect(maxAbsDiff(grads[i]!.dataSync(), g64[k]) / scale, k).toBeLessThan(1e-5);
    });
    tf.dispose([...Object.values(t), w, z, ...grads]);
  });

  it('matches central finite differences of the op (float32, step 1e-2)', () => {
    const rng = new Rng(21);
    const params = randomQp(rng, 2, 4, 6, 1);
    const t = tensors(params);
    const w = tf.tensor(Float32Array.from({ length: 8 }, () => rng.normal()), [2, 4]);
    const f = (xs: tf.Tensor[]) => tf.sum(tf.mul(qpLayer({ Q: xs[0]!, p: xs[1]!, G: xs[2]!, h: xs[3]!, A: xs[4]!, b: xs[5]! }), w));
    const inputs = NAMES.map((k) => t[k]);
    const grads = tf.grads((...xs: tf.Tensor[]) => f(xs))(inputs);
    const step = 1e-2;
    let worst = 0;
    const gmax = Math.max(...grads.flatMap((g) => Array.from(g.dataSync()).map(Math.abs)));
    inputs.forEach((x, which) => {
      const data = x.dataSync();
      for (let i = 0; i < data.length; i += 3) {
        const at = (delta: number) =>
          tf.tidy(() => {
            const d = Float32Array.from(data);
            d[i]! += delta;
            if (which === 0) {
              // symmetric perturbation of Q
              const n = 4, bi = Math.floor(i / 16), r = Math.floor((i % 16) / n), c = i % n, j = bi * 16 + c * n + r;
              d[i]! -= delta / 2;
              d[j]! += delta / 2;
            }
            const xs = inputs.slice();
            xs[which] = tf.tensor(d, x.shape);
            return f(xs).dataSync()[0]!;
          });
        const fd = (at(step) - at(-step)) / (2 * step);
        worst = Math.max(worst, Math.abs(fd - grads[which]!.dataSync()[i]!) / gmax);
      }
    });
    expect(worst).toBeLessThan(2e-3);
    tf.dispose([...inputs, w, ...grads]);
  });

  it('accepts shared inputs, returns their gradient in their own shape, and leaks no tensors', () => {
    const rng = new Rng(4);
    const params = randomQp(rng, 3, 4, 5, 0);
    const before = tf.memory().numTensors;
    const Q = tf.tensor(Float32Array.from(params.Q.data.slice(0, 16)), [4, 4]);
    const G = tf.tensor(Float32Array.from(params.G.data.slice(0, 20)), [5, 4]);
    const h = tf.tensor(Float32Array.from(params.h.data.slice(0, 5)), [5]);
    const p = tf.tensor(Float32Array.from(params.p.data), [3, 4]);
    const [gQ, gp, gG, gh] = tf.grads((Qa, pa, Ga, ha) => tf.sum(qpLayer({ Q: Qa, p: pa, G: Ga, h: ha })))([Q, p, G, h]);
    expect(gQ!.shape).toEqual([4, 4]);
    expect(gG!.shape).toEqual([5, 4]);
    expect(gh!.shape).toEqual([5]);
    expect(gp!.shape).toEqual([3, 4]);
    const gm = tf.grads((Qa, pa, Ga, ha) => tf.sum(qpLayer({ Q: Qa, p: pa, G: Ga, h: ha }, { sharedGrad: 'mean' })))([Q, p, G, h]);
    const gQm = gm[0]!;
    expect(maxAbsDiff(gQm.dataSync(), Array.from(gQ!.dataSync()).map((v) => v / 3))).toBeLessThan(1e-6);
    tf.dispose([Q, G, h, p, gQ!, gp!, gG!, gh!, ...gm]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws a QpError naming unsolved problems unless allowNonOptimal', () => {
    const Q = tf.tensor([[[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
    const p = tf.tensor([1, 1]);
    const G = tf.tensor([[[1, 0], [-1, 0]], [[1, 0], [0, 1]]]);
    const h = tf.tensor([[-1, -1], [1, 1]]);
    expect(() => qpLayer({ Q, p, G, h })).toThrow(QpError);
    expect(() => qpLayer({ Q, p, G, h })).toThrow(/1 of 2 problems not solved \(0: primal-infeasible\)/);
    const z = qpLayer({ Q, p, G, h }, { allowNonOptimal: true });
    expect(Array.from(z.dataSync()).every(Number.isFinite)).toBe(true);
    expect(() => qpLayer({ Q, p: tf.tensor([1, NaN]), G, h })).toThrow(/p: contains NaN/);
    tf.dispose([Q, p, G, h, z]);
  });
});
