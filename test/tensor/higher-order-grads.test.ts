// Tests of the input-saving gradients (src/tensor/higher-order-grads.ts): second derivatives through Tanh,
// Sigmoid, Exp, Elu, Softmax and Pow equal their analytic values, including x·tanh(x), where tfjs's own
// output-saving gradient silently dropped a term instead of throwing.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerHigherOrderGrads } from '../../src/tensor/higher-order-grads.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
  registerHigherOrderGrads(); // idempotent; the tensor layer already registered them
});

const X = [0.3, -0.7, 1.2, -1.6];

/** Elementwise d²/dx² of Σ f(x), by nested tf.grad. */
function secondDerivative(f: (x: tf.Tensor) => tf.Tensor, xs: number[]): number[] {
  return tf.tidy(() => {
    const d2 = tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(f(y)))(x)))(tf.tensor1d(xs));
    return Array.from(d2.dataSync());
  });
}

const th = Math.tanh;
const sg = (x: number) => 1 / (1 + Math.exp(-x));

const CASES: Array<[string, (x: tf.Tensor) => tf.Tensor, (x: number) => number]> = [
  ['tanh', (x) => tf.tanh(x), (x) => -2 * th(x) * (1 - th(x) ** 2)],
  ['x·tanh(x)', (x) => tf.mul(x, tf.tanh(x)), (x) => 2 * (1 - th(x) ** 2) - 2 * x * th(x) * (1 - th(x) ** 2)],
  ['sigmoid', (x) => tf.sigmoid(x), (x) => sg(x) * (1 - sg(x)) * (1 - 2 * sg(x))],
  ['exp', (x) => tf.exp(x), (x) => Math.exp(x)],
  ['x·exp(x)', (x) => tf.mul(x, tf.exp(x)), (x) => (2 + x) * Math.exp(x)],
  ['elu', (x) => tf.elu(x), (x) => (x > 0 ? 0 : Math.exp(x))],
  ['x^2.5 (|x|)', (x) => tf.pow(tf.abs(x), 2.5), (x) => 2.5 * 1.5 * Math.abs(x) ** 0.5],
  ['2^x', (x) => tf.pow(tf.scalar(2), x), (x) => 2 ** x * Math.log(2) ** 2],
];

describe('registerHigherOrderGrads', () => {
  for (const [name, f, exact] of CASES) {
    it(`d²/dx² ${name} is exact`, () => {
      const got = secondDerivative(f, X);
      for (let i = 0; i < X.length; i++) expect(got[i]).toBeCloseTo(exact(X[i]!), 4);
    });
  }

  it('the softmax Hessian times a vector matches central differences of its gradient', () => {
    const v = tf.tensor1d([0.5, -1, 0.25, 2]);
    const w = tf.tensor1d([1, 0.2, -0.4, 0.7]);
    // g(x) = ∇ (w · softmax(x)); H·v by nested autodiff against (g(x + εv) − g(x − εv)) / 2ε.
    const grad = (x: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(w, tf.softmax(z))))(x);
    const hv = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(v, grad(x))))(tf.tensor1d(X)).dataSync();
    const eps = 1e-2;
    const plus = grad(tf.tensor1d(X.map((x, i) => x + eps * v.dataSync()[i]!))).dataSync();
    const minus = grad(tf.tensor1d(X.map((x, i) => x - eps * v.dataSync()[i]!))).dataSync();
    for (let i = 0; i < X.length; i++) expect(hv[i]).toBeCloseTo((plus[i]! - minus[i]!) / (2 * eps), 3);
  });

  it('pow reduces its gradients over broadcast axes', () => {
    const a = tf.tensor2d([[1.5, 2], [0.5, 3]]);
    const b = tf.tensor1d([2, 3]);
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.pow(p, q)))([a, b]);
    expect(ga!.shape).toEqual([2, 2]);
    expect(gb!.shape).toEqual([2]);
    expect(Array.from(ga!.dataSync())[1]).toBeCloseTo(3 * 2 ** 2, 4);
    expect(Array.from(gb!.dataSync())[0]).toBeCloseTo(1.5 ** 2 * Math.log(1.5) + 0.5 ** 2 * Math.log(0.5), 4);
  });
});
