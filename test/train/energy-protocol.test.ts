// The papers' regression protocols: their data splits, the evaluation cadence of the reference loops (after a
// group of inner updates, when the count is a multiple of evalEvery), NOVAS's paper-code step against the
// reference formulas, and tiny bounded training runs that append their rows to JSONL and are reproducible.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { novasStep } from '../../src/solvers/novas.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { NOVAS_PAPER_STEP, protocolData, resolveProtocol, trainEnergyProtocol } from '../../src/train/energy-protocol.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('energy protocols', () => {
  it("makes each paper's data: 100 evenly spaced points (dcem), 200 with ⌈25 %⌉ held out (novas)", () => {
    const d = protocolData(resolveProtocol('dcem'), new Rng(0));
    expect(d.xTrain.length).toBe(100);
    expect(d.xTest.length).toBe(0);
    expect(d.xTrain[0]).toBe(0);
    expect(d.xTrain[99]).toBeCloseTo(2 * Math.PI, 5);
    expect(d.xTrain[1]! - d.xTrain[0]!).toBeCloseTo((2 * Math.PI) / 99, 5);
    const n = protocolData(resolveProtocol('novas'), new Rng(0));
    expect([n.xTrain.length, n.xTest.length]).toEqual([150, 50]);
    const all = [...n.xTrain, ...n.xTest].sort((a, b) => a - b);
    all.forEach((v, i) => expect(v).toBeCloseTo((2 * Math.PI * i) / 199, 5));
    n.yTest.forEach((y, i) => expect(y).toBeCloseTo(n.xTest[i]! * Math.sin(n.xTest[i]!), 5));
    expect(protocolData(resolveProtocol('novas'), new Rng(0))).toEqual(n);
    expect(protocolData(resolveProtocol('novas'), new Rng(1)).xTest).not.toEqual(n.xTest);
  });

  it('rejects inconsistent overrides by name', () => {
    expect(() => resolveProtocol('novas', { batch: 151 })).toThrow(/batch: 151 exceeds the 150 training points/);
    expect(() => resolveProtocol('dcem', { schedulerOn: 'test' })).toThrow(/schedulerOn: "test" needs a held-out set/);
    expect(() => resolveProtocol('dcem', { updates: 0 })).toThrow(/updates: expected a positive integer/);
    expect(() => resolveProtocol('sgd' as 'dcem')).toThrow(/protocol: unknown "sgd"; expected one of dcem, novas/);
  });

  it("NOVAS's paper-code step equals the reference formulas (soft-ce on raw values, weighted variance + 1e-3)", () => {
    const B = 2;
    const N = 20;
    const rng = new Rng(3);
    const eps = rng.normalTensor([B, N, 1]);
    const mu = tf.tensor2d([[0.5], [-1]]);
    const sigma = tf.tensor2d([[2], [0.7]]);
    const f = (X: tf.Tensor) => tf.square(tf.sub(X, 1)).reshape([B, N]);
    const s = novasStep(f, mu, sigma, eps, { ...NOVAS_PAPER_STEP, sharpness: 3 });
    const e = eps.dataSync();
    const m0 = mu.dataSync();
    const s0 = sigma.dataSync();
    const muOut = s.mu.dataSync();
    const sigOut = s.sigma.dataSync();
    for (let b = 0; b < B; b++) {
      // iexarchos/NOVAS SPEN/adaptive_stochastic_search.py with opt 'min' (fX = −f), shape 'soft_ce', 2 elites.
      const X = Array.from({ length: N }, (_, j) => m0[b]! + s0[b]! * e[b * N + j]!);
      const fX = X.map((x) => -((x - 1) ** 2));
      const lo = Math.min(...fX);
      const hi = Math.max(...fX);
      const gamma = [...fX].sort((p, q) => q - p)[1]!;
      const raw = fX.map((v) => ((v - lo) / (hi - lo)) / (1 + Math.exp(-3 * (v - gamma))));
      const total = raw.reduce((p, q) => p + q, 0);
      const S = raw.map((v) => v / total);
      const muNew = m0[b]! + S.reduce((acc, w, j) => acc + w * (X[j]! - m0[b]!), 0);
      const varNew = S.reduce((acc, w, j) => acc + w * (X[j]! - muNew) ** 2, 0) + 0.001;
      expect(muOut[b]).toBeCloseTo(muNew, 5);
      expect(sigOut[b]).toBeCloseTo(Math.sqrt(varNew), 5);
    }
  });

  it('evaluates after a group of inner updates when the count is a multiple of evalEvery, and appends each row', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-protocol-'));
    const rowsPath = path.join(dir, 'rows.jsonl');
    const cfg = { protocol: 'dcem' as const, method: 'dcem' as const, samples: 12, rowsPath, ablation: false, overrides: { hidden: [8, 8], updates: 12, evalEvery: 2 } };
    const a = await trainEnergyProtocol(cfg, 5);
    // groups of 3 end at 3, 6, 9, 12; only 6 and 12 are multiples of 2 (the reference's `step % 100` after a group).
    expect(a.rows.map((r) => r.update)).toEqual([6, 12]);
    const lines = fs.readFileSync(rowsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.method, l.seed, l.update])).toEqual([['dcem', 5, 6], ['dcem', 5, 12]]);
    expect(a.rows.every((r) => Number.isFinite(r.trainMse) && r.testMse === null && r.lr === 1e-3)).toBe(true);
    expect(a.memory.peakBytes).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    const b = await trainEnergyProtocol({ ...cfg, rowsPath: undefined }, 5);
    expect(b.rows.map((r) => r.trainMse)).toEqual(a.rows.map((r) => r.trainMse));
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('the NOVAS protocol trains on batches, watches the held-out MSE and runs the 1..20 ablation', async () => {
    const r = await trainEnergyProtocol({ protocol: 'novas', method: 'novas', samples: 10, overrides: { points: 40, batch: 4, hidden: [8], updates: 4, evalEvery: 2, patience: 0 } }, 1);
    expect(r.rows.map((x) => x.update)).toEqual([2, 4]);
    expect(r.rows.every((x) => x.testMse !== null && Number.isFinite(x.testMse))).toBe(true);
    // The training MSE only every trainEvalEvery updates and at the last evaluation.
    expect(r.rows.map((x) => x.trainMse === null)).toEqual([true, false]);
    expect(r.final.trainMse).toBe(r.rows[1]!.trainMse);
    expect(r.ablation.map((a) => a.iterations)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.ablation.every((a) => Number.isFinite(a.mse))).toBe(true);
    expect(r.settings.testFraction).toBe(0.25);
  }, 120_000);

  it('stops at the first evaluation past maxSeconds, with the training MSE of that row', async () => {
    const r = await trainEnergyProtocol({ protocol: 'novas', method: 'novas', samples: 10, maxSeconds: 1e-6, ablation: false, overrides: { points: 40, batch: 4, hidden: [8], updates: 8, evalEvery: 2 } }, 1);
    expect([r.stoppedBy, r.updates, r.rows.length]).toEqual(['time', 2, 1]);
    expect(Number.isFinite(r.final.trainMse)).toBe(true);
  }, 120_000);
});
