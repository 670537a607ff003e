// repeatRows (src/models/repeat-rows.ts): value and gradient equal tf.tile's, shape errors, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { repeatRows } from '../../src/models/repeat-rows.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('repeatRows', () => {
  it('equals tf.tile in value and gradient (b-major rows)', () => {
    const rng = new Rng(1);
    const [B, N, d] = [3, 4, 2];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = rng.normalTensor([B, d]);
      const w = rng.normalTensor([B * N, d]);
      const tiled = (t: tf.Tensor) => tf.tile(t.expandDims(1), [1, N, 1]).reshape([B * N, d]);
      expect(Array.from(repeatRows(x, N).dataSync())).toEqual(Array.from(tiled(x).dataSync()));
      const ga = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, repeatRows(t, N))))(x).dataSync();
      const gb = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, tiled(t))))(x).dataSync();
      ga.forEach((v, i) => expect(v).toBeCloseTo(gb[i]!, 5));
      expect(Math.abs(ga[0]!)).toBeGreaterThan(0);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the argument and the expected shape on bad input', () => {
    tf.tidy(() => {
      expect(() => repeatRows(tf.zeros([2, 3, 1]), 2)).toThrow(/repeatRows x: expected shape \[B, d\]/);
      expect(() => repeatRows(tf.zeros([2, 3]), 0)).toThrow(/N must be a positive integer/);
    });
  });
});
