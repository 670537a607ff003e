// MLP: tensor bookkeeping (construction and weight restore allocate exactly one tensor per parameter and
// leak nothing), weight round trip, batched application shapes, and the fused inference path.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MLP } from '../../src/models/mlp.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

describe('MLP', () => {
  it('holds exactly its parameters as tensors after construction and setWeights (no leaked temporaries)', () => {
    const before = tf.memory().numTensors;
    const a = new MLP({ sizes: [4, 8, 8, 3], activation: 'swish', rng: new Rng(1), finalScale: 0.1, name: 'leak-a' });
    const params = a.variables().length;
    expect(params).toBe(6);
    expect(tf.memory().numTensors).toBe(before + params);

    const b = new MLP({ sizes: [4, 8, 8, 3], activation: 'swish', rng: new Rng(2), name: 'leak-b' });
    expect(tf.memory().numTensors).toBe(before + 2 * params);
    b.setWeights(a.getWeights());
    expect(tf.memory().numTensors).toBe(before + 2 * params);
    expect(b.getWeights()).toEqual(a.getWeights());

    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps [..., in] to [..., out] and is seeded', () => {
    const a = new MLP({ sizes: [2, 5, 1], rng: new Rng(3), name: 'seeded-a' });
    const b = new MLP({ sizes: [2, 5, 1], rng: new Rng(3), name: 'seeded-b' });
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const ya = a.apply(x);
    const yb = b.apply(x);
    expect(ya.shape).toEqual([2, 3, 1]);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('computes the same map outside a gradient tape (fused layers) as under one (plain ops), for every activation', () => {
    for (const activation of ['relu', 'tanh', 'softplus', 'swish', 'elu', 'linear'] as const) {
      const net = new MLP({ sizes: [3, 6, 6, 2], activation, outputActivation: activation === 'relu' ? 'elu' : 'linear', rng: new Rng(5), name: `fused-${activation}` });
      tf.tidy(() => tf.variableGrads(() => tf.sum(net.apply(tf.ones([1, 3]))) as tf.Scalar, net.variables()));
      const x = tf.tensor2d([0.3, -1.2, 2, -0.5, 0.1, 0.7], [2, 3]);
      const outside = net.apply(x);
      let inside: number[] = [];
      tf.tidy(() => {
        const { value } = tf.valueAndGrad((v: tf.Tensor) => {
          const y = net.apply(v);
          inside = Array.from(y.dataSync());
          return tf.sum(y) as tf.Scalar;
        })(x);
        return value;
      });
      const o = Array.from(outside.dataSync());
      o.forEach((v, i) => expect(v).toBeCloseTo(inside[i]!, 5));
      tf.dispose([x, outside]);
      net.dispose();
    }
  });

  it('rejects weight arrays of the wrong count or size', () => {
    const a = new MLP({ sizes: [2, 3, 1], rng: new Rng(4), name: 'checks' });
    const w = a.getWeights();
    expect(() => a.setWeights(w.slice(1))).toThrow(/expected 4 weight arrays/);
    expect(() => a.setWeights([w[0]!.slice(1), ...w.slice(1)])).toThrow(/needs 6 values/);
    a.dispose();
  });
});
