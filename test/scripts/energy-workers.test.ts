// `diffmpc energy` through the executor: two contenders × two seeds of a tiny run give the same table, the
// same per-seed numbers and the same landscape data under `--workers 2` (threads) as inline, wall times aside;
// so do the seeds of `--protocol` (each method × seed one piece), rows.jsonl holding every seed's rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { energyJobs, runEnergy } from '../../scripts/energy.ts';
import { ENERGY_CONTENDERS } from '../../scripts/lib/energy-contenders.ts';
import { runEnergySeed } from '../../scripts/lib/energy-jobs.ts';
import { runEnergyProtocol } from '../../scripts/energy-protocol.ts';
import { executorChoice } from '../../scripts/lib/executor-options.ts';
import { initBackend } from '../../src/tensor/backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const timing = /ms\/epoch|msPerEpoch/;
const numbers = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !timing.test(k))));

describe('energy pieces', () => {
  it('one piece per contender × seed, contender-major; the first seed draws the landscape', () => {
    const jobs = energyJobs(ENERGY_CONTENDERS.filter((c) => ['gd-1', 'dcem'].includes(c.label)), { seeds: 2, seedBase: 5, epochs: 4, batchSize: 16, yBound: 10 });
    expect(jobs.map((j) => [j.id, j.seed, (j.config as { landscape: boolean }).landscape])).toEqual([
      ['gd-1/s5', 5, true],
      ['gd-1/s6', 6, false],
      ['dcem/s5', 5, true],
      ['dcem/s6', 6, false],
    ]);
  });

  it('--workers 2 gives the same table as inline, bit for bit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-workers-'));
    const base = { full: false, epochs: 2, seeds: 2, batchSize: 64, only: ['gd-1', 'gd-5'], outDir: dir, seedBase: 0, yBound: 10, backend: 'wasm' };
    const inline = await runEnergy({ ...base, runDir: path.join(dir, 'a'), executor: executorChoice({}) });
    const threads = await runEnergy({ ...base, runDir: path.join(dir, 'b'), executor: executorChoice({ workers: 2 }) });
    expect(numbers(threads.rows)).toEqual(numbers(inline.rows));
    expect(inline.rows.map((r) => r.solver)).toEqual(['gd-1', 'gd-5']);
    expect(inline.rows[0]!.train_mse_std).toBeGreaterThan(0); // two seeds, two different fits
    expect(fs.statSync(threads.png).size).toBeGreaterThan(10_000);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 240_000);

  it('--protocol: --workers 2 gives the same table and per-seed results as inline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmpc-energy-protocol-workers-'));
    const base = { protocol: 'dcem' as const, methods: ['gd-10' as const], seeds: 2, seedBase: 0, updates: 3, outDir: dir, backend: 'wasm' };
    const inline = await runEnergyProtocol({ ...base, runDir: path.join(dir, 'a'), executor: executorChoice({}) });
    const threads = await runEnergyProtocol({ ...base, runDir: path.join(dir, 'b'), executor: executorChoice({ workers: 2 }) });
    const strip = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/ms|seconds|MB/.test(k))));
    expect(strip(threads.rows)).toEqual(strip(inline.rows));
    const result = (d: string, seed: number) => {
      const r = JSON.parse(fs.readFileSync(path.join(dir, d, `result-gd-10-${seed}.json`), 'utf8'));
      return { final: r.final.trainMse, best: r.best.trainMse, ablation: r.ablation };
    };
    for (const seed of [0, 1]) expect(result('b', seed)).toEqual(result('a', seed));
    expect(result('a', 0).final).not.toBe(result('a', 1).final);
    const rows = fs.readFileSync(path.join(dir, 'b', 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seed).sort()).toEqual([0, 1]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 400_000);

  it('a piece returns its landscape only when asked, and refuses an unknown contender by name', async () => {
    const cfg = { contender: 'gd-1', index: 0, epochs: 1, batchSize: 64, yBound: 10, evalEvery: 1, landscape: false };
    const r = (await runEnergySeed(cfg, 3)) as { landscape?: unknown; ablation: Record<string, number> };
    expect(r.landscape).toBeUndefined();
    expect(Object.keys(r.ablation)).toEqual(['1', '5', '10', '20', '50']);
    await expect(runEnergySeed({ ...cfg, contender: 'gd-7' }, 3)).rejects.toThrow(/unknown contender "gd-7"; known: gd-1, gd-5/);
  }, 60_000);
});
