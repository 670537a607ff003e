// softplusValue against a Float64 softplus over a wide range (no overflow at ±100, the same absolute accuracy
// as tf.softplus), and the energy network's untaped forward (which uses it) against its taped one.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.ts';
import { softplusValue } from '../../src/tensor/softplus-value.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

const softplus64 = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

describe('softplusValue', () => {
  it('matches log(1 + eᶻ) within float32 rounding, as tf.softplus does, without overflow', () => {
    const zs = Float32Array.from([...Array.from({ length: 2001 }, (_, i) => -100 + 0.1 * i), -1e4, 1e4, 0]);
    const z = tf.tensor1d(zs);
    const ours = softplusValue(z).dataSync();
    const theirs = tf.softplus(z).dataSync();
    let errOurs = 0;
    let errTf = 0;
    zs.forEach((v, i) => {
      const exact = softplus64(v);
      errOurs = Math.max(errOurs, Math.abs(ours[i]! - exact) / Math.max(1, exact));
      errTf = Math.max(errTf, Math.abs(theirs[i]! - exact) / Math.max(1, exact));
    });
    expect(ours.every(Number.isFinite)).toBe(true);
    expect(errOurs).toBeLessThan(1e-6);
    expect(errOurs).toBeLessThan(4 * errTf + 1e-7);
    z.dispose();
  });

  it('gives the energy network the same forward off the tape as on it', () => {
    const net = new EnergyNet({ hidden: [32, 32], rng: new Rng(1), init: 'torch' });
    const x = tf.tensor1d([0.5, 3]);
    const Y = new Rng(2).normalTensor([2, 50, 1]);
    const plain = net.energy(x, Y).dataSync();
    let taped: Float32Array = new Float32Array(0);
    const { value, grads } = tf.variableGrads(() => {
      const E = net.energy(x, Y);
      taped = E.dataSync() as Float32Array;
      return tf.sum(E) as tf.Scalar;
    }, net.variables());
    tf.dispose([value, ...Object.values(grads)]);
    plain.forEach((v, i) => expect(Math.abs(v - taped[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
    tf.dispose([x, Y]);
    net.dispose();
  });
});
