// The DiffmpcSoftplus SIMD kernel: softplus and σ against Float64 over the whole float32 range that matters,
// the special values, lengths that are not a multiple of 4 (the JS tail, and no write past the tensor), the
// registered wasm kernel against the plain-array one, its flag, and the energy network's rows with it (wasm)
// against the tfjs ops (cpu).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/tensor/backend.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { SOFTPLUS_KERNEL_FLAG, softplusArray, softplusKernel, softplusKernelAvailable, softplusKernelFor } from '../../src/tensor/softplus-kernel.ts';
import { softplusValue } from '../../src/tensor/softplus-value.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { energyRows, energyRowsVjp, type EnergyLayers } from '../../src/train/energy-rows.ts';

const softplus64 = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid64 = (z: number): number => 1 / (1 + Math.exp(-z));
/** Relative error in units of float32's 2⁻²³. */
const ulps = (got: number, exact: number): number => Math.abs(got - exact) / Math.abs(exact) / 2 ** -23;

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await initBackend(process.env.DIFFMPC_TEST_BACKEND ?? 'cpu');
});

describe('softplusArray', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(softplusKernelAvailable()).toBe(true);
  });

  it('is within 3 ulps of softplus and σ in Float64 on [−87, 100]', () => {
    const z = Float32Array.from({ length: 200_001 }, (_, i) => -87 + (187 * i) / 200_000);
    const { value, sigmoid } = softplusArray(z, true);
    let worstSp = 0;
    let worstSig = 0;
    z.forEach((v, i) => {
      worstSp = Math.max(worstSp, ulps(value[i]!, softplus64(v)));
      worstSig = Math.max(worstSig, ulps(sigmoid![i]!, sigmoid64(v)));
    });
    expect(worstSp).toBeLessThan(3);
    expect(worstSig).toBeLessThan(3);
  });

  it('keeps NaN, maps ±∞ to the limits and ±0 to ln 2 and ½', () => {
    const { value, sigmoid } = softplusArray(Float32Array.of(NaN, Infinity, -Infinity, 0, -0, -1e30, 1e30, 88), true);
    expect(Number.isNaN(value[0]!) && Number.isNaN(sigmoid![0]!)).toBe(true);
    expect([value[1], sigmoid![1]]).toEqual([Infinity, 1]);
    expect(value[2]!).toBeLessThan(1e-37);
    expect(sigmoid![2]!).toBeLessThan(1e-37);
    expect(value[3]!).toBeCloseTo(Math.LN2, 7);
    expect(value[4]!).toBeCloseTo(Math.LN2, 7);
    expect([sigmoid![3], sigmoid![4]]).toEqual([0.5, 0.5]);
    expect(value[5]!).toBeLessThan(1e-37);
    expect([value[6], sigmoid![6]]).toEqual([Math.fround(1e30), 1]);
    expect(value[7]).toBe(88);
  });

  it('gives the tail of a length that is not a multiple of 4 the same values as the vector loop', () => {
    const z = Float32Array.from({ length: 11 }, (_, i) => -5 + i);
    const whole = softplusArray(Float32Array.from([...z, 0]), true); // 12: all in the SIMD loop
    for (const n of [1, 2, 3, 5, 7, 11]) {
      const part = softplusArray(z.subarray(0, n), true);
      for (let i = 0; i < n; i++) {
        expect(ulps(part.value[i]!, whole.value[i]!)).toBeLessThan(3);
        expect(ulps(part.sigmoid![i]!, whole.sigmoid![i]!)).toBeLessThan(3);
      }
    }
  });
});

describe('softplusKernel (the registered wasm kernel)', () => {
  it('runs on the wasm backend and gives the plain-array values bit for bit, in z’s shape, without leaks', () => {
    expect(softplusKernelFor()).toBe(true);
    const data = Float32Array.from({ length: 6 * 7 }, (_, i) => 3 * Math.sin(i));
    const z = tf.tensor2d(data, [6, 7]);
    const before = tf.memory().numTensors;
    const r = softplusKernel(z, true)!;
    expect(r.value.shape).toEqual([6, 7]);
    expect(r.sigmoid!.shape).toEqual([6, 7]);
    const ref = softplusArray(data, true);
    expect(Array.from(r.value.dataSync())).toEqual(Array.from(ref.value));
    expect(Array.from(r.sigmoid!.dataSync())).toEqual(Array.from(ref.sigmoid!));
    tf.dispose([r.value, r.sigmoid!]);
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
  });

  it('writes nothing past its output (a length of 5 next to other tensors)', () => {
    const guards = Array.from({ length: 8 }, (_, i) => tf.fill([3], 100 + i));
    const z = tf.tensor1d([-2, -1, 0, 1, 2]);
    const outs = Array.from({ length: 4 }, () => softplusKernel(z, true)!);
    guards.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual([100 + i, 100 + i, 100 + i]));
    expect(Array.from(outs[3]!.value.dataSync())).toEqual(Array.from(softplusArray(Float32Array.of(-2, -1, 0, 1, 2)).value));
    tf.dispose([...guards, z, ...outs.flatMap((o) => [o.value, o.sigmoid!])]);
  });

  it('is what softplusValue takes off the tape, and not on it', () => {
    const z = tf.tensor1d([-3, 0.5, 4]);
    expect(Array.from(softplusValue(z).dataSync())).toEqual(Array.from(softplusArray(Float32Array.of(-3, 0.5, 4)).value));
    const g = tf.grad((v: tf.Tensor) => tf.sum(softplusValue(v)))(z);
    // The ops' recorded gradient (Relu's and Abs's): σ(z) away from 0.
    g.dataSync().forEach((d, i) => expect(d).toBeCloseTo(sigmoid64([-3, 0.5, 4][i]!), 5));
    tf.dispose([z, g]);
  });

  it('is switched off by its tfjs flag', () => {
    tf.env().set(SOFTPLUS_KERNEL_FLAG, false);
    try {
      expect(softplusKernelFor()).toBe(false);
      expect(softplusKernel(tf.tensor1d([1]))).toBeNull();
    } finally {
      tf.env().set(SOFTPLUS_KERNEL_FLAG, true);
    }
    expect(softplusKernelFor()).toBe(true);
  });

  it('is not used on the cpu backend', async () => {
    await initBackend('cpu');
    try {
      expect(softplusKernelFor()).toBe(false);
      expect(softplusKernel(tf.tensor1d([1]))).toBeNull();
    } finally {
      await initBackend('wasm');
    }
  });
});

describe('the energy network rows with the kernel', () => {
  it('match the tfjs ops (on cpu) in energies, kept activations and the VJP', async () => {
    const run = () => {
      const net = new EnergyNet({ hidden: [128, 128, 128], rng: new Rng(3), init: 'torch' });
      const L: EnergyLayers = { weights: net.mlp.weights, biases: net.mlp.biases, activation: 'softplus' };
      const xs = Float32Array.from({ length: 301 }, (_, i) => (i % 40) / 6);
      const ys = Float64Array.from({ length: 301 }, (_, i) => 12 * Math.sin(0.37 * i));
      const keep: tf.Tensor[] = [];
      const { E, slope } = energyRows(L, xs, ys, { keep, slope: true });
      const g = Float32Array.from({ length: 301 }, (_, i) => Math.cos(i));
      const { dW, db } = energyRowsVjp(L, keep, g);
      const grads = [...dW, ...db].map((t) => Array.from(t.dataSync()));
      tf.dispose([...keep, ...dW, ...db]);
      net.dispose();
      return { E: Array.from(E), slope: Array.from(slope!), grads };
    };
    const wasm = run();
    await initBackend('cpu');
    let cpu: ReturnType<typeof run>;
    try {
      cpu = run();
    } finally {
      await initBackend('wasm');
    }
    const close = (a: number[], b: number[], tol: number) => {
      const scale = Math.max(1, ...b.map(Math.abs));
      a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tol * scale));
    };
    close(wasm.E, cpu.E, 2e-6);
    close(wasm.slope, cpu.slope, 2e-5);
    wasm.grads.forEach((g, i) => close(g, cpu.grads[i]!, 2e-5));
  });
});
