// Tests of policies/soft-update.ts: θ' ← τθ + (1−τ)θ' checked with exact arithmetic.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hardUpdate, softUpdate } from '../../policies/soft-update.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('softUpdate', () => {
  it('computes τθ + (1−τ)θ′ exactly (dyadic values, exact in float32)', () => {
    const target = [tf.variable(tf.tensor1d([1, 2, -4, 8])), tf.variable(tf.tensor2d([[0.5, -0.25]]))];
    const source = [tf.variable(tf.tensor1d([3, -2, 4, 0])), tf.variable(tf.tensor2d([[1.5, 0.75]]))];
    softUpdate(target, source, 0.25);
    // 0.25·3 + 0.75·1 = 1.5; 0.25·(−2) + 0.75·2 = 1; 0.25·4 + 0.75·(−4) = −2; 0 + 6 = 6
    expect(Array.from(target[0]!.dataSync())).toEqual([1.5, 1, -2, 6]);
    // 0.25·1.5 + 0.75·0.5 = 0.75; 0.25·0.75 + 0.75·(−0.25) = 0
    expect(Array.from(target[1]!.dataSync())).toEqual([0.75, 0]);
    // the source is untouched
    expect(Array.from(source[0]!.dataSync())).toEqual([3, -2, 4, 0]);
    // two more updates: θ' − θ shrinks by (1 − τ) each time
    softUpdate(target, source, 0.5);
    expect(Array.from(target[0]!.dataSync())).toEqual([2.25, -0.5, 1, 3]);
    tf.dispose([...target, ...source]);
  });

  it('τ = 1 copies, τ = 0 keeps, and leaks no tensors', () => {
    const t = [tf.variable(tf.tensor1d([1, 1]))];
    const s = [tf.variable(tf.tensor1d([7, -7]))];
    const before = tf.memory().numTensors;
    softUpdate(t, s, 0);
    expect(Array.from(t[0]!.dataSync())).toEqual([1, 1]);
    hardUpdate(t, s);
    expect(Array.from(t[0]!.dataSync())).toEqual([7, -7]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...t, ...s]);
  });

  it('rejects mismatched lists, shapes and τ outside [0, 1]', () => {
    const a = [tf.variable(tf.zeros([2]))];
    const b = [tf.variable(tf.zeros([3]))];
    expect(() => softUpdate(a, b, 0.1)).toThrow(/shape \[2\] but its source has \[3\]/);
    expect(() => softUpdate(a, [], 0.1)).toThrow(/target has 1 variables but source has 0/);
    expect(() => softUpdate(a, a, 1.5)).toThrow(/tau must lie in \[0, 1\]/);
    tf.dispose([...a, ...b]);
  });
});
