// The fused NOVAS-over-the-energy op against the generic warm start + novasStep (same noise from the same Rng:
// values and every weight's gradient, each shape and variance rule), against finite differences, and its
// refusals.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { novasStep, type NovasStepOptions } from '../../src/solvers/novas.ts';
import { NonFiniteError } from '../../src/tensor/check.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { stopGradient } from '../../src/tensor/stop-gradient.ts';
import { fusedEnergyNovas, type FusedNovasOptions } from '../../src/train/energy-novas-fused.ts';
import { NOVAS_PAPER_STEP } from '../../src/train/energy-protocol.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectClose, weightDirectional } from '../models/finite-difference.ts';
import { layersOf, mseAndGrads, relErr } from './energy-fused-helpers.ts';

beforeAll(async () => {
  await useTestBackend();
});

const X = [1.3, 4.0, 5.5];
const Y = X.map((x) => x * Math.sin(x));

/** T − 1 generic steps off the gradient, then one differentiated step: the protocol's generic path. */
function genericNovas(net: EnergyNet, x: tf.Tensor, rng: Rng, o: FusedNovasOptions): tf.Tensor {
  const B = x.shape[0]!;
  const f = net.objective(x);
  let mu: tf.Tensor = tf.zeros([B, 1]);
  let sigma: tf.Tensor = tf.fill([B, 1], o.sigma0);
  for (let i = 0; i < o.iterations - 1; i++) {
    const s = novasStep(f, mu, sigma, rng.normalTensor([B, o.samples, 1]), o.step);
    const step = tf.sqrt(tf.sum(tf.square(tf.sub(s.mu, mu)))).dataSync()[0]!;
    mu = stopGradient(s.mu);
    sigma = stopGradient(s.sigma);
    if (step < (o.iterEps ?? 1e-4)) break;
  }
  return novasStep(f, mu, sigma, rng.normalTensor([B, o.samples, 1]), o.step).mu.reshape([B]);
}

function lossAndGrads(net: EnergyNet, fused: boolean, seed: number, o: FusedNovasOptions): { loss: number; grads: Float32Array[] } {
  return mseAndGrads(net, X, Y, (x) => (fused ? fusedEnergyNovas(layersOf(net), x, new Rng(seed), o) : genericNovas(net, x, new Rng(seed), o)));
}

describe('fusedEnergyNovas', () => {
  const base: FusedNovasOptions = { iterations: 10, samples: 40, sigma0: 10, step: NOVAS_PAPER_STEP };

  it('gives the generic value and gradients for every shape and variance rule', () => {
    const steps: Array<Omit<NovasStepOptions, 'bounds'>> = [
      NOVAS_PAPER_STEP,
      { ...NOVAS_PAPER_STEP, sharpness: 3 },
      { shape: 'exp', kappa: 10, variance: 'natural' },
      { shape: 'soft-ce', sharpness: 20, eliteFraction: 0.2, variance: 'weighted', varianceOffset: 1e-3 },
    ];
    for (const step of steps) {
      const net = new EnergyNet({ hidden: [16, 16], rng: new Rng(3), init: 'torch' });
      const o = { ...base, step };
      const a = lossAndGrads(net, true, 7, o);
      const b = lossAndGrads(net, false, 7, o);
      expect(Math.abs(a.loss - b.loss) / b.loss, JSON.stringify(step)).toBeLessThan(1e-4);
      // The generic steps round in float32, the host's in Float64: the last iteration's samples differ by
      // ~1e-6 after nine steps, and the sharp shapes amplify that in the gradient (≈ 2e-3 for soft-ce).
      expect(relErr(a.grads, b.grads, 1e-3), JSON.stringify(step)).toBeLessThan(5e-3);
      net.dispose();
    }
  });

  it('stops the first T − 1 iterations like the generic warm start (whole-batch step below iterEps)', () => {
    const net = new EnergyNet({ hidden: [8], rng: new Rng(5), init: 'torch' });
    const o = { ...base, iterEps: 1e9 };
    const a = lossAndGrads(net, true, 11, o);
    const b = lossAndGrads(net, false, 11, o);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-4);
    expect(relErr(a.grads, b.grads, 1e-3)).toBeLessThan(2e-3);
    net.dispose();
  });

  it('has the gradient of central finite differences along random weight directions', () => {
    // One iteration: with more, θ also moves the warm start, which the op holds constant by design. A smooth
    // shape (soft weights everywhere), so the loss is differentiable in θ between sample switches.
    const o: FusedNovasOptions = { ...base, iterations: 1, step: { shape: 'exp', kappa: 2, variance: 'weighted', varianceOffset: 1e-3 } };
    const net = new EnergyNet({ hidden: [12, 12], rng: new Rng(3), init: 'torch' });
    const x = tf.tensor1d(X);
    const y = tf.tensor1d(Y);
    const loss = () => tf.mean(tf.square(tf.sub(fusedEnergyNovas(layersOf(net), x, new Rng(7), o), y))) as tf.Scalar;
    const rng = new Rng(13);
    for (const [i, w] of net.variables().entries()) {
      if (i === net.variables().length - 1) continue; // the output bias shifts E by a constant: gradient 0
      expectClose(`weight ${w.name}`, weightDirectional(loss, w, rng, 1e-2), 0.03, 1e-4);
    }
    tf.dispose([x, y]);
    net.dispose();
  });

  it('gives the same value with and without a tape', () => {
    const net = new EnergyNet({ hidden: [8, 8], rng: new Rng(2), init: 'torch' });
    const x = tf.tensor1d(X);
    const plain = fusedEnergyNovas(layersOf(net), x, new Rng(4), base);
    const c = tf.tensor1d([1, 10, 100]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fusedEnergyNovas(layersOf(net), x, new Rng(4), base), c)) as tf.Scalar, net.variables());
    expect(value.dataSync()[0]).toBe(tf.sum(tf.mul(plain, c)).dataSync()[0]);
    tf.dispose([x, c, plain, value, ...Object.values(grads)]);
    net.dispose();
  });

  it('leaks no tensors, with and without a tape', () => {
    const net = new EnergyNet({ hidden: [8, 8], rng: new Rng(2), init: 'torch' });
    const x = tf.tensor1d(X);
    const before = tf.memory().numTensors;
    fusedEnergyNovas(layersOf(net), x, new Rng(4), base).dispose();
    const { value, grads } = tf.variableGrads(() => tf.sum(fusedEnergyNovas(layersOf(net), x, new Rng(4), base)) as tf.Scalar, net.variables());
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('refuses what it does not cover, by name, and reports non-finite energies', () => {
    const x = tf.tensor1d([1]);
    const relu = new EnergyNet({ hidden: [4], activation: 'relu', rng: new Rng(1) });
    expect(() => fusedEnergyNovas(layersOf(relu), x, new Rng(0), base)).toThrow(/activation "relu" is not supported/);
    const net = new EnergyNet({ hidden: [4], rng: new Rng(1), init: 'torch' });
    expect(() => fusedEnergyNovas(layersOf(net), x, new Rng(0), { ...base, iterations: 0 })).toThrow(/iterations must be a positive integer/);
    expect(() => fusedEnergyNovas(layersOf(net), x, new Rng(0), { ...base, samples: 1 })).toThrow(/samples must be an integer ≥ 2/);
    expect(() => fusedEnergyNovas(layersOf(net), x, new Rng(0), { ...base, step: { alpha: -1 } })).toThrow(/alpha must be a positive number/);
    expect(() => tf.grad((w: tf.Tensor) => tf.sum(tf.grad((w2: tf.Tensor) => tf.sum(fusedEnergyNovas({ ...layersOf(net), weights: [w2, net.mlp.weights[1]!] }, x, new Rng(0), base)))(w)))(net.mlp.weights[0]!)).toThrow(/a gradient of its gradient is not supported/);
    net.mlp.biases[0]!.assign(tf.fill([4], NaN));
    expect(() => fusedEnergyNovas(layersOf(net), x, new Rng(0), base)).toThrow(NonFiniteError);
    tf.dispose([x]);
    relu.dispose();
    net.dispose();
  });
});
