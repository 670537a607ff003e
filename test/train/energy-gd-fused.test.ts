// The fused unrolled-GD-over-the-energy op (plain Float64 JS, second order) against the generic unrolled
// solver (values and every weight's gradient), against central finite differences, and its refusals.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradientDescent } from '../../src/solvers/gd.ts';
import { NonFiniteError } from '../../src/tensor/check.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { fusedEnergyGd } from '../../src/train/energy-gd-fused.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { layersOf, mseAndGrads, relErr } from './energy-fused-helpers.ts';

beforeAll(async () => {
  await useTestBackend();
});

const X = [0.4, 1.3, 4.0];
const Y = X.map((x) => x * Math.sin(x));

function lossAndGrads(net: EnergyNet, fused: boolean, steps: number, lr: number): { loss: number; grads: Float32Array[] } {
  return mseAndGrads(net, X, Y, (x) => fused
    ? fusedEnergyGd(layersOf(net), x, { steps, lr })
    : new GradientDescent({ steps, lr }).solve(net.objective(x), { mean: tf.zeros([X.length, 1]) }, { backward: 'unroll' }).solution.reshape([X.length]));
}

describe('fusedEnergyGd', () => {
  // Tanh too: its second derivative through tfjs needs the input-saving gradient (src/tensor/higher-order-grads.ts).
  it('gives the generic unrolled GD value and second-order gradients (softplus and tanh, 1 to 3 layers)', () => {
    for (const activation of ['softplus', 'tanh'] as const) {
      for (const hidden of [[16, 16], [8], [8, 8, 8]]) {
        const net = new EnergyNet({ hidden, activation, rng: new Rng(3), init: 'torch' });
        const a = lossAndGrads(net, true, 10, 0.1);
        const b = lossAndGrads(net, false, 10, 0.1);
        expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-5);
        expect(relErr(a.grads, b.grads, 1e-4)).toBeLessThan(1e-4);
        net.dispose();
      }
    }
  });

  it('has the gradient of central finite differences (softplus and tanh)', () => {
    for (const activation of ['softplus', 'tanh'] as const) {
    const net = new EnergyNet({ hidden: [12, 12], activation, rng: new Rng(4), init: 'torch' });
    const { grads } = lossAndGrads(net, true, 10, 0.3);
    const vars = net.variables();
    // [W0 [2, 12], W1 [12, 12], W2 [12, 1], b0, b1, b2]; b2 does not move ∂E/∂y (its gradient is 0).
    expect(grads[5]![0]).toBe(0);
    for (const [vi, idx] of [[0, 1], [1, 3], [1, 140], [2, 7], [3, 2], [4, 5]] as const) {
      const v = vars[vi]!;
      const base = v.dataSync().slice();
      const at = (d: number): number => {
        const w = base.slice();
        w[idx] = w[idx]! + d;
        v.assign(tf.tensor(w, v.shape));
        const l = lossAndGrads(net, true, 10, 0.3).loss;
        v.assign(tf.tensor(base, v.shape));
        return l;
      };
      const h = 1e-2;
      const fd = (at(h) - at(-h)) / (2 * h);
      const g = grads[vi]![idx]!;
      expect(Math.abs(fd - g)).toBeLessThan(0.01 * Math.max(Math.abs(fd), Math.abs(g)) + 1e-4);
    }
    net.dispose();
    }
  });

  it('refuses what it does not cover, by name, and reports a non-finite slope', () => {
    const x = tf.tensor1d([1]);
    const relu = new EnergyNet({ hidden: [4], activation: 'relu', rng: new Rng(1) });
    expect(() => fusedEnergyGd(layersOf(relu), x, { steps: 3, lr: 0.1 })).toThrow(/activation "relu" is not supported/);
    const net = new EnergyNet({ hidden: [4], rng: new Rng(1), init: 'torch' });
    expect(() => fusedEnergyGd(layersOf(net), x, { steps: 0, lr: 0.1 })).toThrow(/steps must be a positive integer/);
    expect(() => tf.grad((w: tf.Tensor) => tf.sum(tf.grad((w2: tf.Tensor) => tf.sum(fusedEnergyGd({ ...layersOf(net), weights: [w2, net.mlp.weights[1]!] }, x, { steps: 3, lr: 0.1 })))(w)))(net.mlp.weights[0]!)).toThrow(/a gradient of its gradient is not supported/);
    net.mlp.weights[1]!.assign(tf.fill([4, 1], NaN));
    expect(() => fusedEnergyGd(layersOf(net), x, { steps: 3, lr: 0.1 })).toThrow(NonFiniteError);
    tf.dispose([x]);
    relu.dispose();
    net.dispose();
  });
});
