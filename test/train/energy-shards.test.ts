// The energy network's row passes split over threads (EnergyShards): the same energies as one thread, bit for
// bit, for any row count (fewer rows than threads included); the VJP summed over chunks against one thread's;
// the fused NOVAS op and a protocol run with shards against without; the refusals; no tensors left behind.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBackend } from '../../src/tensor/backend.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { fusedEnergyNovas } from '../../src/train/energy-novas-fused.ts';
import { NOVAS_PAPER_STEP, trainEnergyProtocol } from '../../src/train/energy-protocol.ts';
import { EnergyNet } from '../../src/train/energy-regression.ts';
import { energyRows, energyRowsVjp } from '../../src/train/energy-rows.ts';
import { EnergyShards } from '../../src/train/energy-shards.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { layersOf, mseAndGrads, relErr } from './energy-fused-helpers.ts';

let shards: EnergyShards;

beforeAll(async () => {
  await useTestBackend();
  shards = await EnergyShards.start({ threads: 3, backend: currentBackend()!.name });
}, 60_000);

afterAll(() => shards?.dispose());

function rows(R: number, seed: number): { xs: Float32Array; ys: Float64Array } {
  const rng = new Rng(seed);
  return { xs: Float32Array.from({ length: R }, () => 2 * Math.PI * rng.uniform()), ys: Float64Array.from(rng.normalArray(R), (v) => 5 * v) };
}

describe('EnergyShards', () => {
  const net = new EnergyNet({ hidden: [16, 12], rng: new Rng(2), init: 'torch' });

  it('gives one thread’s energies for any row count, and grows its buffers', () => {
    const before = tf.memory().numTensors;
    for (const R of [1, 2, 3, 100, 3001]) {
      const { xs, ys } = rows(R, R);
      const a = energyRows(layersOf(net), xs, ys).E;
      const b = shards.energies(layersOf(net), xs, ys).E;
      expect(Array.from(b), `R = ${R}`).toEqual(Array.from(a));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sums the chunks’ VJPs to one thread’s', () => {
    const { xs, ys } = rows(301, 9);
    const g = Float32Array.from(new Rng(4).normalArray(301));
    const k1: tf.Tensor[] = [];
    energyRows(layersOf(net), xs, ys, { keep: k1 });
    const a = energyRowsVjp(layersOf(net), k1, g);
    const k2: tf.Tensor[] = [];
    const { save } = shards.energies(layersOf(net), xs, ys, k2);
    const b = shards.vjp(layersOf(net), k2, save!, g);
    const flat = (r: { dW: tf.Tensor[]; db: tf.Tensor[] }) => [...r.dW, ...r.db].map((t) => Float32Array.from(t.dataSync()));
    expect(relErr(flat(b), flat(a), 1e-6)).toBeLessThan(1e-5);
    tf.dispose([...k1, ...k2, ...a.dW, ...a.db, ...b.dW, ...b.db]);
  });

  it('follows the weights when an optimizer changes them', () => {
    const local = new EnergyNet({ hidden: [8], rng: new Rng(5), init: 'torch' });
    const { xs, ys } = rows(50, 1);
    const E0 = shards.energies(layersOf(local), xs, ys).E;
    const v = local.variables()[0]!;
    v.assign(tf.add(v, 0.1));
    const E1 = shards.energies(layersOf(local), xs, ys).E;
    expect(Array.from(E1)).toEqual(Array.from(energyRows(layersOf(local), xs, ys).E));
    expect(Array.from(E1)).not.toEqual(Array.from(E0));
    local.dispose();
  });

  it('gives the fused NOVAS op the same value and gradients', () => {
    const X = [0.7, 2.0, 3.3, 4.4, 5.9];
    const Y = X.map((x) => x * Math.sin(x));
    const o = { iterations: 10, samples: 30, sigma0: 10, step: NOVAS_PAPER_STEP };
    const a = mseAndGrads(net, X, Y, (x) => fusedEnergyNovas(layersOf(net), x, new Rng(3), o));
    const b = mseAndGrads(net, X, Y, (x) => fusedEnergyNovas(layersOf(net), x, new Rng(3), { ...o, shards }));
    expect(b.loss).toBe(a.loss);
    expect(relErr(b.grads, a.grads, 1e-6)).toBeLessThan(1e-5);
  });

  it('refuses a backward after a newer taped forward, and use after dispose', async () => {
    const { xs, ys } = rows(20, 2);
    const k1: tf.Tensor[] = [];
    const first = shards.energies(layersOf(net), xs, ys, k1).save!;
    const k2: tf.Tensor[] = [];
    shards.energies(layersOf(net), xs, ys, k2);
    expect(() => shards.vjp(layersOf(net), k1, first, new Float32Array(20))).toThrow(/newer taped forward/);
    expect(() => shards.vjp(layersOf(net), k1, first, new Float32Array(3))).toThrow(/3 cotangents for a forward of 20 rows/);
    tf.dispose([...k1, ...k2]);
    expect(() => shards.energies(layersOf(net), xs, new Float64Array(3))).toThrow(/x has 20 rows but y has 3/);
    const other = await EnergyShards.start({ threads: 2, backend: currentBackend()!.name });
    other.dispose();
    other.dispose();
    expect(() => other.energies(layersOf(net), xs, ys)).toThrow(/after dispose/);
    await expect(EnergyShards.start({ threads: 0 })).rejects.toThrow(/threads must be an integer in 1\.\.64/);
  }, 60_000);

  it('trains the NOVAS protocol on two threads as on one', async () => {
    const cfg = { protocol: 'novas' as const, method: 'novas' as const, samples: 10, ablation: false, overrides: { points: 40, batch: 4, hidden: [8], updates: 6, evalEvery: 3, patience: 0 } };
    const one = await trainEnergyProtocol(cfg, 1);
    const two = await trainEnergyProtocol({ ...cfg, threads: 2 }, 1);
    expect([one.threads, two.threads]).toEqual([1, 2]);
    expect(two.rows.map((r) => r.update)).toEqual(one.rows.map((r) => r.update));
    two.rows.forEach((r, i) => expect(r.testMse! / one.rows[i]!.testMse!).toBeCloseTo(1, 4));
    expect(two.final.trainMse / one.final.trainMse).toBeCloseTo(1, 4);
    // gd-10 and dcem have no sharded op: they say they ran on one thread.
    expect((await trainEnergyProtocol({ ...cfg, method: 'gd-10', threads: 2, overrides: { ...cfg.overrides, updates: 3 } }, 1)).threads).toBe(1);
  }, 120_000);
});
