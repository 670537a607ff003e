// LatentDecoder: decoded sequences lie inside per-action bounds in the time-major layout, the taped path
// (matMulPlain) computes the same values as the fused inference path, gradients w.r.t. z and w.r.t. the
// weights match finite differences, and bad configurations are refused by field.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatentDecoder } from '../../src/models/latent-decoder.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { directional, expectClose, weightDirectional } from './finite-difference.ts';

beforeAll(useTestBackend);

/** A small decoder with non-zero biases (the paper's initialization sets them to 0, which would hide a lost bias). */
function make(seed = 1, activation: 'elu' | 'tanh' = 'elu'): LatentDecoder {
  const dec = new LatentDecoder({ latentDim: 2, horizon: 4, actionDim: 2, low: [-1, 0], high: [1, 5], hidden: 8, activation, rng: new Rng(seed) });
  const rng = new Rng(seed + 100);
  for (const b of dec.mlp.biases) b.assign(tf.tidy(() => tf.mul(rng.normalTensor(b.shape), 0.3)));
  return dec;
}

describe('LatentDecoder', () => {
  it('decodes [B, N, d] into [B, N, H·nu] inside each action\'s bounds, time-major', () => {
    const dec = make();
    const z = new Rng(2).normalTensor([3, 5, 2]);
    const u = dec.decode(tf.mul(z, 3));
    expect(u.shape).toEqual([3, 5, 8]);
    const v = u.dataSync();
    for (let i = 0; i < v.length; i++) {
      const [lo, hi] = i % 2 === 0 ? [-1, 1] : [0, 5];
      expect(v[i]!).toBeGreaterThanOrEqual(lo);
      expect(v[i]!).toBeLessThanOrEqual(hi);
    }
    // Action 1 ranges over [0, 5]: some entry leaves [−1, 1], so the bounds are not swapped between actions.
    expect(Array.from(v).some((x, i) => i % 2 === 1 && x > 1)).toBe(true);
    tf.dispose([z, u]);
    dec.dispose();
  });

  it('computes the same values under a gradient tape (matMulPlain) as without', () => {
    const dec = make(3);
    const z = tf.tensor2d([[0.3, -0.7], [1, 1], [-1, 0.2]]);
    const plain = dec.decode(z).dataSync();
    let taped: Float32Array | Int32Array | Uint8Array = new Float32Array();
    tf.grad((x: tf.Tensor) => {
      const u = dec.decode(x);
      taped = u.dataSync().slice();
      return tf.sum(u) as tf.Scalar;
    })(z).dispose();
    for (let i = 0; i < plain.length; i++) expect(taped[i]!).toBeCloseTo(plain[i]!, 5);
    z.dispose();
    dec.dispose();
  });

  it('has gradients w.r.t. z and w.r.t. every weight matrix that match finite differences', () => {
    // tanh: ELU's second derivative jumps at 0, which spoils the extrapolated difference wherever a
    // pre-activation crosses 0 within the step; the products under test do not depend on the activation.
    const dec = make(4, 'tanh');
    const rng = new Rng(5);
    const target = rng.normalTensor([3, 8]);
    const z = tf.tensor2d([[0.3, -0.7], [0.9, 0.1], [-0.4, 0.2]]);
    const loss = (zz: tf.Tensor) => tf.sum(tf.square(tf.sub(dec.decode(zz), target))) as tf.Scalar;
    // float32 losses of magnitude ~10: the extrapolated difference is good to ~1e-4 relative.
    expectClose('d/dz', directional(loss, z, rng), 2e-3);
    for (const w of dec.mlp.weights) expectClose(`d/d${w.name}`, weightDirectional(() => loss(z), w, rng), 2e-3);
    tf.dispose([target, z]);
    dec.dispose();
  });

  it('refuses bad configurations by field', () => {
    const rng = new Rng(0);
    expect(() => new LatentDecoder({ latentDim: 0, horizon: 4, actionDim: 1, low: [-1], high: [1], rng })).toThrow(/latentDim must be a positive integer/);
    expect(() => new LatentDecoder({ latentDim: 2, horizon: 4, actionDim: 2, low: [-1], high: [1], rng })).toThrow(/low and high must have actionDim = 2/);
    expect(() => new LatentDecoder({ latentDim: 2, horizon: 4, actionDim: 1, low: [1], high: [1], rng })).toThrow(/low < high/);
    expect(() => new LatentDecoder({ latentDim: 2, horizon: 4, actionDim: 1, low: [-1], high: [1], rng, init: 'he' as never })).toThrow(/init must be 'paper' or 'glorot'/);
    const dec = make();
    expect(() => dec.decode(tf.zeros([2, 3]))).toThrow(/last dimension latentDim = 2/);
    dec.dispose();
  });
});
