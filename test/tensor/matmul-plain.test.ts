// matMulPlain: the values of tf.matMul, and its first and second derivatives (the second through a gradient
// of a gradient, as unrolled gradient descent takes them) equal tf.matMul's.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { matMulPlain } from '../../src/tensor/matmul-plain.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-5) => {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol * (1 + Math.abs(y[i]!))));
};

describe('matMulPlain', () => {
  const rng = new Rng(4);
  const a = rng.normalTensor([5, 3]);
  const b = rng.normalTensor([3, 4]);
  const w = rng.normalTensor([5, 4]);

  it('computes a·b', () => {
    close(matMulPlain(a, b), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
    expect(() => matMulPlain(a, a)).toThrow(/matMulPlain: expected a \[m, k\] and b \[k, n\]/);
  });

  it('has the gradients of tf.matMul, to second order', () => {
    // A scalar with non-trivial second derivatives: L(a, b) = Σ w ⊙ tanh(a b).
    const loss = (mm: (p: tf.Tensor, q: tf.Tensor) => tf.Tensor) => (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(w, tf.tanh(mm(p, q))));
    const ref = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D);
    const [ga, gb] = tf.grads(loss(matMulPlain))([a, b]);
    const [ra, rb] = tf.grads(loss(ref))([a, b]);
    close(ga!, ra!);
    close(gb!, rb!);
    // d/db of Σ (∂L/∂a)²: differentiates the backward pass itself.
    const second = (mm: (p: tf.Tensor, q: tf.Tensor) => tf.Tensor) => tf.grad((q: tf.Tensor) => tf.sum(tf.square(tf.grad((p: tf.Tensor) => loss(mm)(p, q))(a))))(b);
    close(second(matMulPlain), second(ref), 1e-4);
  });
});
