// `diffmpc l2o-mlp` on a tiny bounded config (1 training episode of 2 steps, 4 optimizer steps, Iris): it
// writes the JSON table, one JSONL line per finished seed and a loss-curve PNG; a rerun skips recorded
// seeds (and cuts a torn last line); a seed's run is a deterministic function of (config, task, seed);
// bad flags are refused naming the flag.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchL2OMlp, runMlpSeed, summarise, type MethodResult, type SeedResult } from '../../scripts/bench-l2o-mlp.ts';
import { getCommand, parseCommandArgs } from '../../scripts/cli.ts';
import '../../scripts/commands/index.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

const tiny = (outDir: string, lines: string[]) => ({
  tasks: ['iris'],
  seeds: 1,
  steps: 4,
  full: false,
  trainFamily: 'quadratic',
  seed: 0,
  backend: 'cpu',
  outDir,
  training: { dims: [2], episodes: 1, steps: 2, runs: 1 },
  log: (l: string) => lines.push(l),
});

describe('l2o-mlp', () => {
  it('writes its table, per-seed rows and plot, resumes, and reruns a seed identically', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-l2o-mlp-'));
    const lines: string[] = [];
    const file = await benchL2OMlp(tiny(out, lines));
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    const methods = ['sgd', 'adam', 'eps-greedy-sgd x4', 'l2o', 'l2o+explorers', 'l2o+explorers (fixed step, v1)'];
    expect(report.rows.map((r: { method: string }) => r.method)).toEqual(methods);
    for (const r of report.rows) {
      expect(r.task).toBe('iris');
      expect(r.seeds).toBe(1);
      expect(Number.isFinite(r['median best loss'])).toBe(true);
    }
    const jsonl = path.join(out, 'l2o-mlp', 'seeds.jsonl');
    const recs = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SeedResult);
    expect(recs).toHaveLength(1);
    for (const m of recs[0]!.methods) {
      expect(m.curve).toHaveLength(5);
      expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(m.testAccuracy).toBeLessThanOrEqual(1);
      expect(m.evals).toBe(m.method.startsWith('eps') || m.method === 'sgd' || m.method === 'adam' ? 9 : 10); // learned: f + ∇f at the start and after each step
    }
    expect(fs.statSync(path.join(out, 'l2o-mlp', 'iris.png')).size).toBeGreaterThan(5000);
    // deterministic: the same (config, task, seed) gives the same losses
    const again = runMlpSeed(report.meta.config, 'iris', 0);
    expect(again.methods.map((m) => m.curve)).toEqual(recs[0]!.methods.map((m) => m.curve));
    // resume: a torn line is cut, the recorded seed is skipped, checkpoints are reused
    fs.appendFileSync(jsonl, '{"key": "torn');
    const lines2: string[] = [];
    await benchL2OMlp({ ...tiny(out, lines2), seeds: 2 });
    expect(lines2.some((l) => /cutting a torn last line/.test(l))).toBe(true);
    expect(lines2.some((l) => /iris seed 0: already recorded/.test(l))).toBe(true);
    expect(lines2.filter((l) => /^reusing /.test(l))).toHaveLength(3);
    const recs2 = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SeedResult);
    expect(recs2.map((r) => r.seed)).toEqual([0, 1]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('summarises tasks with different targets under the same columns, with the 95% interval over seeds', () => {
    const m = (method: string, bestLoss: number, hit: number | null): MethodResult => ({
      method, finalLoss: bestLoss, bestLoss, trainAccuracy: 1, testAccuracy: 0.9, evalsToTarget: hit, msToTarget: hit, evals: 10, ms: 5, curve: [1, bestLoss],
    });
    const res = (task: string, seed: number, target: number, loss: number): SeedResult => ({ key: 'k', task, seed, target, methods: [m('adam', loss, seed === 0 ? 4 : null)] });
    const rows = summarise([res('iris', 0, 0.1, 1e-2), res('iris', 1, 0.1, 1e-4), res('spirals', 0, 0.3, 0.5)]);
    expect(Object.keys(rows[1]!)).toEqual(Object.keys(rows[0]!));
    expect(rows.map((r) => [r.task, r.target, r.reached])).toEqual([['iris', 0.1, '1/2'], ['spirals', 0.3, '1/1']]);
    // log10 losses −2 and −4: mean −3, std √2, interval −3 ± 12.706·√2/√2
    expect(rows[0]!['log10 best loss']).toBe('-3.00 ± 1.41');
    expect(rows[0]!['log10 loss 95% CI']).toBe('[-15.71, 9.71]');
    expect(rows[1]!['log10 loss 95% CI']).toBe('-');
  });

  it('refuses bad flags and tasks, naming them', async () => {
    const cmd = getCommand('l2o-mlp')!;
    expect(() => parseCommandArgs(cmd, ['--task', 'mnist'])).toThrow(/--task: unknown value "mnist"; expected one of iris, spirals, all/);
    expect(() => parseCommandArgs(cmd, ['--seeds', '0'])).toThrow(/--seeds: must be at least 1/);
    expect(() => parseCommandArgs(cmd, ['--train-family', 'cubic'])).toThrow(/--train-family/);
    await expect(benchL2OMlp({ ...tiny(os.tmpdir(), []), tasks: ['mnist'] })).rejects.toThrow(/unknown classification task "mnist"/);
    await expect(benchL2OMlp({ ...tiny(os.tmpdir(), []), steps: 0 })).rejects.toThrow(/--steps: expected a positive integer/);
  });
});
