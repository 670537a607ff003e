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

describe('qpLayer without inequalities, and its input errors (issue 14)', () => {
  it('accepts G of shape [0, nz] (or no G): equality-constrained z* = argmin ½‖z‖² + pᵀz s.t. 1ᵀz = 1, with the closed-form gradient', () => {
    // Closed form: z* = −p + ν̂·1 with ν̂ = (1 + Σp)/nz; ∂(wᵀz*)/∂p = −w + (Σw/nz)·1.
    const Q = tf.eye(3);
    const p = tf.tensor([1, -2, 0.5]);
    const A = tf.ones([1, 3]);
    const b = tf.tensor([1]);
    const w = tf.tensor([1, 2, -1]);
    for (const G of [tf.zeros([0, 3]), undefined]) {
      const h = G ? tf.zeros([0]) : undefined;
      const f = (pp: tf.Tensor) => tf.sum(tf.mul(qpLayer({ Q, p: pp, A, b, ...(G ? { G, h } : {}) }), w));
      const z = qpLayer({ Q, p, A, b, ...(G ? { G, h } : {}) });
      const nuHat = (1 + (1 - 2 + 0.5)) / 3;
      expect(Array.from(z.dataSync())).toEqual([-1 + nuHat, 2 + nuHat, -0.5 + nuHat].map((v) => expect.closeTo(v, 5)));
      const g = tf.grad(f)(p).dataSync();
      expect(Array.from(g)).toEqual([-1 + 2 / 3, -2 + 2 / 3, 1 + 2 / 3].map((v) => expect.closeTo(v, 4)));
      tf.dispose([z, ...(G ? [G, h!] : [])]);
    }
    // Unconstrained: z* = −Q⁻¹p.
    const z = qpLayer({ Q: tf.mul(2, tf.eye(3)), p, G: tf.zeros([0, 3]), h: tf.zeros([0]) });
    expect(Array.from(z.dataSync())).toEqual([-0.5, 1, -0.25].map((v) => expect.closeTo(v, 5)));
    tf.dispose([Q, p, A, b, w, z]);
  });

  it('names the argument and the expected type for plain arrays, strings or a missing partner', () => {
    const Q = tf.eye(2);
    const p = tf.ones([2]);
    expect(() => qpLayer({ Q: [[1, 0], [0, 1]], p: [1, 1], G: [[1, 0]], h: [1] } as never)).toThrow(/^qpLayer: Q must be a tf\.Tensor \(got an array of length 2\); wrap it with tf\.tensor/);
    expect(() => qpLayer({ Q, p: 'x' } as never)).toThrow(/^qpLayer: p must be a tf\.Tensor \(got the string "x"\)/);
    expect(() => qpLayer({ p } as never)).toThrow(/^qpLayer: Q is missing/);
    expect(() => qpLayer({ Q, p, G: tf.ones([1, 2]) })).toThrow(/^qpLayer: h is missing or empty while G is given/);
    const msgs: string[] = [];
    for (const bad of [{ Q: tf.eye(2), p, G: tf.ones([1, 2]), h: tf.ones([1]), A: tf.ones([1, 2]) }]) {
      try {
        qpLayer(bad);
      } catch (e) {
        msgs.push((e as Error).message);
      }
    }
    expect(msgs).toEqual([expect.stringMatching(/b is missing or empty while A is given/)]);
    for (const m of msgs) expect(m).not.toMatch(/ragged/);
  });

  it("reports inconsistent equalities (dependent rows of A, contradictory b) as 'primal-infeasible', not 'max-iter'", () => {
    const none = { data: new Float64Array(0), shape: [0, 2] };
    const cases = [
      { Q: [[1, 0], [0, 1]], p: [1, 1], G: [[1, 0]], h: [10], A: [[1, 0], [1, 0]], b: [0, 1] },
      { Q: [[1, 0], [0, 1]], p: [1, 1], G: none, h: { data: new Float64Array(0), shape: [0] }, A: [[1, 0], [1, 0]], b: [0, 1] },
      { Q: [[1, 0], [0, 1]], p: [1, 1], A: [[1, 2], [2, 4]], b: [1, 3] },
    ];
    for (const c of cases) expect(solveQp(c).status).toEqual(['primal-infeasible']);
    const A = tf.tensor([[1, 0], [1, 0]]);
    expect(() => qpLayer({ Q: tf.eye(2), p: tf.ones([2]), A, b: tf.tensor([0, 1]) })).toThrow(/1 of 1 problems not solved \(0: primal-infeasible\)/);
    // Consistent but dependent rows: the KKT system is singular; the error says why.
    expect(() => qpLayer({ Q: tf.eye(2), p: tf.ones([2]), G: tf.tensor([[1, 0]]), h: tf.tensor([10]), A: tf.ones([2, 2]), b: tf.ones([2]) })).toThrow(
      /0: max-iter \(A has dependent rows: rank 1 < neq 2; drop the redundant equalities\)/,
    );
  });
});
