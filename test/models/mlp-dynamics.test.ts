// MLPDynamics: the normalized-delta parameterization round-trips through normalization and checkpoints,
// several models coexist (distinct variable names), and dispose frees every tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MLPDynamics, type Normalization } from '../../src/models/mlp-dynamics.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

const norm: Normalization = { xMean: [0.1, -0.2, 0.5], xStd: [0.7, 0.6, 2], uMean: [0.3], uStd: [1.1], dMean: [0.01, -0.02, 0.05], dStd: [0.05, 0.04, 0.3] };

describe('MLPDynamics', () => {
  it('steps as x + μ_Δ + σ_Δ ⊙ MLP((x − μ_x)/σ_x, (u − μ_u)/σ_u) and restores from toJSON', () => {
    const a = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [8], ensemble: 2, rng: new Rng(1) });
    a.setNormalization(norm);
    const x = tf.tensor2d([1, 0, 0.5, -0.6, 0.8, -2], [2, 3]);
    const u = tf.tensor2d([0.4, -1.5], [2, 1]);
    const manual = tf.tidy(() => {
      const z = tf.div(tf.sub(tf.concat([x, u], 1), [...norm.xMean, ...norm.uMean]), [...norm.xStd, ...norm.uStd]);
      const d = tf.mean(tf.stack(a.members.map((m) => m.apply(z))), 0);
      return tf.add(x, tf.add(norm.dMean, tf.mul(norm.dStd, d)));
    });
    const y = a.step(x, u);
    const yv = Array.from(y.dataSync());
    Array.from(manual.dataSync()).forEach((v, i) => expect(yv[i]!).toBeCloseTo(v, 5));

    const b = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [8], ensemble: 2, rng: new Rng(2) });
    b.load(a.toJSON());
    const yb = b.step(x, u);
    expect(Array.from(yb.dataSync())).toEqual(yv);
    expect(b.getNormalization()).toEqual(a.getNormalization());
    tf.dispose([x, u, manual, y, yb]);
    a.dispose();
    b.dispose();
  });

  it('frees every tensor on dispose, including after setNormalization', () => {
    const before = tf.memory().numTensors;
    const m = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [4, 4], ensemble: 3, rng: new Rng(3) });
    m.setNormalization(norm);
    m.setNormalization(norm);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects normalization vectors of the wrong length', () => {
    const m = new MLPDynamics({ stateDim: 3, actionDim: 1, hidden: [4], rng: new Rng(4) });
    expect(() => m.setNormalization({ ...norm, uStd: [1, 1] })).toThrow(/uStd needs 1 values/);
    m.dispose();
  });
});
