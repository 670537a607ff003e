// clipGlobalNorm: torch.nn.utils.clip_grad_norm_'s scaling min(1, c/(‖g‖ + 1e-6)) over all gradients, the
// norm before clipping returned, the inputs disposed, no tensor left behind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGlobalNorm } from '../../src/train/grad-clip.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('clipGlobalNorm', () => {
  it('scales every gradient by c / (‖g‖ + 1e-6) when the global norm exceeds c', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([3, 0]);
    const b = tf.tensor2d([[0, 4]]);
    const { grads, norm } = clipGlobalNorm({ a, b }, 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    const k = 1 / (5 + 1e-6);
    expect(Array.from(grads.a!.dataSync())).toEqual([expect.closeTo(3 * k, 7), 0]);
    expect(Array.from(grads.b!.dataSync())).toEqual([0, expect.closeTo(4 * k, 7)]);
    expect(a.isDisposed && b.isDisposed).toBe(true);
    tf.dispose([...Object.values(grads), norm]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves gradients within the norm unchanged and rejects a non-positive bound', () => {
    const { grads, norm } = clipGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
    expect(norm.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(grads.a!.dataSync())).toEqual([expect.closeTo(0.3, 7), expect.closeTo(0.4, 7)]);
    tf.dispose([grads.a!, norm]);
    expect(() => clipGlobalNorm({ a: tf.tensor1d([1]) }, 0)).toThrow(/maxNorm must be a positive number/);
  });
});
