// Sweep configs: the grid expands to every combination, omitted planner settings come from the env/solver
// preset, keys are stable, and every bad config is an error naming the file and the field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSweepConfig } from '../../scripts/lib/sweep-config.ts';
import { seedStats, t975 } from '../../scripts/lib/seed-stats.ts';
import '../../envs/index.ts';
import '../../src/solvers/index.ts';
import '../../controllers/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-config-'));
const write = (name: string, v: unknown): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};

describe('sweep config', () => {
  it('expands a grid into cells × seeds jobs with preset-completed settings and stable ids', () => {
    const f = write('grid.json', { grid: { env: 'Pendulum-v1', solver: ['dcem', 'novas'], horizon: [10, 20] }, seeds: 3 });
    const p = readSweepConfig(f);
    expect(p.cells).toHaveLength(4);
    expect(p.jobs).toHaveLength(12);
    expect(p.seeds).toEqual([0, 1, 2]);
    const dcem = p.cells.find((c) => c.settings.solver === 'dcem' && c.settings.horizon === 10)!;
    expect(dcem.settings).toMatchObject({ samples: 500, iterations: 5, solverConfig: { elites: 50, temp: 2 }, physics: 'matter' });
    expect(new Set(p.jobs.map((j) => j.id)).size).toBe(12);
    expect(readSweepConfig(f).jobs.map((j) => j.id)).toEqual(p.jobs.map((j) => j.id));
    // the key changes with any setting
    const g = write('grid2.json', { grid: { env: 'Pendulum-v1', solver: ['dcem', 'novas'], horizon: [10, 20] }, seeds: 3, episodes: 2 });
    expect(readSweepConfig(g).cells[0]!.key).not.toBe(p.cells[0]!.key);
  });

  it('takes a list of cells and explicit seeds', () => {
    const p = readSweepConfig(write('list.json', { cells: [{ solver: 'dcem', samples: 100, solverConfig: { elites: 10 } }, { solver: 'novas' }], seeds: [5, 9] }));
    expect(p.jobs.map((j) => j.seed)).toEqual([5, 9, 5, 9]);
    expect(p.cells[0]!.settings.samples).toBe(100);
  });

  it.each([
    [{ grid: { env: 'Pendulum-v1', horizonn: 5 } }, /config .*bad\.json: grid: Unrecognized key.*horizonn/],
    [{ grid: { horizon: [10, -1] } }, /config .*bad\.json: grid\.horizon/],
    [{ grid: { solver: 'dcme' } }, /config .*bad\.json: grid\.solver: unknown solver "dcme"; .*Did you mean dcem/],
    [{ cells: [{ env: 'Pendulm-v1' }] }, /config .*bad\.json: cells\[0\]\.env: unknown env "Pendulm-v1"/],
    [{ grid: {}, cells: [{}] }, /config .*bad\.json: cells: give either "grid" or "cells"/],
    [{ grid: {}, seeds: [1, 1] }, /config .*bad\.json: seeds: seeds must not repeat/],
    [{ cells: [{ solver: 'dcem' }, { solver: 'dcem' }] }, /two cells have the same settings/],
    [{ grid: { solver: 'novas', solverConfig: { nosuch: 1 } } }, /config .*bad\.json: grid\.solverConfig: .*nosuch/],
  ])('refuses %j naming the file and the field', (cfg, msg) => {
    expect(() => readSweepConfig(write('bad.json', cfg))).toThrow(msg);
  });

  it('names a missing or malformed file', () => {
    expect(() => readSweepConfig(path.join(dir, 'none.json'))).toThrow(/sweep CONFIG: file .*none\.json does not exist/);
    expect(() => readSweepConfig(write('torn.json', '{"grid": '))).toThrow(/torn\.json is not valid JSON/);
  });
});

describe('seed statistics', () => {
  it('mean, sample std and the Student-t 95% interval', () => {
    const s = seedStats([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // t(0.975, 3) = 3.1824 (tables)
    expect(s.ci95![1] - s.mean).toBeCloseTo((3.1824 * Math.sqrt(5 / 3)) / 2, 10);
    expect(seedStats([7])).toEqual({ n: 1, mean: 7, std: null, ci95: null });
  });

  it('the expansion beyond the table continues it (t(0.975, 31) ≈ 2.0395, t → 1.96)', () => {
    expect(t975(31)).toBeCloseTo(2.0395, 3);
    expect(t975(120)).toBeCloseTo(1.9799, 3);
    expect(t975(100000)).toBeCloseTo(1.96, 3);
  });

  it('refuses non-finite values', () => {
    expect(() => seedStats([1, NaN])).toThrow(/finite/);
  });
});
