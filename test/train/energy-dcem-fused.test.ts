// The fused DCEM-over-the-energy op against the generic unrolled solver (same noise from the same Rng: values
// and every weight's gradient), against central finite differences, and its refusals.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcem } from '../../src/solvers/dcem.ts';
import { NonFiniteError } from '../../src/tensor/check.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { fusedEnergyDcem, type FusedDcemOptions } from '../../src/train/energy-dcem-fused.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { layersOf, mseAndGrads, relErr } from './energy-fused-helpers.ts';

beforeAll(async () => {
  await useTestBackend();
});

const X = [1.3, 4.0];
const Y = X.map((x) => x * Math.sin(x));

/** Loss and gradients (by variable, in net.variables() order) of the fused op or of the generic dcem. */
function lossAndGrads(net: EnergyNet, fused: boolean, seed: number, o: FusedDcemOptions): { loss: number; grads: Float32Array[] } {
  return mseAndGrads(net, X, Y, (x) => {
    const rng = new Rng(seed);
    return fused
      ? fusedEnergyDcem(layersOf(net), x, rng, o)
      : dcem(net.objective(x), { mean: tf.zeros([X.length, 1]), std: tf.fill([X.length, 1], o.sigma0) }, { iterations: o.iterations, samples: o.samples, elites: o.elites, temp: o.temp ?? 1, normalize: o.normalize ?? true, lmlEps: o.lmlEps, iterEps: o.iterEps, backward: 'unroll', rng }).solution.reshape([X.length]);
  });
}

describe('fusedEnergyDcem', () => {
  const o: FusedDcemOptions = { iterations: 10, samples: 30, elites: 5, sigma0: 7 };

  it('gives the generic unrolled DCEM value and gradients (softplus and tanh, normalized or not)', () => {
    for (const [activation, normalize] of [['softplus', true], ['tanh', true], ['softplus', false]] as const) {
      const net = new EnergyNet({ hidden: [16, 16], activation, rng: new Rng(3), init: 'torch' });
      const opts = { ...o, normalize, temp: normalize ? 1 : 0.3 };
      const a = lossAndGrads(net, true, 7, opts);
      const b = lossAndGrads(net, false, 7, opts);
      // Float32 network, Float64 host step on one side and float32 tfjs step on the other (and softplusValue
      // against tf.softplus, both within 1e-6 absolute): ~1e-4 relative after ten iterations.
      expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(5e-4);
      expect(relErr(a.grads, b.grads, 1e-3)).toBeLessThan(2e-3);
      net.dispose();
    }
  });

  it('stops like the generic solver when the whole-batch step falls below iterEps (σ kept, last μ returned)', () => {
    const net = new EnergyNet({ hidden: [8], rng: new Rng(5), init: 'torch' });
    // A huge iterEps stops at the first iteration: the solution is the first weighted mean.
    const opts = { ...o, iterEps: 1e9 };
    const a = lossAndGrads(net, true, 11, opts);
    const b = lossAndGrads(net, false, 11, opts);
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-4);
    expect(relErr(a.grads, b.grads, 1e-3)).toBeLessThan(2e-3);
    net.dispose();
  });

  it('has the gradient of central finite differences (tight LML bracket, so the value is smooth in θ)', () => {
    const net = new EnergyNet({ hidden: [12, 12], rng: new Rng(3), init: 'torch' });
    const opts = { ...o, lmlEps: 1e-9 };
    const { grads } = lossAndGrads(net, true, 7, opts);
    const vars = net.variables();
    const loss = (): number => tf.tidy(() => lossAndGrads(net, true, 7, opts).loss);
    let checked = 0;
    // [W0 [2, 12], W1 [12, 12], W2 [12, 1], b0, b1, b2]
    for (const [vi, idx] of [[0, 1], [1, 3], [1, 140], [2, 7], [3, 2], [4, 5]] as const) {
      const v = vars[vi]!;
      const base = v.dataSync().slice();
      const at = (d: number): number => {
        const w = base.slice();
        w[idx] = w[idx]! + d;
        v.assign(tf.tensor(w, v.shape));
        const l = loss();
        v.assign(tf.tensor(base, v.shape));
        return l;
      };
      const h = 1e-2;
      const fd = (at(h) - at(-h)) / (2 * h);
      const g = grads[vi]![idx]!;
      // Step 1e-2 in float32: truncation and rounding errors of about 1 % of the larger value.
      expect(Math.abs(fd - g)).toBeLessThan(0.02 * Math.max(Math.abs(fd), Math.abs(g)) + 1e-3);
      checked++;
    }
    expect(checked).toBe(6);
    net.dispose();
  });

  it('gives the same value without a tape (where it skips the slopes) as with one', () => {
    const net = new EnergyNet({ hidden: [8, 8], rng: new Rng(2), init: 'torch' });
    const x = tf.tensor1d(X);
    const plain = fusedEnergyDcem(layersOf(net), x, new Rng(4), o);
    const c = tf.tensor1d([1, 10]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fusedEnergyDcem(layersOf(net), x, new Rng(4), o), c)) as tf.Scalar, net.variables());
    expect(value.dataSync()[0]).toBe(tf.sum(tf.mul(plain, c)).dataSync()[0]);
    tf.dispose([x, c, plain, value, ...Object.values(grads)]);
    net.dispose();
  });

  it('refuses what it does not cover, by name, and reports non-finite energies', () => {
    const x = tf.tensor1d([1]);
    const relu = new EnergyNet({ hidden: [4], activation: 'relu', rng: new Rng(1) });
    expect(() => fusedEnergyDcem(layersOf(relu), x, new Rng(0), o)).toThrow(/activation "relu" is not supported/);
    const net = new EnergyNet({ hidden: [4], rng: new Rng(1), init: 'torch' });
    expect(() => fusedEnergyDcem(layersOf(net), x, new Rng(0), { ...o, elites: 30 })).toThrow(/elites must be an integer with 2 ≤ elites < samples = 30/);
    expect(() => tf.grad((w: tf.Tensor) => tf.sum(tf.grad((w2: tf.Tensor) => tf.sum(fusedEnergyDcem({ ...layersOf(net), weights: [w2, net.mlp.weights[1]!] }, x, new Rng(0), o)))(w)))(net.mlp.weights[0]!)).toThrow(/a gradient of its gradient is not supported/);
    net.mlp.biases[0]!.assign(tf.fill([4], NaN));
    expect(() => fusedEnergyDcem(layersOf(net), x, new Rng(0), o)).toThrow(NonFiniteError);
    tf.dispose([x]);
    relu.dispose();
    net.dispose();
  });
});
