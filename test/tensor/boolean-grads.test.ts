// Tests of the zero gradients for boolean kernels (src/tensor/boolean-grads.ts): second-order gradients through
// tf.clipByValue (whose gradient builds a LogicalAnd mask) work and match the analytic value.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBooleanZeroGrads } from '../../src/tensor/boolean-grads.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('registerBooleanZeroGrads', () => {
  it('makes the second derivative of clip(x)³ computable', () => {
    registerBooleanZeroGrads();
    registerBooleanZeroGrads(); // idempotent
    const f = (x: tf.Tensor) => tf.sum(tf.pow(tf.clipByValue(x, -1, 1), 3));
    const x = tf.tensor([0.5, -0.25, 2]);
    const d2 = tf.grad((y: tf.Tensor) => tf.sum(tf.grad(f)(y)))(x);
    // d²/dx² x³ = 6x inside the clip, 0 outside.
    const got = Array.from(d2.dataSync());
    expect(got[0]).toBeCloseTo(3, 5);
    expect(got[1]).toBeCloseTo(-1.5, 5);
    expect(got[2]).toBe(0);
    tf.dispose([x, d2]);
  });
});
