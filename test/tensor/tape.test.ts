// tapeDepth (src/tensor/tape.ts): 0 outside gradients, 1 inside tf.grad, 2 inside a gradient of a gradient.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tapeDepth } from '../../src/tensor/tape.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

describe('tapeDepth', () => {
  it('counts the recording gradient tapes', () => {
    const seen: number[] = [];
    expect(tapeDepth()).toBe(0);
    tf.grad((x: tf.Tensor) => {
      seen.push(tapeDepth());
      return tf.sum(tf.grad((y: tf.Tensor) => {
        seen.push(tapeDepth());
        return tf.sum(tf.square(y));
      })(x));
    })(tf.tensor([1, 2]));
    expect(seen).toEqual([1, 2]);
    expect(tapeDepth()).toBe(0);
  });
});
