// Tests of policies/l2o/learned-optimizer.ts and solver.ts: checkpoint round trip (atomic JSON), clear
// errors on bad checkpoints, and the optimizer as the registered 'l2o' Solver (bounds, backward, trace).
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LearnedOptimizer } from '../../../policies/l2o/learned-optimizer.ts';
import { L2OSolver } from '../../../policies/l2o/solver.ts';
import { makeProblem } from '../../../policies/l2o/problems.ts';
import { makeSolver, listSolvers } from '../../../src/solvers/types.ts';
import { Rng } from '../../../src/tensor/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('LearnedOptimizer checkpoints', () => {
  it('round-trips through an atomic JSON checkpoint with identical trajectories', () => {
    const opt = new LearnedOptimizer({ config: { history: 3, stepScale: 0.25 }, hidden: [8, 8], seed: 5 });
    opt.meta = { family: 'quadratic' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'l2o-ckpt-'));
    const file = path.join(dir, 'opt.json');
    opt.save(file);
    expect(fs.readdirSync(dir)).toEqual(['opt.json']); // no temp file left behind
    const back = LearnedOptimizer.load(file);
    expect(back.config).toEqual(opt.config);
    expect(back.hidden).toEqual([8, 8]);
    expect(back.meta).toEqual({ family: 'quadratic' });
    const rng = new Rng(1);
    const p = makeProblem('ackley', 5, rng);
    const th = p.init(3, rng);
    const a = opt.run(p, th, 10);
    const b = back.run(p, th, 10);
    expect(Array.from(b.values[10]!)).toEqual(Array.from(a.values[10]!));
    expect(Array.from(b.theta.dataSync())).toEqual(Array.from(a.theta.dataSync()));
    tf.dispose([th, a.theta, b.theta]);
    p.dispose();
    opt.dispose();
    back.dispose();
    fs.rmSync(dir, { recursive: true });
  });

  it('loads version-1 checkpoints (before the adaptive step scale) with the fixed step', () => {
    const v2 = new LearnedOptimizer({ config: { history: 3, scale: 'fixed' }, hidden: [4], seed: 1 });
    const j = { ...v2.toJSON(), version: 1, config: { history: 3, stepScale: 0.5, eps: 1e-8, beta: 0.9 } };
    const back = LearnedOptimizer.fromJSON(j);
    expect(back.config.scale).toBe('fixed');
    expect(back.actor.net.getWeights()).toEqual(v2.actor.net.getWeights());
    expect(new LearnedOptimizer().toJSON().version).toBe(2);
    v2.dispose();
    back.dispose();
  });

  it('rejects files that are not learned-optimizer checkpoints, naming the problem', () => {
    expect(() => LearnedOptimizer.fromJSON({ kind: 'other' })).toThrow(/kind must be "diffmpc\/l2o-optimizer"/);
    expect(() => LearnedOptimizer.fromJSON({ kind: 'diffmpc/l2o-optimizer', version: 9 })).toThrow(/version 9 is not supported/);
    expect(() => LearnedOptimizer.load('/nonexistent/opt.json')).toThrow(/no checkpoint at \/nonexistent\/opt.json/);
  });
});

describe("'l2o' solver", () => {
  it('is registered, runs on a Solver objective within bounds and returns the best iterate', () => {
    expect(listSolvers().map((s) => s.name)).toContain('l2o');
    expect(() => makeSolver('l2o')).toThrow(/pass \{ checkpoint/);
    const opt = new LearnedOptimizer({ hidden: [8], seed: 2 });
    const solver = makeSolver('l2o', { optimizer: opt, iterations: 15 });
    expect(solver).toBeInstanceOf(L2OSolver);
    // f(X) = Σ (X − 0.3)², X [B, N, n]
    const f = (X: tf.Tensor) => tf.sum(tf.square(tf.sub(X, 0.3)), 2);
    const mean = tf.tensor2d([[1, -1, 0.5], [0, 0, 0]]);
    const before = tf.memory().numTensors;
    const r = solver.solve(f, { mean }, { bounds: [-0.5, 0.8], trace: true, backward: 'none' });
    expect(r.solution.shape).toEqual([2, 3]);
    expect(r.value.shape).toEqual([2]);
    for (const v of r.solution.dataSync()) {
      expect(v).toBeGreaterThanOrEqual(-0.5 - 1e-6);
      expect(v).toBeLessThanOrEqual(0.8 + 1e-6);
    }
    const vals = r.value.dataSync();
    const direct = tf.tidy(() => f(r.solution.expandDims(1)).dataSync());
    for (let b = 0; b < 2; b++) {
      expect(vals[b]!).toBeCloseTo(direct[b]!, 5);
      // best-so-far never exceeds the (projected) start
      expect(vals[b]!).toBeLessThanOrEqual(r.info.trace!.best[0]![b]! + 1e-6);
    }
    expect(r.info.trace!.mean.length).toBe(16);
    tf.dispose([r.solution, r.value]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => solver.solve(f, { mean }, { backward: 'unroll' })).toThrow(/l2o solver .*backward "unroll" is not supported; .* supports 'none'/);
    expect(() => solver.solve(f, { mean: tf.zeros([3]) })).toThrow(/init.mean: expected shape \[B, n\]/);
    mean.dispose();
    opt.dispose();
  });
});
