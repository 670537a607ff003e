// `bench l2o` through the executor: a tiny budget gives the same rows, checkpoints and per-run final values
// under `--workers 2` (threads) as inline (wall times aside). A test piece rebuilds its instance and the
// method's Rng split exactly as one sequential pass would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchL2O } from '../../scripts/bench-l2o.ts';
import { executorChoice } from '../../scripts/lib/executor-options.ts';
import { runL2OTest } from '../../scripts/lib/l2o-jobs.ts';
import { runEpsGreedySgd } from '../../policies/l2o/baselines.ts';
import { makeProblem } from '../../policies/l2o/problems.ts';
import { initBackend } from '../../src/tensor/backend.ts';
import { Rng } from '../../src/tensor/rng.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const BUDGET = { trainSeeds: 1, trainDims: [2], episodes: 2, trainSteps: 8, runs: 2, testDims: [2], seeds: 2, steps: 10 };
const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as { rows: Record<string, unknown>[]; meta: { finalBest: Record<string, number>; sgdLr: number; adamLr: number } };
const noTiming = (rows: Record<string, unknown>[]) => rows.map(({ 'ms/run': _, ...r }) => r);

describe('bench l2o pieces', () => {
  it('--workers 2 gives the same rows, checkpoints and final values as inline', async () => {
    const [a, b] = [fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-l2o-a-')), fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-l2o-b-'))];
    const base = { full: false, trainFamily: 'quadratic', seed: 0, backend: 'wasm', budget: BUDGET };
    const fa = await benchL2O({ ...base, outDir: a, executor: executorChoice({}) });
    const fb = await benchL2O({ ...base, outDir: b, executor: executorChoice({ workers: 2 }) });
    const [ra, rb] = [read(fa), read(fb)];
    expect(noTiming(rb.rows)).toEqual(noTiming(ra.rows));
    expect(rb.meta.finalBest).toEqual(ra.meta.finalBest);
    expect(Object.keys(ra.meta.finalBest)).toContain('test/quadratic/2/s1/eps-greedy-sgd x4');
    for (const f of ['optimizer.json', 'optimizer-explorers.json']) expect(fs.readFileSync(path.join(b, 'l2o', f), 'utf8')).toBe(fs.readFileSync(path.join(a, 'l2o', f), 'utf8'));
    for (const d of [a, b]) fs.rmSync(d, { recursive: true, force: true });
  }, 300_000);

  it('a test piece equals the sequential pass: instance from Rng(seed), method i on the i-th split', async () => {
    const seed = 7919 + 2;
    const rng = new Rng(seed);
    const p = makeProblem('rastrigin', 3, rng);
    const th = p.init(1, rng);
    for (let i = 0; i < 4; i++) rng.split();
    const want = runEpsGreedySgd(p, th, 30, { lr: 0.01, restarts: 4, epsilon: 0.9, stepScale: 2, rng: rng.split() }).values.map((v) => v[0]!);
    const got = (await runL2OTest({ family: 'rastrigin', dim: 3, steps: 30, split: 4, method: { kind: 'eps-greedy-sgd', lr: 0.01, restarts: 4, epsilon: 0.9, stepScale: 2 } }, seed)) as { best: number[] };
    let b = Infinity;
    expect(got.best).toEqual(want.map((v) => (b = Math.min(b, v))));
    const other = (await runL2OTest({ family: 'rastrigin', dim: 3, steps: 30, split: 3, method: { kind: 'eps-greedy-sgd', lr: 0.01, restarts: 4, epsilon: 0.9, stepScale: 2 } }, seed)) as { best: number[] };
    expect(other.best).not.toEqual(got.best); // another split, other restarts
  }, 60_000);
});
